// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title Commit-reveal voting weighted by checkpointed token votes.
/// @notice Polls are opened by contracts (the registry, the parameter governor), which own them. A voter's weight is
/// the token's checkpointed votes at the timepoint just before the poll opened, so no tokens are locked and tokens
/// acquired after the poll opened carry no weight. Voters commit `commitmentOf(pollId, voter, option, salt)` during the
/// commit stage and reveal `(option, salt)` during the reveal stage.
///
/// Options: `1` upholds the motion of the poll (for the registry and the governor: the challenge succeeds), `0`
/// rejects it. A poll passes when turnout (revealed weight) is at least `quorumPct` percent of the token's total supply
/// at the snapshot AND the weight for option 1 is strictly more than `passPct` percent of the revealed weight.
/// Below quorum a poll does not pass, whatever the split: the status quo holds.
interface ICommitRevealVoting {
    /// @notice Where a poll stands in time.
    enum PollStage {
        None, //    no such poll
        Commit, //  commitments accepted
        Reveal, //  reveals accepted
        Ended //    final; the result can be read
    }

    /// @notice A poll as stored. `snapshot` is a timepoint of the token's clock (ERC-6372).
    struct Poll {
        address owner;
        uint40 commitEnd;
        uint32 revealDuration;
        uint8 quorumPct;
        uint8 passPct;
        uint48 snapshot;
        uint104 votesFor;
        uint104 votesAgainst;
    }

    /// @notice The tally of an ended (or running) poll, with the decision rules applied.
    struct Result {
        uint256 votesFor;
        uint256 votesAgainst;
        uint256 snapshotSupply; //  0 when the quorum is 0 (not read)
        uint256 revealEnd;
        bool ended;
        bool quorumReached;
        bool passed;
    }

    /// @notice What a voter has done in a poll.
    enum VoteState {
        None,
        Committed,
        Revealed,
        Settled
    }

    /// @notice A poll was opened.
    /// @param pollId The new poll's id.
    /// @param owner The contract that opened it and alone may settle its votes.
    /// @param snapshot The token clock point whose voting weight counts.
    /// @param commitEnd When the commit stage ends.
    /// @param revealEnd When the reveal stage ends and the result is final.
    /// @param quorumPct Turnout needed, in percent of the supply at the snapshot.
    /// @param passPct Share of the revealed weight that option 1 must exceed, in percent.
    event PollStarted(
        uint256 indexed pollId,
        address indexed owner,
        uint48 snapshot,
        uint40 commitEnd,
        uint40 revealEnd,
        uint8 quorumPct,
        uint8 passPct
    );
    /// @notice A voter committed, or replaced its commitment, during the commit stage.
    /// @param pollId The poll.
    /// @param voter The voter.
    /// @param commitment The hash of the option and salt (see `commitmentOf`).
    event VoteCommitted(uint256 indexed pollId, address indexed voter, bytes32 commitment);
    /// @notice A voter revealed its option with the given weight.
    /// @param pollId The poll.
    /// @param voter The voter.
    /// @param option The option revealed: 0 rejects, 1 upholds.
    /// @param weight The voter's weight at the snapshot.
    event VoteRevealed(uint256 indexed pollId, address indexed voter, uint8 option, uint256 weight);
    /// @notice The poll owner settled a winning voter's vote (paid its reward); the vote cannot be settled again.
    /// @param pollId The poll.
    /// @param voter The voter.
    /// @param weight The voter's revealed weight.
    event VoteSettled(uint256 indexed pollId, address indexed voter, uint256 weight);

    /// @notice The token's ERC-6372 clock is neither block numbers nor timestamps.
    error VotingUnsupportedClock();
    /// @notice No poll has this id.
    /// @param pollId The id asked for.
    error VotingPollNotFound(uint256 pollId);
    /// @notice The action needs another stage than the poll is in.
    /// @param pollId The poll.
    /// @param current Its stage now.
    /// @param required The stage the action needs.
    error VotingWrongStage(uint256 pollId, PollStage current, PollStage required);
    /// @notice A stage duration is zero or does not fit the stored width.
    /// @param commitDuration The commit stage length given, in seconds.
    /// @param revealDuration The reveal stage length given, in seconds.
    error VotingInvalidDuration(uint256 commitDuration, uint256 revealDuration);
    /// @notice A percentage is above 100, or the pass threshold is 100 (never strictly exceeded).
    /// @param quorumPct The quorum given.
    /// @param passPct The pass threshold given.
    error VotingInvalidPercentage(uint8 quorumPct, uint8 passPct);
    /// @notice A commitment must not be zero: zero means "no commitment".
    error VotingEmptyCommitment();
    /// @notice The voter has no commitment in this poll.
    /// @param pollId The poll.
    /// @param voter The voter.
    error VotingNotCommitted(uint256 pollId, address voter);
    /// @notice The voter has already revealed in this poll.
    /// @param pollId The poll.
    /// @param voter The voter.
    error VotingAlreadyRevealed(uint256 pollId, address voter);
    /// @notice The revealed option and salt do not hash to this voter's commitment for this poll.
    /// @param pollId The poll.
    /// @param voter The voter.
    error VotingCommitmentMismatch(uint256 pollId, address voter);
    /// @notice Only options 0 (reject) and 1 (uphold) exist.
    /// @param option The option given.
    error VotingInvalidOption(uint8 option);
    /// @notice The voter had no votes at the poll's snapshot; delegate (to yourself) before a poll opens.
    /// @param pollId The poll.
    /// @param voter The voter.
    /// @param snapshot The token clock point whose weight counts.
    error VotingNoVotingPower(uint256 pollId, address voter, uint48 snapshot);
    /// @notice Only the contract that opened the poll may do this.
    /// @param pollId The poll.
    /// @param caller The account that called.
    /// @param owner The poll's owner.
    error VotingNotPollOwner(uint256 pollId, address caller, address owner);
    /// @notice The voter did not reveal the given option, or has already been settled.
    /// @param pollId The poll.
    /// @param voter The voter.
    /// @param state The voter's vote state now.
    /// @param option The option it would have to have revealed.
    error VotingNotSettleable(uint256 pollId, address voter, VoteState state, uint8 option);

    /// @notice The token whose checkpointed votes weigh the ballots.
    function token() external view returns (IVotes);

    /// @notice Number of polls opened so far; poll ids run from 1 to this number.
    function pollCount() external view returns (uint256);

    /// @notice Opens a poll owned by the caller. The snapshot is the token clock minus one.
    /// @param quorumPct Percent of the snapshot supply that must reveal for the poll to count (0–100).
    /// @param passPct Percent of revealed weight that option 1 must strictly exceed (0–99).
    /// @param commitDuration Seconds of the commit stage, from now.
    /// @param revealDuration Seconds of the reveal stage, after the commit stage.
    /// @return pollId The new poll's id.
    function startPoll(uint8 quorumPct, uint8 passPct, uint256 commitDuration, uint256 revealDuration)
        external
        returns (uint256 pollId);

    /// @notice Commits (or replaces) the caller's hidden vote during the commit stage.
    /// @param commitment `commitmentOf(pollId, msg.sender, option, salt)`; never zero.
    function commitVote(uint256 pollId, bytes32 commitment) external;

    /// @notice Reveals the caller's vote during the reveal stage; its weight is added to the option's tally.
    function revealVote(uint256 pollId, uint8 option, bytes32 salt) external;

    /// @notice Marks a revealed vote for `option` as settled and returns its weight and the option's tally.
    /// @dev Owner only. The owner pays the voter; settling twice reverts, which makes double claims impossible.
    function settleVote(uint256 pollId, address voter, uint8 option) external returns (uint256 weight, uint256 tally);

    /// @notice The commitment a voter must commit for `option` with `salt` in poll `pollId` on this contract and chain.
    /// @dev keccak256(abi.encode(chainId, this, pollId, voter, option, salt)): a copied commitment is useless to
    /// another voter, in another poll, or on another deployment.
    function commitmentOf(uint256 pollId, address voter, uint8 option, bytes32 salt) external view returns (bytes32);

    /// @notice The stored poll.
    function poll(uint256 pollId) external view returns (Poll memory);

    /// @notice The poll's stage at the current block time.
    function pollStage(uint256 pollId) external view returns (PollStage);

    /// @notice Ends of the commit and reveal stages (unix seconds).
    function pollDeadlines(uint256 pollId) external view returns (uint256 commitEnd, uint256 revealEnd);

    /// @notice The tally and decision of a poll (final once the poll has ended).
    function result(uint256 pollId) external view returns (Result memory);

    /// @notice A voter's state in a poll; `option` and `weight` are set once revealed.
    /// @dev While committed, `commitment` is the stored commitment: its upper 248 bits, with the low byte zero (the
    /// low byte of the slot holds the state). Compare `commitment >> 8` with your own commitment's `>> 8`.
    function voteOf(uint256 pollId, address voter)
        external
        view
        returns (VoteState state, bytes32 commitment, uint8 option, uint256 weight);
}
