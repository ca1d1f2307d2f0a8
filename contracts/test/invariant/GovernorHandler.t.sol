// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vm} from "../utils/Vm.sol";
import {CommitRevealVoting} from "../../CommitRevealVoting.sol";
import {ParameterGovernor} from "../../ParameterGovernor.sol";
import {IParameterGovernor} from "../../interfaces/IParameterGovernor.sol";
import {ICommitRevealVoting} from "../../interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "../../libraries/TcrParameters.sol";

/// @title Drives parameter governance with random proposals, challenges, votes and processing, and checks every
/// outcome against its own model of the concurrent-proposal rule.
/// @dev No immutables (the fuzzer identifies target contracts by their runtime code). Three parameters with three
/// values each, so proposals of the current value and of a parameter with a live proposal are frequent. The handler
/// predicts each call's outcome from its own bookkeeping (never from `liveProposalOf`) and fails the run on any
/// difference; at every apply it checks that the parameter still had the value it had when the proposal was made.
contract GovernorHandler {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    ParameterGovernor public governor;
    CommitRevealVoting public voting;
    address[] public actors;

    uint8[3] private _names =
        [uint8(TcrParameters.Name.MinDeposit), uint8(TcrParameters.Name.ExitDelay), uint8(TcrParameters.Name.GovDispensationPct)];

    uint256[] public proposalIds;
    /// Ghost: the parameter's value when each proposal was made.
    mapping(uint256 proposalId => uint256 value) public valueWhenProposed;
    /// Ghost: the handler's own idea of each parameter's last proposal.
    mapping(uint8 name => uint256 proposalId) private _last;
    /// Ghost: the committed option of each voter per poll.
    mapping(uint256 pollId => mapping(address voter => uint8 optionPlusOne)) private _committed;

    /// How often each path was taken, so a campaign can be seen to reach them all.
    uint256 public applied;
    uint256 public rejected;
    uint256 public expired;
    uint256 public refusedUnchanged;
    uint256 public refusedLive;

    constructor(ParameterGovernor governor_, CommitRevealVoting voting_, address[] memory actors_) {
        governor = governor_;
        voting = voting_;
        actors = actors_;
    }

    function proposalCount() external view returns (uint256) {
        return proposalIds.length;
    }

    function nameAt(uint256 i) external view returns (uint8) {
        return _names[i];
    }

    // ------------------------------------------------------------------------------------------------- actions

    function propose(uint256 actorSeed, uint256 nameSeed, uint256 valueSeed) external {
        uint8 name = _names[nameSeed % 3];
        uint256 value = _valueOf(name, valueSeed);
        address proposer = actors[actorSeed % actors.length];
        if (IERC20(address(voting.token())).balanceOf(proposer) < governor.parameters().minDeposit) return;
        uint256 current = governor.get(name);
        uint256 last = _last[name];
        bool live = last != 0 && _live(last);
        vm.prank(proposer);
        try governor.propose(name, value) returns (uint256 proposalId) {
            require(value != current, "a proposal of the current value was accepted");
            require(!live, "a second live proposal of one parameter was accepted");
            proposalIds.push(proposalId);
            valueWhenProposed[proposalId] = current;
            _last[name] = proposalId;
        } catch (bytes memory reason) {
            if (value == current) {
                require(
                    keccak256(reason)
                        == keccak256(abi.encodeWithSelector(IParameterGovernor.GovernorValueUnchanged.selector, name, value)),
                    "the current value is refused with GovernorValueUnchanged"
                );
                ++refusedUnchanged;
            } else {
                require(live, "a valid proposal was refused");
                bytes memory expected = abi.encodeWithSelector(
                    IParameterGovernor.GovernorProposalLive.selector, name, last, governor.proposal(last).processBy
                );
                require(keccak256(reason) == keccak256(expected), "a live proposal is named in GovernorProposalLive");
                ++refusedLive;
            }
        }
    }

    function challenge(uint256 actorSeed, uint256 proposalSeed) external {
        if (proposalIds.length == 0) return;
        uint256 proposalId = proposalIds[proposalSeed % proposalIds.length];
        IParameterGovernor.Proposal memory p = governor.proposal(proposalId);
        if (p.status != IParameterGovernor.ProposalStatus.Pending || block.timestamp >= p.challengeEnd) return;
        address challenger = actors[actorSeed % actors.length];
        if (IERC20(address(voting.token())).balanceOf(challenger) < p.deposit) return;
        vm.prank(challenger);
        governor.challengeProposal(proposalId, "");
    }

    function commit(uint256 actorSeed, uint256 proposalSeed, bool uphold) external {
        uint256 pollId = _openPoll(proposalSeed);
        if (pollId == 0 || voting.pollStage(pollId) != ICommitRevealVoting.PollStage.Commit) return;
        address voter = actors[actorSeed % actors.length];
        uint8 option = uphold ? 1 : 0;
        bytes32 commitment = voting.commitmentOf(pollId, voter, option, _salt(voter, pollId));
        vm.prank(voter);
        voting.commitVote(pollId, commitment);
        _committed[pollId][voter] = option + 1;
    }

    function reveal(uint256 actorSeed, uint256 proposalSeed) external {
        uint256 pollId = _openPoll(proposalSeed);
        if (pollId == 0 || voting.pollStage(pollId) != ICommitRevealVoting.PollStage.Reveal) return;
        address voter = actors[actorSeed % actors.length];
        uint8 committed = _committed[pollId][voter];
        (ICommitRevealVoting.VoteState state,,,) = voting.voteOf(pollId, voter);
        if (committed == 0 || state != ICommitRevealVoting.VoteState.Committed) return;
        if (voting.token().getPastVotes(voter, voting.poll(pollId).snapshot) == 0) return;
        vm.prank(voter);
        voting.revealVote(pollId, committed - 1, _salt(voter, pollId));
    }

    function process(uint256 proposalSeed) external {
        if (proposalIds.length == 0) return;
        uint256 proposalId = proposalIds[proposalSeed % proposalIds.length];
        if (!governor.canProcess(proposalId)) return;
        IParameterGovernor.Proposal memory p = governor.proposal(proposalId);
        uint256 before = governor.get(p.name);
        governor.processProposal(proposalId);
        IParameterGovernor.ProposalStatus status = governor.proposal(proposalId).status;
        uint256 afterwards = governor.get(p.name);
        if (status == IParameterGovernor.ProposalStatus.Applied) {
            // The rule's promise: nothing changed the parameter between the proposal and its application.
            require(before == valueWhenProposed[proposalId], "an applied proposal undid a later change");
            require(afterwards == p.value && afterwards != before, "an applied proposal sets a new value");
            ++applied;
        } else {
            require(afterwards == before, "a proposal that was not applied changed its parameter");
            if (status == IParameterGovernor.ProposalStatus.Rejected) ++rejected;
            else ++expired;
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + seconds_ % 4 days);
        vm.roll(block.number + 1);
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /// Whether the handler's model holds `proposalId` live: not processed and within its process window.
    function _live(uint256 proposalId) private view returns (bool) {
        IParameterGovernor.Proposal memory p = governor.proposal(proposalId);
        bool open = p.status == IParameterGovernor.ProposalStatus.Pending
            || p.status == IParameterGovernor.ProposalStatus.Challenged;
        return open && block.timestamp <= p.processBy;
    }

    function _openPoll(uint256 proposalSeed) private view returns (uint256) {
        if (proposalIds.length == 0) return 0;
        IParameterGovernor.Proposal memory p = governor.proposal(proposalIds[proposalSeed % proposalIds.length]);
        return p.status == IParameterGovernor.ProposalStatus.Challenged ? p.challengeId : 0;
    }

    function _valueOf(uint8 name, uint256 seed) private pure returns (uint256) {
        uint256 i = seed % 3;
        if (name == uint8(TcrParameters.Name.MinDeposit)) return [uint256(100e18), 150e18, 200e18][i];
        if (name == uint8(TcrParameters.Name.ExitDelay)) return [uint256(0), 1 days, 2 days][i];
        return [uint256(0), 50, 100][i];
    }

    function _salt(address voter, uint256 pollId) private pure returns (bytes32) {
        return keccak256(abi.encode("governor salt", voter, pollId));
    }
}
