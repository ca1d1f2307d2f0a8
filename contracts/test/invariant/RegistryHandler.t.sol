// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "../utils/Vm.sol";
import {TcrToken} from "../../TcrToken.sol";
import {CommitRevealVoting} from "../../CommitRevealVoting.sol";
import {MailServerRegistry} from "../../MailServerRegistry.sol";
import {IMailServerRegistry} from "../../interfaces/IMailServerRegistry.sol";
import {ICommitRevealVoting} from "../../interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "../../libraries/TcrParameters.sol";

/// @dev No immutables: the fuzzer identifies target contracts by their runtime code, which immutables would change.
/// @title Drives the registry with random but meaningful actions for invariant tests, and keeps ghost accounting.
/// @dev Every action picks its actor and node from the fuzzer's seeds and skips itself when it cannot apply, so call
/// sequences stay productive; an unexpected revert from a call the handler believed valid fails the run.
contract RegistryHandler {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    TcrToken public token;
    CommitRevealVoting public voting;
    MailServerRegistry public registry;
    address public governor;

    address[] public actors;
    uint256[] private _nodeKeys;
    bytes32[] public nodeIds;

    /// Every challenge ever opened, with its node.
    uint256[] public challengeIds;
    mapping(uint256 challengeId => bytes32 nodeId) public nodeOfChallenge;
    /// Ghost: rewards paid per challenge.
    mapping(uint256 challengeId => uint256 paid) public claimed;
    /// Ghost: the committed option of each voter, so reveals reveal what was committed.
    mapping(uint256 challengeId => mapping(address voter => uint8 optionPlusOne)) private _committed;

    mapping(bytes4 selector => uint256 count) public calls;

    /// A client's view of every entry's stage, built only from the registry's events.
    mapping(bytes32 nodeId => IMailServerRegistry.Stage) public mirroredStage;

    /// A client's ledger, built only from the registry's events: per entry its owner, deposit and open challenge;
    /// per challenge its stake (while open) or voter pool (once resolved) and status; and the tokens the registry
    /// must hold, moved by every amount the events report paid in or out.
    struct LedgerEntry {
        address owner;
        uint256 deposit;
        uint256 challengeId;
    }

    struct LedgerChallenge {
        uint256 amount;
        IMailServerRegistry.ChallengeStatus status;
        uint256 stake;
    }

    mapping(bytes32 nodeId => LedgerEntry) private _ledgerEntries;
    mapping(uint256 challengeId => LedgerChallenge) private _ledgerChallenges;
    uint256 public ledgerBalance;

    /// Records the logs an action emits and feeds them to the event mirror, as a client following the chain would.
    modifier recorded() {
        vm.recordLogs();
        _;
        _mirror(vm.getRecordedLogs());
    }

    constructor(TcrToken token_, CommitRevealVoting voting_, MailServerRegistry registry_, address[] memory actors_) {
        token = token_;
        voting = voting_;
        registry = registry_;
        governor = registry_.governor();
        actors = actors_;
        for (uint256 i = 1; i <= 4; ++i) {
            uint256 key = uint256(keccak256(abi.encode("invariant node", i))) % 2 ** 200;
            _nodeKeys.push(key);
            nodeIds.push(bytes32((uint256(keccak256(abi.encode(key))) << 160) | uint160(vm.addr(key))));
        }
    }

    function ledgerEntry(bytes32 nodeId) external view returns (LedgerEntry memory) {
        return _ledgerEntries[nodeId];
    }

    function ledgerChallenge(uint256 challengeId) external view returns (LedgerChallenge memory) {
        return _ledgerChallenges[challengeId];
    }

    function nodeCount() external view returns (uint256) {
        return nodeIds.length;
    }

    function challengeCount() external view returns (uint256) {
        return challengeIds.length;
    }

    // ------------------------------------------------------------------------------------------------- actions

    function applyListing(uint256 actorSeed, uint256 nodeSeed, uint256 amountSeed) external recorded {
        calls[this.applyListing.selector]++;
        uint256 n = nodeSeed % nodeIds.length;
        bytes32 nodeId = nodeIds[n];
        if (registry.listing(nodeId).stage != IMailServerRegistry.Stage.Absent) return;
        address applicant = actors[actorSeed % actors.length];
        uint256 minDeposit = registry.parameters().minDeposit;
        uint256 amount = minDeposit + amountSeed % (200 * 1e18);
        if (token.balanceOf(applicant) < amount) return;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(_nodeKeys[n], registry.nodeProofDigest(applicant, nodeId, deadline));
        vm.prank(applicant);
        registry.applyListing(nodeId, amount, deadline, abi.encodePacked(r, s, v), "");
    }

    function deposit(uint256 nodeSeed, uint256 amountSeed) external recorded {
        calls[this.deposit.selector]++;
        bytes32 nodeId = nodeIds[nodeSeed % nodeIds.length];
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        if (l.stage == IMailServerRegistry.Stage.Absent) return;
        uint256 amount = 1 + amountSeed % (100 * 1e18);
        if (token.balanceOf(l.owner) < amount) return;
        vm.prank(l.owner);
        registry.deposit(nodeId, amount);
    }

    function withdraw(uint256 nodeSeed, uint256 amountSeed) external recorded {
        calls[this.withdraw.selector]++;
        bytes32 nodeId = nodeIds[nodeSeed % nodeIds.length];
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        if (l.stage == IMailServerRegistry.Stage.Absent) return;
        uint256 floor = registry.parameters().minDeposit;
        if (l.challengeId != 0) {
            uint256 stake = registry.challengeOf(nodeId, l.challengeId).amount;
            if (stake > floor) floor = stake;
        }
        if (l.deposit <= floor) return;
        uint256 amount = 1 + amountSeed % (l.deposit - floor);
        vm.prank(l.owner);
        registry.withdraw(nodeId, amount);
    }

    function challenge(uint256 actorSeed, uint256 nodeSeed) external recorded {
        calls[this.challenge.selector]++;
        bytes32 nodeId = nodeIds[nodeSeed % nodeIds.length];
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        if (l.stage == IMailServerRegistry.Stage.Absent || l.challengeId != 0) return;
        address challenger = actors[actorSeed % actors.length];
        if (token.balanceOf(challenger) < registry.parameters().minDeposit) return;
        vm.prank(challenger);
        uint256 challengeId = registry.challenge(nodeId, "");
        if (challengeId != 0) {
            challengeIds.push(challengeId);
            nodeOfChallenge[challengeId] = nodeId;
        }
    }

    function commit(uint256 actorSeed, uint256 nodeSeed, bool uphold) external recorded {
        calls[this.commit.selector]++;
        uint256 challengeId = registry.listing(nodeIds[nodeSeed % nodeIds.length]).challengeId;
        if (challengeId == 0 || voting.pollStage(challengeId) != ICommitRevealVoting.PollStage.Commit) return;
        address voter = actors[actorSeed % actors.length];
        uint8 option = uphold ? 1 : 0;
        bytes32 commitment = voting.commitmentOf(challengeId, voter, option, _salt(voter, challengeId));
        vm.prank(voter);
        voting.commitVote(challengeId, commitment);
        _committed[challengeId][voter] = option + 1;
    }

    function reveal(uint256 actorSeed, uint256 nodeSeed) external recorded {
        calls[this.reveal.selector]++;
        uint256 challengeId = registry.listing(nodeIds[nodeSeed % nodeIds.length]).challengeId;
        if (challengeId == 0 || voting.pollStage(challengeId) != ICommitRevealVoting.PollStage.Reveal) return;
        address voter = actors[actorSeed % actors.length];
        uint8 committed = _committed[challengeId][voter];
        (ICommitRevealVoting.VoteState state,,,) = voting.voteOf(challengeId, voter);
        if (committed == 0 || state != ICommitRevealVoting.VoteState.Committed) return;
        if (token.getPastVotes(voter, voting.poll(challengeId).snapshot) == 0) return;
        vm.prank(voter);
        voting.revealVote(challengeId, committed - 1, _salt(voter, challengeId));
    }

    function updateStatus(uint256 nodeSeed) external recorded {
        calls[this.updateStatus.selector]++;
        bytes32 nodeId = nodeIds[nodeSeed % nodeIds.length];
        if (!registry.canUpdateStatus(nodeId)) return;
        registry.updateStatus(nodeId);
    }

    function claim(uint256 actorSeed, uint256 challengeSeed) external recorded {
        calls[this.claim.selector]++;
        if (challengeIds.length == 0) return;
        uint256 challengeId = challengeIds[challengeSeed % challengeIds.length];
        bytes32 nodeId = nodeOfChallenge[challengeId];
        address voter = actors[actorSeed % actors.length];
        uint256 expected = registry.rewardOf(nodeId, challengeId, voter);
        (ICommitRevealVoting.VoteState state,,,) = voting.voteOf(challengeId, voter);
        IMailServerRegistry.Challenge memory c = registry.challengeOf(nodeId, challengeId);
        if (c.status < IMailServerRegistry.ChallengeStatus.Succeeded || c.amount == 0) return;
        if (state != ICommitRevealVoting.VoteState.Revealed) return;
        (,, uint8 option,) = voting.voteOf(challengeId, voter);
        if ((option == 1) != (c.status == IMailServerRegistry.ChallengeStatus.Succeeded)) return;
        uint256 before = token.balanceOf(voter);
        vm.prank(voter);
        registry.claimReward(nodeId, challengeId);
        uint256 paid = token.balanceOf(voter) - before;
        require(paid == expected, "claim paid what rewardOf promised");
        claimed[challengeId] += paid;
    }

    function initExit(uint256 nodeSeed) external recorded {
        calls[this.initExit.selector]++;
        bytes32 nodeId = nodeIds[nodeSeed % nodeIds.length];
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        bool restartable = l.stage == IMailServerRegistry.Stage.Exiting && block.timestamp > l.exitEnd;
        if ((l.stage != IMailServerRegistry.Stage.Listed && !restartable) || l.challengeId != 0) return;
        vm.prank(l.owner);
        registry.initExit(nodeId);
    }

    function finalizeExit(uint256 nodeSeed) external recorded {
        calls[this.finalizeExit.selector]++;
        bytes32 nodeId = nodeIds[nodeSeed % nodeIds.length];
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        if (l.stage != IMailServerRegistry.Stage.Exiting || l.challengeId != 0) return;
        if (block.timestamp < l.exitStart || block.timestamp > l.exitEnd) return;
        vm.prank(l.owner);
        registry.finalizeExit(nodeId);
    }

    /// Governance moves the minimum deposit, which makes touch-and-remove and locked stakes reachable.
    function setMinDeposit(uint256 seed) external recorded {
        calls[this.setMinDeposit.selector]++;
        vm.prank(governor);
        registry.setParameter(uint8(TcrParameters.Name.MinDeposit), 50e18 + seed % 200e18);
    }

    function warp(uint256 seconds_) external {
        calls[this.warp.selector]++;
        vm.warp(block.timestamp + seconds_ % 3 days);
        vm.roll(block.number + 1);
    }

    function _mirror(Vm.Log[] memory logs) private {
        for (uint256 i = 0; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.emitter != address(registry) || log.topics.length < 2) continue;
            bytes32 topic = log.topics[0];
            bytes32 nodeId = log.topics[1];
            if (topic == IMailServerRegistry.Applied.selector) mirroredStage[nodeId] = IMailServerRegistry.Stage.Applied;
            else if (topic == IMailServerRegistry.Listed.selector) mirroredStage[nodeId] = IMailServerRegistry.Stage.Listed;
            else if (topic == IMailServerRegistry.ExitStarted.selector) mirroredStage[nodeId] = IMailServerRegistry.Stage.Exiting;
            else if (_isRemoval(topic)) mirroredStage[nodeId] = IMailServerRegistry.Stage.Absent;
            _account(log, topic, nodeId);
        }
    }

    function _isRemoval(bytes32 topic) private pure returns (bool) {
        return topic == IMailServerRegistry.ApplicationRemoved.selector
            || topic == IMailServerRegistry.ListingRemoved.selector || topic == IMailServerRegistry.Exited.selector
            || topic == IMailServerRegistry.TouchedAndRemoved.selector;
    }

    /// Keeps the ledger from one registry log alone, as a client that never reads contract state would.
    function _account(Vm.Log memory log, bytes32 topic, bytes32 nodeId) private {
        LedgerEntry storage e = _ledgerEntries[nodeId];
        if (topic == IMailServerRegistry.Applied.selector) {
            (uint256 amount,,) = abi.decode(log.data, (uint256, uint256, bytes));
            e.owner = address(uint160(uint256(log.topics[2])));
            e.deposit = amount;
            ledgerBalance += amount;
        } else if (topic == IMailServerRegistry.Deposited.selector) {
            (uint256 amount, uint256 newDeposit) = abi.decode(log.data, (uint256, uint256));
            require(newDeposit == e.deposit + amount, "Deposited: newDeposit == deposit + amount");
            e.deposit = newDeposit;
            ledgerBalance += amount;
        } else if (topic == IMailServerRegistry.Withdrawn.selector) {
            (uint256 amount, uint256 newDeposit) = abi.decode(log.data, (uint256, uint256));
            require(newDeposit + amount == e.deposit, "Withdrawn: newDeposit == deposit - amount");
            e.deposit = newDeposit;
            ledgerBalance -= amount;
        } else if (topic == IMailServerRegistry.Listed.selector) {
            require(abi.decode(log.data, (uint256)) == e.deposit, "Listed: deposit as the ledger knows it");
        } else if (topic == IMailServerRegistry.Challenged.selector) {
            uint256 challengeId = uint256(log.topics[2]);
            (uint256 stake,,,) = abi.decode(log.data, (uint256, uint256, uint256, bytes));
            e.challengeId = challengeId;
            _ledgerChallenges[challengeId] = LedgerChallenge(stake, IMailServerRegistry.ChallengeStatus.Open, stake);
            ledgerBalance += stake;
        } else if (topic == IMailServerRegistry.ChallengeSucceeded.selector) {
            uint256 challengeId = uint256(log.topics[2]);
            (uint256 challengerReward, uint256 pool,,) = abi.decode(log.data, (uint256, uint256, uint256, uint256));
            LedgerChallenge storage c = _ledgerChallenges[challengeId];
            require(challengerReward + pool == 2 * c.stake, "ChallengeSucceeded: both stakes accounted for");
            (c.amount, c.status) = (pool, IMailServerRegistry.ChallengeStatus.Succeeded);
            e.challengeId = 0;
            ledgerBalance -= challengerReward;
        } else if (topic == IMailServerRegistry.ChallengeFailed.selector) {
            uint256 challengeId = uint256(log.topics[2]);
            (uint256 reward, bool paidOut, uint256 newDeposit, uint256 pool,,,) =
                abi.decode(log.data, (uint256, bool, uint256, uint256, uint256, uint256, bool));
            require(newDeposit == (paidOut ? e.deposit : e.deposit + reward), "ChallengeFailed: newDeposit by path");
            LedgerChallenge storage c = _ledgerChallenges[challengeId];
            require(reward + pool == c.stake, "ChallengeFailed: the challenger's stake accounted for");
            (c.amount, c.status) = (pool, IMailServerRegistry.ChallengeStatus.Failed);
            e.deposit = newDeposit;
            e.challengeId = 0;
            if (paidOut) ledgerBalance -= reward;
        } else if (
            topic == IMailServerRegistry.ApplicationRemoved.selector
                || topic == IMailServerRegistry.ListingRemoved.selector
        ) {
            uint256 challengeId = uint256(log.topics[3]);
            uint256 refund = abi.decode(log.data, (uint256));
            LedgerChallenge storage c = _ledgerChallenges[challengeId];
            require(c.status == IMailServerRegistry.ChallengeStatus.Succeeded, "removed by the challenge it names");
            // The stake went to the challenger and the voters; the rest of the deposit is the refund.
            require(refund + c.stake == e.deposit, "removal refunds the deposit less the stake");
            delete _ledgerEntries[nodeId];
            ledgerBalance -= refund;
        } else if (topic == IMailServerRegistry.Exited.selector) {
            uint256 refund = abi.decode(log.data, (uint256));
            require(refund == e.deposit, "Exited: the whole deposit is refunded");
            delete _ledgerEntries[nodeId];
            ledgerBalance -= refund;
        } else if (topic == IMailServerRegistry.TouchedAndRemoved.selector) {
            (uint256 refund,) = abi.decode(log.data, (uint256, uint256));
            require(refund == e.deposit, "TouchedAndRemoved: the whole deposit is refunded");
            delete _ledgerEntries[nodeId];
            ledgerBalance -= refund;
        } else if (topic == IMailServerRegistry.RewardClaimed.selector) {
            ledgerBalance -= abi.decode(log.data, (uint256));
        }
    }

    function _salt(address voter, uint256 challengeId) private pure returns (bytes32) {
        return keccak256(abi.encode("invariant salt", voter, challengeId));
    }
}
