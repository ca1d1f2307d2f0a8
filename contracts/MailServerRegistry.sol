// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IMailServerRegistry} from "./interfaces/IMailServerRegistry.sol";
import {ICommitRevealVoting} from "./interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "./libraries/TcrParameters.sol";
import {ChallengeMath} from "./libraries/ChallengeMath.sol";
import {ParameterGovernor} from "./ParameterGovernor.sol";

/// @title Token-curated registry of chat mail servers.
/// @notice See {IMailServerRegistry}. Deploying the registry also deploys its {ParameterGovernor}.
contract MailServerRegistry is IMailServerRegistry, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 private constant _NODE_PROOF_TYPEHASH =
        keccak256("NodeProof(address applicant,bytes32 nodeId,uint256 nonce,uint256 deadline)");

    IERC20 private immutable _token;
    ICommitRevealVoting private immutable _voting;
    address private immutable _governor;

    TcrParameters.Registry private _params;
    mapping(bytes32 nodeId => Listing) private _listings;
    mapping(bytes32 nodeId => mapping(uint256 challengeId => Challenge)) private _challenges;
    /// Trusted node ids at positions 0..count-1. Slots past the count are left dirty on removal, so listing again
    /// rewrites a non-zero slot (2,900 gas) instead of a zero one (22,100).
    mapping(uint256 index => bytes32 nodeId) private _listed;
    /// The number of trusted ids plus one: the slot is never zero, so the first listing does not pay 22,100 gas.
    uint256 private _listedCountPlusOne = 1;

    modifier onlyOwnerOf(bytes32 nodeId) {
        _checkOwner(nodeId);
        _;
    }

    /// @param token_ An ERC-20 with ERC-5805 vote checkpoints (ERC20Votes), used for deposits and voting weight.
    /// @param voting_ The commit-reveal voting contract; it must weigh votes with `token_`.
    /// @param params Initial registry parameters, each within its bounds.
    /// @param governance Initial parameters of the governor deployed here.
    constructor(
        IERC20 token_,
        ICommitRevealVoting voting_,
        TcrParameters.Registry memory params,
        TcrParameters.Governance memory governance
    ) EIP712("MailServerRegistry", "1") {
        if (address(voting_.token()) != address(token_)) {
            revert RegistryTokenMismatch(address(token_), address(voting_.token()));
        }
        TcrParameters.check(params);
        _token = token_;
        _voting = voting_;
        _params = params;
        _governor = address(new ParameterGovernor(this, token_, voting_, governance));
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Applications

    /// @inheritdoc IMailServerRegistry
    function applyListing(
        bytes32 nodeId,
        uint256 amount,
        uint256 deadline,
        bytes calldata nodeProof,
        bytes calldata data
    ) external nonReentrant {
        _apply(nodeId, amount, deadline, nodeProof, data);
    }

    /// @inheritdoc IMailServerRegistry
    function applyListingWithPermit(
        bytes32 nodeId,
        uint256 amount,
        uint256 deadline,
        bytes calldata nodeProof,
        bytes calldata data,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A permit that someone else already submitted makes this call fail; the allowance is then what matters.
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), amount, permitDeadline, v, r, s) {} catch {}
        _apply(nodeId, amount, deadline, nodeProof, data);
    }

    function _apply(bytes32 nodeId, uint256 amount, uint256 deadline, bytes calldata nodeProof, bytes calldata data)
        private
    {
        Listing storage l = _listings[nodeId];
        if (l.stage != Stage.Absent) revert RegistryWrongStage(nodeId, l.stage, Stage.Absent);
        uint256 minDeposit = _params.minDeposit;
        if (amount < minDeposit) revert RegistryDepositTooLow(amount, minDeposit);
        if (amount > type(uint96).max) revert RegistryInvalidAmount(amount);
        if (block.timestamp > deadline) revert RegistryProofExpired(deadline, block.timestamp);

        uint32 nonce = l.nonce;
        _checkNodeProof(nodeId, _nodeProofDigest(msg.sender, nodeId, nonce, deadline), nodeProof);

        uint256 applicationEnd = block.timestamp + _params.applyStageLength;
        _listings[nodeId] = Listing({
            owner: msg.sender,
            deposit: uint96(amount),
            stage: Stage.Applied,
            applicationEnd: uint40(applicationEnd),
            exitStart: 0,
            exitEnd: 0,
            index: 0,
            challengeId: 0,
            nonce: nonce + 1
        });
        emit Applied(nodeId, msg.sender, amount, applicationEnd, data);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    function _checkNodeProof(bytes32 nodeId, bytes32 digest, bytes calldata nodeProof) private pure {
        address recovered;
        if (nodeProof.length == 65) {
            bytes32 r = bytes32(nodeProof[0:32]);
            bytes32 s = bytes32(nodeProof[32:64]);
            uint8 v = uint8(nodeProof[64]);
            // Accept both the Ethereum (27/28) and the raw (0/1) recovery id; tryRecover rejects high-S.
            if (v < 27) v += 27;
            ECDSA.RecoverError error;
            (recovered, error,) = ECDSA.tryRecover(digest, v, r, s);
            if (error != ECDSA.RecoverError.NoError) recovered = address(0);
        }
        // The node key's address is the low 160 bits of keccak256(pubkey), i.e. of the node id itself.
        if (recovered == address(0) || recovered != address(uint160(uint256(nodeId)))) {
            revert RegistryInvalidNodeProof(nodeId, recovered);
        }
    }

    function _nodeProofDigest(address applicant, bytes32 nodeId, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(_NODE_PROOF_TYPEHASH, applicant, nodeId, nonce, deadline)));
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Deposits

    /// @inheritdoc IMailServerRegistry
    function deposit(bytes32 nodeId, uint256 amount) external nonReentrant onlyOwnerOf(nodeId) {
        Listing storage l = _listings[nodeId];
        uint256 newDeposit = l.deposit + amount;
        if (amount == 0 || newDeposit > type(uint96).max) revert RegistryInvalidAmount(amount);
        l.deposit = uint96(newDeposit);
        emit Deposited(nodeId, msg.sender, amount, newDeposit);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IMailServerRegistry
    function withdraw(bytes32 nodeId, uint256 amount) external nonReentrant onlyOwnerOf(nodeId) {
        Listing storage l = _listings[nodeId];
        if (amount == 0) revert RegistryInvalidAmount(amount);
        uint256 current = l.deposit;
        uint256 available = _withdrawable(nodeId, l, current);
        if (amount > available) revert RegistryWithdrawTooLarge(nodeId, amount, available);
        // Cannot underflow: amount <= available <= current.
        uint256 newDeposit = current - amount;
        l.deposit = uint96(newDeposit);
        emit Withdrawn(nodeId, msg.sender, amount, newDeposit);
        _token.safeTransfer(msg.sender, amount);
    }

    function _withdrawable(bytes32 nodeId, Listing storage l, uint256 current) private view returns (uint256) {
        uint256 floor = _params.minDeposit;
        uint256 challengeId = l.challengeId;
        if (challengeId != 0) {
            uint256 stake = _challenges[nodeId][challengeId].amount;
            if (stake > floor) floor = stake;
        }
        return current > floor ? current - floor : 0;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Challenges

    /// @inheritdoc IMailServerRegistry
    function challenge(bytes32 nodeId, bytes calldata evidence) external nonReentrant returns (uint256 challengeId) {
        Listing storage l = _listings[nodeId];
        if (l.stage == Stage.Absent) revert RegistryNotFound(nodeId);
        if (l.challengeId != 0) revert RegistryChallengeOpen(nodeId, l.challengeId);
        uint256 stake = _params.minDeposit;
        if (l.deposit < stake) {
            _touchAndRemove(nodeId, l, stake);
            return 0;
        }
        challengeId = _openChallenge(nodeId, l, stake, evidence);
        _token.safeTransferFrom(msg.sender, address(this), stake);
    }

    function _openChallenge(bytes32 nodeId, Listing storage l, uint256 stake, bytes calldata evidence)
        private
        returns (uint256 challengeId)
    {
        TcrParameters.Registry storage p = _params;
        uint256 commitLength = p.commitStageLength;
        uint256 revealLength = p.revealStageLength;
        challengeId = _voting.startPoll(p.voteQuorum, p.passThreshold, commitLength, revealLength);
        // Poll ids count up from 1, one per poll: 64 bits cannot run out.
        l.challengeId = uint64(challengeId);
        // stake is minDeposit, bounded by TcrParameters.MAX_DEPOSIT = 2^88 - 1.
        _challenges[nodeId][challengeId] =
            Challenge({challenger: msg.sender, amount: uint88(stake), status: ChallengeStatus.Open});
        uint256 commitEnd = block.timestamp + commitLength;
        emit Challenged(nodeId, challengeId, msg.sender, stake, commitEnd, commitEnd + revealLength, evidence);
    }

    function _touchAndRemove(bytes32 nodeId, Listing storage l, uint256 minDeposit) private {
        address owner = l.owner;
        uint256 refund = l.deposit;
        _remove(nodeId, l);
        emit TouchedAndRemoved(nodeId, owner, refund, minDeposit);
        _token.safeTransfer(owner, refund);
    }

    /// @inheritdoc IMailServerRegistry
    function updateStatus(bytes32 nodeId) external nonReentrant {
        _updateStatus(nodeId);
    }

    /// @inheritdoc IMailServerRegistry
    function updateStatuses(bytes32[] calldata nodeIds) external nonReentrant {
        for (uint256 i = 0; i < nodeIds.length; ++i) {
            _updateStatus(nodeIds[i]);
        }
    }

    function _updateStatus(bytes32 nodeId) private {
        Listing storage l = _listings[nodeId];
        uint256 challengeId = l.challengeId;
        if (challengeId != 0) {
            ICommitRevealVoting.Result memory r = _voting.result(challengeId);
            if (!r.ended) revert RegistryNothingToUpdate(nodeId, l.stage, r.revealEnd);
            _resolve(nodeId, l, challengeId, r);
        } else if (l.stage == Stage.Applied) {
            if (block.timestamp < l.applicationEnd) revert RegistryNothingToUpdate(nodeId, l.stage, l.applicationEnd);
            _list(nodeId, l);
        } else {
            revert RegistryNothingToUpdate(nodeId, l.stage, 0);
        }
    }

    function _resolve(bytes32 nodeId, Listing storage l, uint256 challengeId, ICommitRevealVoting.Result memory r)
        private
    {
        Challenge storage c = _challenges[nodeId][challengeId];
        uint256 stake = c.amount;
        (bool succeeded, uint256 winnerShare, uint256 voterPool) =
            ChallengeMath.split(stake, _params.dispensationPct, r);
        // voterPool <= stake, which fits 88 bits.
        c.amount = uint88(voterPool);
        l.challengeId = 0;

        if (succeeded) {
            c.status = ChallengeStatus.Succeeded;
            address owner = l.owner;
            Stage stage = l.stage;
            // Cannot underflow: a challenged entry holds at least its stake (withdraw never goes below it).
            uint256 refund = l.deposit - stake;
            address challenger = c.challenger;
            _remove(nodeId, l);
            emit ChallengeSucceeded(nodeId, challengeId, stake + winnerShare, voterPool, r.votesFor, r.votesAgainst);
            if (stage == Stage.Applied) emit ApplicationRemoved(nodeId, owner, challengeId, refund);
            else emit ListingRemoved(nodeId, owner, challengeId, refund);
            _token.safeTransfer(challenger, stake + winnerShare);
            if (refund != 0) _token.safeTransfer(owner, refund);
        } else {
            c.status = ChallengeStatus.Failed;
            _rewardOwner(nodeId, l, challengeId, winnerShare, voterPool, r);
        }
    }

    /// The owner won a challenge: its reward joins the deposit (or is paid out), and an application is listed.
    function _rewardOwner(
        bytes32 nodeId,
        Listing storage l,
        uint256 challengeId,
        uint256 reward,
        uint256 voterPool,
        ICommitRevealVoting.Result memory r
    ) private {
        uint256 newDeposit = l.deposit + reward;
        // The reward joins the deposit unless the deposit's 96 bits cannot hold it; then the owner is paid.
        bool payOwner = newDeposit > type(uint96).max;
        if (payOwner) newDeposit = l.deposit;
        else l.deposit = uint96(newDeposit);
        emit ChallengeFailed(
            nodeId, challengeId, reward, payOwner, newDeposit, voterPool, r.votesFor, r.votesAgainst, r.quorumReached
        );
        // An application that survived a challenge has been scrutinised: it is listed at once.
        if (l.stage == Stage.Applied) _list(nodeId, l);
        if (payOwner) _token.safeTransfer(l.owner, reward);
    }

    /// @inheritdoc IMailServerRegistry
    function claimReward(bytes32 nodeId, uint256 challengeId) external nonReentrant {
        _token.safeTransfer(msg.sender, _claim(nodeId, challengeId));
    }

    /// @inheritdoc IMailServerRegistry
    function claimRewards(bytes32[] calldata nodeIds, uint256[] calldata challengeIds) external nonReentrant {
        if (nodeIds.length != challengeIds.length) revert RegistryLengthMismatch(nodeIds.length, challengeIds.length);
        uint256 total;
        for (uint256 i = 0; i < nodeIds.length; ++i) {
            total += _claim(nodeIds[i], challengeIds[i]);
        }
        _token.safeTransfer(msg.sender, total);
    }

    function _claim(bytes32 nodeId, uint256 challengeId) private returns (uint256 amount) {
        Challenge storage c = _challenges[nodeId][challengeId];
        ChallengeStatus status = c.status;
        if (status == ChallengeStatus.None) revert RegistryChallengeNotFound(nodeId, challengeId);
        if (status == ChallengeStatus.Open) revert RegistryChallengeNotResolved(nodeId, challengeId);
        uint256 pool = c.amount;
        if (pool == 0) revert RegistryNoRewardPool(nodeId, challengeId);
        // Settling marks the vote, so a second claim reverts in the voting contract.
        (uint256 weight, uint256 tally) =
            _voting.settleVote(challengeId, msg.sender, status == ChallengeStatus.Succeeded ? 1 : 0);
        amount = ChallengeMath.share(pool, weight, tally);
        emit RewardClaimed(nodeId, challengeId, msg.sender, amount);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Exits

    /// @inheritdoc IMailServerRegistry
    function initExit(bytes32 nodeId) external onlyOwnerOf(nodeId) {
        Listing storage l = _listings[nodeId];
        Stage stage = l.stage;
        // A missed exit window can be restarted.
        if (stage != Stage.Listed && !(stage == Stage.Exiting && block.timestamp > l.exitEnd)) {
            revert RegistryWrongStage(nodeId, stage, Stage.Listed);
        }
        if (l.challengeId != 0) revert RegistryChallengeOpen(nodeId, l.challengeId);
        uint256 exitStart = block.timestamp + _params.exitDelay;
        uint256 exitEnd = exitStart + _params.exitWindow;
        l.stage = Stage.Exiting;
        l.exitStart = uint40(exitStart);
        l.exitEnd = uint40(exitEnd);
        emit ExitStarted(nodeId, msg.sender, exitStart, exitEnd);
    }

    /// @inheritdoc IMailServerRegistry
    function finalizeExit(bytes32 nodeId) external nonReentrant onlyOwnerOf(nodeId) {
        Listing storage l = _listings[nodeId];
        if (l.stage != Stage.Exiting) revert RegistryWrongStage(nodeId, l.stage, Stage.Exiting);
        if (l.challengeId != 0) revert RegistryChallengeOpen(nodeId, l.challengeId);
        if (block.timestamp < l.exitStart || block.timestamp > l.exitEnd) {
            revert RegistryExitNotReady(nodeId, l.exitStart, l.exitEnd, block.timestamp);
        }
        uint256 refund = l.deposit;
        _remove(nodeId, l);
        emit Exited(nodeId, msg.sender, refund);
        _token.safeTransfer(msg.sender, refund);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Governance

    /// @inheritdoc IMailServerRegistry
    function setParameter(uint8 name, uint256 value) external {
        if (msg.sender != _governor) revert RegistryNotGovernor(msg.sender);
        TcrParameters.check(name, value);
        TcrParameters.Registry storage p = _params;
        TcrParameters.Name n = TcrParameters.Name(name);
        // Bounds were checked above, so every narrowing below is exact.
        if (n == TcrParameters.Name.MinDeposit) p.minDeposit = uint88(value);
        else if (n == TcrParameters.Name.ApplyStageLength) p.applyStageLength = uint32(value);
        else if (n == TcrParameters.Name.CommitStageLength) p.commitStageLength = uint32(value);
        else if (n == TcrParameters.Name.RevealStageLength) p.revealStageLength = uint32(value);
        else if (n == TcrParameters.Name.DispensationPct) p.dispensationPct = uint8(value);
        else if (n == TcrParameters.Name.VoteQuorum) p.voteQuorum = uint8(value);
        else if (n == TcrParameters.Name.PassThreshold) p.passThreshold = uint8(value);
        else if (n == TcrParameters.Name.ExitDelay) p.exitDelay = uint32(value);
        else if (n == TcrParameters.Name.ExitWindow) p.exitWindow = uint32(value);
        else revert TcrParameters.ParameterUnknown(name);
        emit ParameterSet(name, value);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Reads

    /// @inheritdoc IMailServerRegistry
    function token() external view returns (IERC20) {
        return _token;
    }

    /// @inheritdoc IMailServerRegistry
    function voting() external view returns (ICommitRevealVoting) {
        return _voting;
    }

    /// @inheritdoc IMailServerRegistry
    function governor() external view returns (address) {
        return _governor;
    }

    /// @inheritdoc IMailServerRegistry
    function parameters() external view returns (TcrParameters.Registry memory) {
        return _params;
    }

    /// @inheritdoc IMailServerRegistry
    function isListed(bytes32 nodeId) external view returns (bool) {
        return _listings[nodeId].index != 0;
    }

    /// @inheritdoc IMailServerRegistry
    function areListed(bytes32[] calldata nodeIds) external view returns (bool[] memory listed) {
        listed = new bool[](nodeIds.length);
        for (uint256 i = 0; i < nodeIds.length; ++i) {
            listed[i] = _listings[nodeIds[i]].index != 0;
        }
    }

    /// @inheritdoc IMailServerRegistry
    function listing(bytes32 nodeId) external view returns (Listing memory) {
        return _listings[nodeId];
    }

    /// @inheritdoc IMailServerRegistry
    function challengeOf(bytes32 nodeId, uint256 challengeId) external view returns (Challenge memory) {
        return _challenges[nodeId][challengeId];
    }

    /// @inheritdoc IMailServerRegistry
    function rewardOf(bytes32 nodeId, uint256 challengeId, address voter) external view returns (uint256) {
        Challenge storage c = _challenges[nodeId][challengeId];
        ChallengeStatus status = c.status;
        uint256 pool = c.amount;
        if (status < ChallengeStatus.Succeeded || pool == 0) return 0;
        uint8 winning = status == ChallengeStatus.Succeeded ? 1 : 0;
        (ICommitRevealVoting.VoteState state,, uint8 option, uint256 weight) = _voting.voteOf(challengeId, voter);
        if (state != ICommitRevealVoting.VoteState.Revealed || option != winning) return 0;
        ICommitRevealVoting.Poll memory p = _voting.poll(challengeId);
        return ChallengeMath.share(pool, weight, winning == 1 ? p.votesFor : p.votesAgainst);
    }

    /// @inheritdoc IMailServerRegistry
    function canUpdateStatus(bytes32 nodeId) external view returns (bool) {
        Listing storage l = _listings[nodeId];
        uint256 challengeId = l.challengeId;
        if (challengeId != 0) {
            (, uint256 revealEnd) = _voting.pollDeadlines(challengeId);
            return block.timestamp >= revealEnd;
        }
        return l.stage == Stage.Applied && block.timestamp >= l.applicationEnd;
    }

    /// @inheritdoc IMailServerRegistry
    function nodeProofDigest(address applicant, bytes32 nodeId, uint256 deadline) external view returns (bytes32) {
        return _nodeProofDigest(applicant, nodeId, _listings[nodeId].nonce, deadline);
    }

    /// @inheritdoc IMailServerRegistry
    function listedCount() external view returns (uint256) {
        return _listedCountPlusOne - 1;
    }

    /// @inheritdoc IMailServerRegistry
    function listedPage(uint256 offset, uint256 limit) external view returns (bytes32[] memory nodeIds) {
        uint256 count = _listedCountPlusOne - 1;
        if (offset >= count) return new bytes32[](0);
        uint256 end = count - offset > limit ? offset + limit : count;
        nodeIds = new bytes32[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            nodeIds[i - offset] = _listed[i];
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Internals

    function _checkOwner(bytes32 nodeId) private view {
        Listing storage l = _listings[nodeId];
        if (l.stage == Stage.Absent) revert RegistryNotFound(nodeId);
        if (l.owner != msg.sender) revert RegistryNotOwner(nodeId, msg.sender, l.owner);
    }

    function _list(bytes32 nodeId, Listing storage l) private {
        uint256 count = _listedCountPlusOne; // the new entry's 1-based index
        _listed[count - 1] = nodeId;
        _listedCountPlusOne = count + 1;
        l.index = uint32(count);
        l.stage = Stage.Listed;
        emit Listed(nodeId, l.owner, l.deposit);
    }

    /// Clears the entry, keeping only its node-proof nonce, and drops it from the enumeration (swap and pop).
    function _remove(bytes32 nodeId, Listing storage l) private {
        uint256 index = l.index;
        if (index != 0) {
            uint256 last = _listedCountPlusOne - 1;
            if (index != last) {
                bytes32 moved = _listed[last - 1];
                _listed[index - 1] = moved;
                _listings[moved].index = uint32(index);
            }
            _listedCountPlusOne = last;
        }
        uint32 nonce = l.nonce;
        delete _listings[nodeId];
        l.nonce = nonce;
    }
}
