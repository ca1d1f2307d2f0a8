// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICommitRevealVoting} from "./interfaces/ICommitRevealVoting.sol";

/// @title Commit-reveal voting weighted by checkpointed token votes.
/// @notice One deployment serves every poll owner (the registry and the parameter governor), so a voter commits and
/// reveals in one place whatever the poll is about.
contract CommitRevealVoting is ICommitRevealVoting {
    using SafeCast for uint256;

    IVotes private immutable _token;
    /// Whether the token's ERC-6372 clock counts seconds rather than blocks; read once, so opening a poll makes no call.
    bool private immutable _timestampClock;

    uint256 private _pollCount;
    mapping(uint256 pollId => Poll) private _polls;

    /// A vote in one slot. The low byte is the VoteState. While Committed the upper 248 bits hold the upper 248 bits of
    /// the commitment (a 248-bit binding is still far beyond any grinding); once Revealed or Settled, bits 8–15 hold
    /// the option and bits 16–223 the weight. The state byte keeps a commitment from ever reading as a revealed vote.
    mapping(uint256 pollId => mapping(address voter => uint256 packed)) private _votes;

    uint256 private constant _STATE_MASK = 0xff;

    /// @param token_ An ERC-5805 votes token; its ERC-6372 clock must be block numbers or timestamps.
    constructor(IVotes token_) {
        _token = token_;
        bytes32 mode = keccak256(bytes(IERC6372(address(token_)).CLOCK_MODE()));
        if (mode == keccak256("mode=timestamp")) _timestampClock = true;
        else if (mode != keccak256("mode=blocknumber&from=default")) revert VotingUnsupportedClock();
    }

    /// @inheritdoc ICommitRevealVoting
    function token() external view returns (IVotes) {
        return _token;
    }

    /// @inheritdoc ICommitRevealVoting
    function pollCount() external view returns (uint256) {
        return _pollCount;
    }

    /// @inheritdoc ICommitRevealVoting
    function startPoll(uint8 quorumPct, uint8 passPct, uint256 commitDuration, uint256 revealDuration)
        external
        returns (uint256 pollId)
    {
        if (quorumPct > 100 || passPct > 99) revert VotingInvalidPercentage(quorumPct, passPct);
        if (commitDuration == 0 || revealDuration == 0 || commitDuration > type(uint32).max
            || revealDuration > type(uint32).max) revert VotingInvalidDuration(commitDuration, revealDuration);

        uint48 snapshot = (_timestampClock ? block.timestamp : block.number).toUint48() - 1;
        uint40 commitEnd = (block.timestamp + commitDuration).toUint40();
        pollId = ++_pollCount;
        _polls[pollId] = Poll({
            owner: msg.sender,
            commitEnd: commitEnd,
            revealDuration: uint32(revealDuration),
            quorumPct: quorumPct,
            passPct: passPct,
            snapshot: snapshot,
            votesFor: 0,
            votesAgainst: 0
        });
        emit PollStarted(pollId, msg.sender, snapshot, commitEnd, commitEnd + uint40(revealDuration), quorumPct, passPct);
    }

    /// @inheritdoc ICommitRevealVoting
    function commitVote(uint256 pollId, bytes32 commitment) external {
        if (commitment == bytes32(0)) revert VotingEmptyCommitment();
        _requireStage(pollId, _polls[pollId], PollStage.Commit);
        // No vote can be revealed during the commit stage, so replacing a commitment can never undo a reveal.
        _votes[pollId][msg.sender] = (uint256(commitment) & ~_STATE_MASK) | uint256(VoteState.Committed);
        emit VoteCommitted(pollId, msg.sender, commitment);
    }

    /// @inheritdoc ICommitRevealVoting
    function revealVote(uint256 pollId, uint8 option, bytes32 salt) external {
        if (option > 1) revert VotingInvalidOption(option);
        Poll storage p = _polls[pollId];
        _requireStage(pollId, p, PollStage.Reveal);

        uint256 packed = _votes[pollId][msg.sender];
        VoteState state = VoteState(packed & _STATE_MASK);
        if (state == VoteState.None) revert VotingNotCommitted(pollId, msg.sender);
        if (state != VoteState.Committed) revert VotingAlreadyRevealed(pollId, msg.sender);
        if ((uint256(_commitmentOf(pollId, msg.sender, option, salt)) ^ packed) & ~_STATE_MASK != 0) {
            revert VotingCommitmentMismatch(pollId, msg.sender);
        }

        uint48 snapshot = p.snapshot;
        uint256 weight = _token.getPastVotes(msg.sender, snapshot);
        if (weight == 0) revert VotingNoVotingPower(pollId, msg.sender, snapshot);

        // Tallies are 104-bit; SafeCast reverts should a token ever exceed 2^104 votes (20 trillion 18-decimal tokens).
        if (option == 1) p.votesFor = (p.votesFor + weight).toUint104();
        else p.votesAgainst = (p.votesAgainst + weight).toUint104();
        _votes[pollId][msg.sender] = (weight << 16) | (uint256(option) << 8) | uint256(VoteState.Revealed);
        emit VoteRevealed(pollId, msg.sender, option, weight);
    }

    /// @inheritdoc ICommitRevealVoting
    function settleVote(uint256 pollId, address voter, uint8 option) external returns (uint256 weight, uint256 tally) {
        Poll storage p = _polls[pollId];
        if (p.owner != msg.sender) revert VotingNotPollOwner(pollId, msg.sender, p.owner);
        _requireStage(pollId, p, PollStage.Ended);

        uint256 packed = _votes[pollId][voter];
        VoteState state = VoteState(packed & _STATE_MASK);
        uint8 revealed = uint8(packed >> 8);
        if (state != VoteState.Revealed || revealed != option) revert VotingNotSettleable(pollId, voter, state, option);

        _votes[pollId][voter] = (packed & ~_STATE_MASK) | uint256(VoteState.Settled);
        weight = packed >> 16;
        tally = option == 1 ? p.votesFor : p.votesAgainst;
        emit VoteSettled(pollId, voter, weight);
    }

    /// @inheritdoc ICommitRevealVoting
    function commitmentOf(uint256 pollId, address voter, uint8 option, bytes32 salt) external view returns (bytes32) {
        return _commitmentOf(pollId, voter, option, salt);
    }

    /// @inheritdoc ICommitRevealVoting
    function poll(uint256 pollId) external view returns (Poll memory) {
        return _polls[pollId];
    }

    /// @inheritdoc ICommitRevealVoting
    function pollStage(uint256 pollId) external view returns (PollStage) {
        return _stage(_polls[pollId]);
    }

    /// @inheritdoc ICommitRevealVoting
    function pollDeadlines(uint256 pollId) external view returns (uint256 commitEnd, uint256 revealEnd) {
        Poll storage p = _polls[pollId];
        if (p.owner == address(0)) revert VotingPollNotFound(pollId);
        return (p.commitEnd, uint256(p.commitEnd) + p.revealDuration);
    }

    /// @inheritdoc ICommitRevealVoting
    function result(uint256 pollId) external view returns (Result memory r) {
        Poll memory p = _polls[pollId];
        if (p.owner == address(0)) revert VotingPollNotFound(pollId);
        r.votesFor = p.votesFor;
        r.votesAgainst = p.votesAgainst;
        r.revealEnd = uint256(p.commitEnd) + p.revealDuration;
        r.ended = block.timestamp >= r.revealEnd;
        uint256 turnout = r.votesFor + r.votesAgainst;
        if (p.quorumPct == 0) {
            r.quorumReached = true;
        } else {
            r.snapshotSupply = _token.getPastTotalSupply(p.snapshot);
            r.quorumReached = turnout * 100 >= r.snapshotSupply * p.quorumPct;
        }
        r.passed = r.quorumReached && r.votesFor * 100 > turnout * p.passPct;
    }

    /// @inheritdoc ICommitRevealVoting
    function voteOf(uint256 pollId, address voter)
        external
        view
        returns (VoteState state, bytes32 commitment, uint8 option, uint256 weight)
    {
        uint256 packed = _votes[pollId][voter];
        state = VoteState(packed & _STATE_MASK);
        if (state == VoteState.Committed) commitment = bytes32(packed & ~_STATE_MASK);
        else if (state != VoteState.None) (option, weight) = (uint8(packed >> 8), packed >> 16);
    }

    function _commitmentOf(uint256 pollId, address voter, uint8 option, bytes32 salt) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), pollId, voter, option, salt));
    }

    function _stage(Poll storage p) private view returns (PollStage) {
        uint256 commitEnd = p.commitEnd;
        if (commitEnd == 0) return PollStage.None;
        if (block.timestamp < commitEnd) return PollStage.Commit;
        if (block.timestamp < commitEnd + p.revealDuration) return PollStage.Reveal;
        return PollStage.Ended;
    }

    function _requireStage(uint256 pollId, Poll storage p, PollStage required) private view {
        PollStage current = _stage(p);
        if (current == PollStage.None) revert VotingPollNotFound(pollId);
        if (current != required) revert VotingWrongStage(pollId, current, required);
    }
}
