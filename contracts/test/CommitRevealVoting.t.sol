// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TcrFixture} from "./utils/TcrFixture.sol";
import {TcrToken} from "../TcrToken.sol";
import {CommitRevealVoting} from "../CommitRevealVoting.sol";
import {ICommitRevealVoting} from "../interfaces/ICommitRevealVoting.sol";
import {TimestampVotesToken, UnsupportedClockVotesToken} from "./utils/MockVotesTokens.sol";

/// @title Commit-reveal voting: every external function and every revert path.
/// @dev The test contract opens its own polls, so it is their owner and can settle votes directly. The fixture's
/// voters hold 100,000 self-delegated tokens each (10% of the supply); the test contract holds the undelegated rest.
contract CommitRevealVotingTest is TcrFixture {
    uint256 internal constant VOTER_BALANCE = 100_000 * UNIT;
    bytes32 internal constant SALT = keccak256("a salt");
    bytes32 internal constant OTHER_SALT = keccak256("another salt");
    address internal constant FRESH = address(0xF4E5);

    // ----- helpers -------------------------------------------------------------------------------------------------

    function open() internal returns (uint256) {
        return voting.startPoll(10, 50, COMMIT, REVEAL);
    }

    function open(uint8 quorumPct, uint8 passPct) internal returns (uint256) {
        return voting.startPoll(quorumPct, passPct, COMMIT, REVEAL);
    }

    function commit(address voter, uint256 pollId, uint8 option, bytes32 voteSalt) internal {
        bytes32 commitment = voting.commitmentOf(pollId, voter, option, voteSalt);
        vm.prank(voter);
        voting.commitVote(pollId, commitment);
    }

    function reveal(address voter, uint256 pollId, uint8 option, bytes32 voteSalt) internal {
        vm.prank(voter);
        voting.revealVote(pollId, option, voteSalt);
    }

    /// Gives `account` `amount` tokens from the test contract's undelegated balance and self-delegates them.
    function fund(address account, uint256 amount) internal {
        token.transfer(account, amount);
        vm.prank(account);
        token.delegate(account);
    }

    function snapshotOf(uint256 pollId) internal view returns (uint48) {
        return voting.poll(pollId).snapshot;
    }

    function stageOf(uint256 pollId) internal view returns (uint256) {
        return uint256(voting.pollStage(pollId));
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + x % (max - min + 1);
    }

    // ----- token, pollCount ----------------------------------------------------------------------------------------

    function test_Token_AfterDeploy_ReturnsVotesToken() public view {
        vm.assertEq(address(voting.token()), address(token), "token");
    }

    function test_PollCount_AfterTwoPolls_CountsBoth() public {
        uint256 before = voting.pollCount();
        uint256 first = open();
        uint256 second = open();
        vm.assertEq(first, before + 1, "first id");
        vm.assertEq(second, before + 2, "second id");
        vm.assertEq(voting.pollCount(), before + 2, "count");
    }

    // ----- constructor (token clock) ---------------------------------------------------------------------------

    function test_Constructor_UnsupportedClockMode_RevertsUnsupportedClock() public {
        UnsupportedClockVotesToken odd = new UnsupportedClockVotesToken();
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingUnsupportedClock.selector));
        new CommitRevealVoting(IVotes(address(odd)));
    }

    function test_StartPoll_TimestampClockToken_SnapshotIsPreviousSecond() public {
        TimestampVotesToken tsToken = new TimestampVotesToken(address(this), SUPPLY);
        CommitRevealVoting tsVoting = new CommitRevealVoting(IVotes(address(tsToken)));
        uint256 pollId = tsVoting.startPoll(10, 50, COMMIT, REVEAL);
        vm.assertEq(tsVoting.poll(pollId).snapshot, block.timestamp - 1, "snapshot = timestamp - 1");
    }

    function test_RevealVote_TimestampClockToken_WeighsVotesOfThePreviousSecondOnly() public {
        TimestampVotesToken tsToken = new TimestampVotesToken(address(this), SUPPLY);
        CommitRevealVoting tsVoting = new CommitRevealVoting(IVotes(address(tsToken)));
        tsToken.transfer(voter1, VOTER_BALANCE);
        vm.prank(voter1);
        tsToken.delegate(voter1);
        vm.warp(block.timestamp + 1);
        // Acquired in the poll's own second: no weight.
        tsToken.transfer(voter2, VOTER_BALANCE);
        vm.prank(voter2);
        tsToken.delegate(voter2);
        uint256 pollId = tsVoting.startPoll(10, 50, COMMIT, REVEAL);
        bytes32 c1 = tsVoting.commitmentOf(pollId, voter1, 1, SALT);
        bytes32 c2 = tsVoting.commitmentOf(pollId, voter2, 1, SALT);
        vm.prank(voter1);
        tsVoting.commitVote(pollId, c1);
        vm.prank(voter2);
        tsVoting.commitVote(pollId, c2);
        vm.warp(block.timestamp + COMMIT);

        vm.prank(voter1);
        tsVoting.revealVote(pollId, 1, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNoVotingPower.selector, pollId, voter2, tsVoting.poll(pollId).snapshot
            )
        );
        vm.prank(voter2);
        tsVoting.revealVote(pollId, 1, SALT);
        vm.assertEq(tsVoting.poll(pollId).votesFor, VOTER_BALANCE, "only voter1 counted");
    }

    // ----- startPoll -----------------------------------------------------------------------------------------------

    function test_StartPoll_Valid_StoresPollWithSnapshotClockMinusOne() public {
        uint256 pollId = voting.startPoll(33, 66, COMMIT, REVEAL);
        ICommitRevealVoting.Poll memory p = voting.poll(pollId);
        vm.assertEq(p.owner, address(this), "owner");
        vm.assertEq(p.commitEnd, block.timestamp + COMMIT, "commitEnd");
        vm.assertEq(p.revealDuration, REVEAL, "revealDuration");
        vm.assertEq(p.quorumPct, 33, "quorum");
        vm.assertEq(p.passPct, 66, "pass");
        vm.assertEq(p.snapshot, block.number - 1, "snapshot = clock - 1");
        vm.assertEq(p.snapshot, token.clock() - 1, "snapshot on the token clock");
        vm.assertEq(p.votesFor, 0, "for");
        vm.assertEq(p.votesAgainst, 0, "against");
    }

    function test_StartPoll_Valid_EmitsPollStarted() public {
        uint256 commitEnd = block.timestamp + COMMIT;
        vm.expectEmit(true, true, false, true, address(voting));
        emit ICommitRevealVoting.PollStarted(
            voting.pollCount() + 1,
            address(this),
            uint48(block.number - 1),
            uint40(commitEnd),
            uint40(commitEnd + REVEAL),
            10,
            50
        );
        open();
    }

    function test_StartPoll_QuorumAbove100_RevertsInvalidPercentage() public {
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidPercentage.selector, 101, 50));
        voting.startPoll(101, 50, COMMIT, REVEAL);
    }

    function test_StartPoll_PassThreshold100_RevertsInvalidPercentage() public {
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidPercentage.selector, 10, 100));
        voting.startPoll(10, 100, COMMIT, REVEAL);
    }

    function test_StartPoll_MaxPercentages_Accepted() public {
        uint256 pollId = voting.startPoll(100, 99, COMMIT, REVEAL);
        vm.assertEq(voting.poll(pollId).quorumPct, 100, "quorum");
        vm.assertEq(voting.poll(pollId).passPct, 99, "pass");
    }

    function test_StartPoll_ZeroCommitDuration_RevertsInvalidDuration() public {
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidDuration.selector, 0, REVEAL));
        voting.startPoll(10, 50, 0, REVEAL);
    }

    function test_StartPoll_ZeroRevealDuration_RevertsInvalidDuration() public {
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidDuration.selector, COMMIT, 0));
        voting.startPoll(10, 50, COMMIT, 0);
    }

    function test_StartPoll_CommitDurationAboveUint32_RevertsInvalidDuration() public {
        uint256 tooLong = uint256(type(uint32).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidDuration.selector, tooLong, REVEAL));
        voting.startPoll(10, 50, tooLong, REVEAL);
    }

    function test_StartPoll_RevealDurationAboveUint32_RevertsInvalidDuration() public {
        uint256 tooLong = uint256(type(uint32).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidDuration.selector, COMMIT, tooLong));
        voting.startPoll(10, 50, COMMIT, tooLong);
    }

    function test_StartPoll_Uint32MaxDurations_Accepted() public {
        uint256 maxDuration = type(uint32).max;
        uint256 pollId = voting.startPoll(10, 50, maxDuration, maxDuration);
        (uint256 commitEnd, uint256 revealEnd) = voting.pollDeadlines(pollId);
        vm.assertEq(commitEnd, block.timestamp + maxDuration, "commitEnd");
        vm.assertEq(revealEnd, block.timestamp + 2 * maxDuration, "revealEnd");
    }

    function test_StartPoll_CommitEndBeyondUint40_RevertsSafeCast() public {
        vm.warp(type(uint40).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                SafeCast.SafeCastOverflowedUintDowncast.selector, 40, uint256(type(uint40).max) + COMMIT
            )
        );
        voting.startPoll(10, 50, COMMIT, REVEAL);
    }

    // ----- commitVote ----------------------------------------------------------------------------------------------

    function test_CommitVote_DuringCommitStage_StoresCommitmentAndEmits() public {
        uint256 pollId = open();
        bytes32 commitment = voting.commitmentOf(pollId, voter1, 1, SALT);
        vm.expectEmit(true, true, false, true, address(voting));
        emit ICommitRevealVoting.VoteCommitted(pollId, voter1, commitment);
        vm.prank(voter1);
        voting.commitVote(pollId, commitment);

        (ICommitRevealVoting.VoteState state, bytes32 stored, uint8 option, uint256 weight) =
            voting.voteOf(pollId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.Committed), "state");
        // Only the upper 248 bits are kept; the low byte holds the vote state.
        vm.assertEq(stored, commitment & ~bytes32(uint256(0xff)), "stored commitment");
        vm.assertEq(option, 0, "no option yet");
        vm.assertEq(weight, 0, "no weight yet");
    }

    function test_CommitVote_LastSecondOfCommitStage_Accepted() public {
        uint256 pollId = open();
        (uint256 commitEnd,) = voting.pollDeadlines(pollId);
        vm.warp(commitEnd - 1);
        commit(voter1, pollId, 1, SALT);
        (ICommitRevealVoting.VoteState state,,,) = voting.voteOf(pollId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.Committed), "committed");
    }

    function test_CommitVote_EmptyCommitment_RevertsEmptyCommitment() public {
        uint256 pollId = open();
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingEmptyCommitment.selector));
        vm.prank(voter1);
        voting.commitVote(pollId, bytes32(0));
    }

    function test_CommitVote_UnknownPoll_RevertsPollNotFound() public {
        uint256 unknown = voting.pollCount() + 1;
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingPollNotFound.selector, unknown));
        vm.prank(voter1);
        voting.commitVote(unknown, SALT);
    }

    function test_CommitVote_AtCommitEnd_RevertsWrongStageReveal() public {
        uint256 pollId = open();
        bytes32 commitment = voting.commitmentOf(pollId, voter1, 1, SALT);
        toRevealStage(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingWrongStage.selector,
                pollId,
                ICommitRevealVoting.PollStage.Reveal,
                ICommitRevealVoting.PollStage.Commit
            )
        );
        vm.prank(voter1);
        voting.commitVote(pollId, commitment);
    }

    function test_CommitVote_AfterPollEnd_RevertsWrongStageEnded() public {
        uint256 pollId = open();
        bytes32 commitment = voting.commitmentOf(pollId, voter1, 1, SALT);
        toPollEnd(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingWrongStage.selector,
                pollId,
                ICommitRevealVoting.PollStage.Ended,
                ICommitRevealVoting.PollStage.Commit
            )
        );
        vm.prank(voter1);
        voting.commitVote(pollId, commitment);
    }

    function test_CommitVote_Recommit_ReplacesEarlierCommitment() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        commit(voter1, pollId, 0, OTHER_SALT);
        toRevealStage(pollId);

        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, pollId, voter1));
        reveal(voter1, pollId, 1, SALT);

        reveal(voter1, pollId, 0, OTHER_SALT);
        ICommitRevealVoting.Poll memory p = voting.poll(pollId);
        vm.assertEq(p.votesAgainst, VOTER_BALANCE, "replacement counted");
        vm.assertEq(p.votesFor, 0, "first commitment ignored");
    }

    // ----- revealVote ----------------------------------------------------------------------------------------------

    function test_RevealVote_Valid_AddsSnapshotWeightAndEmits() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        commit(voter2, pollId, 0, SALT);
        toRevealStage(pollId);

        vm.expectEmit(true, true, false, true, address(voting));
        emit ICommitRevealVoting.VoteRevealed(pollId, voter1, 1, VOTER_BALANCE);
        reveal(voter1, pollId, 1, SALT);
        reveal(voter2, pollId, 0, SALT);

        ICommitRevealVoting.Poll memory p = voting.poll(pollId);
        vm.assertEq(p.votesFor, VOTER_BALANCE, "for");
        vm.assertEq(p.votesAgainst, VOTER_BALANCE, "against");
        (ICommitRevealVoting.VoteState state, bytes32 commitment, uint8 option, uint256 weight) =
            voting.voteOf(pollId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.Revealed), "state");
        vm.assertEq(commitment, bytes32(0), "commitment cleared");
        vm.assertEq(option, 1, "option");
        vm.assertEq(weight, VOTER_BALANCE, "weight");
    }

    function test_RevealVote_LastSecondOfRevealStage_Accepted() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        (, uint256 revealEnd) = voting.pollDeadlines(pollId);
        vm.warp(revealEnd - 1);
        reveal(voter1, pollId, 1, SALT);
        vm.assertEq(voting.poll(pollId).votesFor, VOTER_BALANCE, "counted");
    }

    function test_RevealVote_Option2_RevertsInvalidOption() public {
        uint256 pollId = open();
        commit(voter1, pollId, 2, SALT);
        toRevealStage(pollId);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidOption.selector, 2));
        reveal(voter1, pollId, 2, SALT);
    }

    function test_RevealVote_Option255_RevertsInvalidOption() public {
        uint256 pollId = open();
        commit(voter1, pollId, 255, SALT);
        toRevealStage(pollId);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidOption.selector, 255));
        reveal(voter1, pollId, 255, SALT);
    }

    function test_RevealVote_WrongSalt_RevertsCommitmentMismatch() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, pollId, voter1));
        reveal(voter1, pollId, 1, OTHER_SALT);
    }

    function test_RevealVote_OtherOption_RevertsCommitmentMismatch() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, pollId, voter1));
        reveal(voter1, pollId, 0, SALT);
    }

    function test_RevealVote_CopiedCommitmentOfAnotherVoter_RevertsCommitmentMismatch() public {
        uint256 pollId = open();
        bytes32 voter1Commitment = voting.commitmentOf(pollId, voter1, 1, SALT);
        vm.prank(voter1);
        voting.commitVote(pollId, voter1Commitment);
        // voter2 copies voter1's commitment from the event, and later its reveal from the mempool.
        vm.prank(voter2);
        voting.commitVote(pollId, voter1Commitment);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);

        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, pollId, voter2));
        reveal(voter2, pollId, 1, SALT);
        vm.assertEq(voting.poll(pollId).votesFor, VOTER_BALANCE, "only voter1 counted");
    }

    function test_RevealVote_CommitmentOfAnotherPoll_RevertsCommitmentMismatch() public {
        uint256 firstPoll = open();
        uint256 secondPoll = open();
        bytes32 firstCommitment = voting.commitmentOf(firstPoll, voter1, 1, SALT);
        vm.prank(voter1);
        voting.commitVote(secondPoll, firstCommitment);
        toRevealStage(secondPoll);
        vm.expectRevert(
            abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, secondPoll, voter1)
        );
        reveal(voter1, secondPoll, 1, SALT);
    }

    function test_RevealVote_CommitmentOfAnotherDeployment_RevertsCommitmentMismatch() public {
        CommitRevealVoting other = new CommitRevealVoting(token);
        uint256 pollId = open();
        uint256 otherPoll = other.startPoll(10, 50, COMMIT, REVEAL);
        vm.assertEq(otherPoll, pollId, "same poll id on both deployments");
        bytes32 ourCommitment = voting.commitmentOf(pollId, voter1, 1, SALT);
        vm.prank(voter1);
        other.commitVote(otherPoll, ourCommitment);
        vm.warp(block.timestamp + COMMIT);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, otherPoll, voter1));
        vm.prank(voter1);
        other.revealVote(otherPoll, 1, SALT);
    }

    function test_RevealVote_AfterChainIdChange_RevertsCommitmentMismatch() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, pollId, voter1));
        reveal(voter1, pollId, 1, SALT);
    }

    function test_RevealVote_NotCommitted_RevertsNotCommitted() public {
        uint256 pollId = open();
        toRevealStage(pollId);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingNotCommitted.selector, pollId, voter1));
        reveal(voter1, pollId, 1, SALT);
    }

    function test_RevealVote_Twice_RevertsAlreadyRevealed() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingAlreadyRevealed.selector, pollId, voter1));
        reveal(voter1, pollId, 1, SALT);
        vm.assertEq(voting.poll(pollId).votesFor, VOTER_BALANCE, "counted once");
    }

    function test_RevealVote_AfterSettled_RevertsWrongStageEnded() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        toPollEnd(pollId);
        voting.settleVote(pollId, voter1, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingWrongStage.selector,
                pollId,
                ICommitRevealVoting.PollStage.Ended,
                ICommitRevealVoting.PollStage.Reveal
            )
        );
        reveal(voter1, pollId, 1, SALT);
    }

    function test_RevealVote_DuringCommitStage_RevertsWrongStageCommit() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingWrongStage.selector,
                pollId,
                ICommitRevealVoting.PollStage.Commit,
                ICommitRevealVoting.PollStage.Reveal
            )
        );
        reveal(voter1, pollId, 1, SALT);
    }

    function test_RevealVote_AtRevealEnd_RevertsWrongStageEnded() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toPollEnd(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingWrongStage.selector,
                pollId,
                ICommitRevealVoting.PollStage.Ended,
                ICommitRevealVoting.PollStage.Reveal
            )
        );
        reveal(voter1, pollId, 1, SALT);
    }

    function test_RevealVote_UnknownPoll_RevertsPollNotFound() public {
        uint256 unknown = voting.pollCount() + 1;
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingPollNotFound.selector, unknown));
        reveal(voter1, unknown, 1, SALT);
    }

    function test_RevealVote_NoTokens_RevertsNoVotingPower() public {
        uint256 pollId = open();
        commit(FRESH, pollId, 1, SALT);
        toRevealStage(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNoVotingPower.selector, pollId, FRESH, snapshotOf(pollId)
            )
        );
        reveal(FRESH, pollId, 1, SALT);
    }

    function test_RevealVote_TokensNeverDelegated_RevertsNoVotingPower() public {
        token.transfer(FRESH, VOTER_BALANCE);
        vm.roll(block.number + 1);
        uint256 pollId = open();
        commit(FRESH, pollId, 1, SALT);
        toRevealStage(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNoVotingPower.selector, pollId, FRESH, snapshotOf(pollId)
            )
        );
        reveal(FRESH, pollId, 1, SALT);
    }

    function test_RevealVote_TokensAcquiredAfterPollStart_RevertsNoVotingPower() public {
        uint256 pollId = open();
        vm.prank(voter1);
        token.transfer(FRESH, VOTER_BALANCE);
        vm.prank(FRESH);
        token.delegate(FRESH);
        vm.roll(block.number + 1);
        vm.assertEq(token.getVotes(FRESH), VOTER_BALANCE, "fresh holds the votes now");
        commit(FRESH, pollId, 1, SALT);
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);

        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNoVotingPower.selector, pollId, FRESH, snapshotOf(pollId)
            )
        );
        reveal(FRESH, pollId, 1, SALT);
        // The seller keeps its snapshot weight, so the tokens count exactly once.
        reveal(voter1, pollId, 1, SALT);
        vm.assertEq(voting.poll(pollId).votesFor, VOTER_BALANCE, "counted once, for the snapshot holder");
    }

    function test_RevealVote_TokensAcquiredInPollStartBlock_RevertsNoVotingPower() public {
        // Same block as startPoll, before it (a flash loan): the snapshot is the block before, so no weight.
        vm.prank(voter1);
        token.transfer(FRESH, VOTER_BALANCE);
        vm.prank(FRESH);
        token.delegate(FRESH);
        uint256 pollId = open();
        commit(FRESH, pollId, 1, SALT);
        toRevealStage(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNoVotingPower.selector, pollId, FRESH, snapshotOf(pollId)
            )
        );
        reveal(FRESH, pollId, 1, SALT);
    }

    function test_RevealVote_TokensPassedOnAfterReveal_ReceiverKeepsOnlyItsSnapshotWeight() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        commit(voter2, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        vm.prank(voter1);
        token.transfer(voter2, VOTER_BALANCE);
        vm.roll(block.number + 1);
        reveal(voter2, pollId, 1, SALT);
        (,,, uint256 weight) = voting.voteOf(pollId, voter2);
        vm.assertEq(weight, VOTER_BALANCE, "voter2 weight is its snapshot balance");
        vm.assertEq(voting.poll(pollId).votesFor, 2 * VOTER_BALANCE, "no double count");
    }

    function test_RevealVote_DelegatedVotes_CountForDelegatee() public {
        vm.prank(voter3);
        token.delegate(voter2);
        vm.roll(block.number + 1);
        uint256 pollId = open();
        commit(voter2, pollId, 1, SALT);
        commit(voter3, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter2, pollId, 1, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNoVotingPower.selector, pollId, voter3, snapshotOf(pollId)
            )
        );
        reveal(voter3, pollId, 1, SALT);
        vm.assertEq(voting.poll(pollId).votesFor, 2 * VOTER_BALANCE, "delegatee votes for both");
    }

    function test_RevealVote_TallyAbove104Bits_RevertsSafeCast() public {
        uint256 huge = uint256(1) << 104;
        TcrToken bigToken = new TcrToken("Big", "BIG", address(this), huge);
        bigToken.delegate(address(this));
        vm.roll(block.number + 1);
        CommitRevealVoting bigVoting = new CommitRevealVoting(bigToken);
        uint256 pollId = bigVoting.startPoll(0, 50, COMMIT, REVEAL);
        bigVoting.commitVote(pollId, bigVoting.commitmentOf(pollId, address(this), 1, SALT));
        vm.warp(block.timestamp + COMMIT);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 104, huge));
        bigVoting.revealVote(pollId, 1, SALT);
    }

    // ----- settleVote ----------------------------------------------------------------------------------------------

    /// Opens a poll where voter1 and voter2 vote 1 and voter3 votes 0, and moves past its end.
    function endedPoll() internal returns (uint256 pollId) {
        pollId = open();
        commit(voter1, pollId, 1, SALT);
        commit(voter2, pollId, 1, SALT);
        commit(voter3, pollId, 0, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        reveal(voter2, pollId, 1, SALT);
        reveal(voter3, pollId, 0, SALT);
        toPollEnd(pollId);
    }

    function test_SettleVote_WinningOption_ReturnsWeightAndTallyAndMarksSettled() public {
        uint256 pollId = endedPoll();
        vm.expectEmit(true, true, false, true, address(voting));
        emit ICommitRevealVoting.VoteSettled(pollId, voter1, VOTER_BALANCE);
        (uint256 weight, uint256 tally) = voting.settleVote(pollId, voter1, 1);
        vm.assertEq(weight, VOTER_BALANCE, "weight");
        vm.assertEq(tally, 2 * VOTER_BALANCE, "tally of option 1");

        (ICommitRevealVoting.VoteState state,, uint8 option, uint256 storedWeight) = voting.voteOf(pollId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.Settled), "settled");
        vm.assertEq(option, 1, "option kept");
        vm.assertEq(storedWeight, VOTER_BALANCE, "weight kept");
    }

    function test_SettleVote_OptionZero_ReturnsAgainstTally() public {
        uint256 pollId = endedPoll();
        (uint256 weight, uint256 tally) = voting.settleVote(pollId, voter3, 0);
        vm.assertEq(weight, VOTER_BALANCE, "weight");
        vm.assertEq(tally, VOTER_BALANCE, "tally of option 0");
    }

    function test_SettleVote_NotOwner_RevertsNotPollOwner() public {
        uint256 pollId = endedPoll();
        vm.expectRevert(
            abi.encodeWithSelector(ICommitRevealVoting.VotingNotPollOwner.selector, pollId, voter1, address(this))
        );
        vm.prank(voter1);
        voting.settleVote(pollId, voter1, 1);
    }

    function test_SettleVote_UnknownPoll_RevertsNotPollOwner() public {
        uint256 unknown = voting.pollCount() + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ICommitRevealVoting.VotingNotPollOwner.selector, unknown, address(this), address(0))
        );
        voting.settleVote(unknown, voter1, 1);
    }

    function test_SettleVote_DuringRevealStage_RevertsWrongStage() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingWrongStage.selector,
                pollId,
                ICommitRevealVoting.PollStage.Reveal,
                ICommitRevealVoting.PollStage.Ended
            )
        );
        voting.settleVote(pollId, voter1, 1);
    }

    function test_SettleVote_LosingOption_RevertsNotSettleable() public {
        uint256 pollId = endedPoll();
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                pollId,
                voter3,
                ICommitRevealVoting.VoteState.Revealed,
                1
            )
        );
        voting.settleVote(pollId, voter3, 1);
    }

    function test_SettleVote_CommittedNotRevealed_RevertsNotSettleable() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toPollEnd(pollId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                pollId,
                voter1,
                ICommitRevealVoting.VoteState.Committed,
                1
            )
        );
        voting.settleVote(pollId, voter1, 1);
    }

    function test_SettleVote_NeverVoted_RevertsNotSettleable() public {
        uint256 pollId = endedPoll();
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector, pollId, FRESH, ICommitRevealVoting.VoteState.None, 0
            )
        );
        voting.settleVote(pollId, FRESH, 0);
    }

    function test_SettleVote_Twice_RevertsNotSettleable() public {
        uint256 pollId = endedPoll();
        voting.settleVote(pollId, voter1, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                pollId,
                voter1,
                ICommitRevealVoting.VoteState.Settled,
                1
            )
        );
        voting.settleVote(pollId, voter1, 1);
    }

    // ----- result --------------------------------------------------------------------------------------------------

    function test_Result_UnknownPoll_RevertsPollNotFound() public {
        uint256 unknown = voting.pollCount() + 1;
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingPollNotFound.selector, unknown));
        voting.result(unknown);
    }

    function test_Result_RunningPoll_NotEnded() public {
        uint256 pollId = open();
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        (, uint256 revealEnd) = voting.pollDeadlines(pollId);
        vm.assertFalse(r.ended, "not ended");
        vm.assertEq(r.revealEnd, revealEnd, "revealEnd");
        vm.assertEq(r.votesFor, VOTER_BALANCE, "running tally");
    }

    function test_Result_AtRevealEnd_Ended() public {
        uint256 pollId = endedPoll();
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertTrue(r.ended, "ended");
        vm.assertEq(r.votesFor, 2 * VOTER_BALANCE, "for");
        vm.assertEq(r.votesAgainst, VOTER_BALANCE, "against");
        vm.assertEq(r.snapshotSupply, SUPPLY, "snapshot supply");
        vm.assertTrue(r.quorumReached, "quorum");
        vm.assertTrue(r.passed, "two thirds pass 50%");
    }

    function test_Result_TurnoutExactlyAtQuorum_QuorumReached() public {
        uint256 pollId = open(10, 50); // 10% of 1,000,000 = 100,000 = voter1's weight
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        toPollEnd(pollId);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertEq(r.votesFor * 100, r.snapshotSupply * 10, "turnout is exactly the quorum");
        vm.assertTrue(r.quorumReached, "quorum reached");
        vm.assertTrue(r.passed, "passed");
    }

    function test_Result_TurnoutOneUnitBelowQuorum_NotPassedEvenIfUnanimous() public {
        fund(FRESH, VOTER_BALANCE - 1);
        vm.roll(block.number + 1);
        uint256 pollId = open(10, 50);
        commit(FRESH, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(FRESH, pollId, 1, SALT);
        toPollEnd(pollId);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertEq(r.votesFor, VOTER_BALANCE - 1, "unanimous for");
        vm.assertEq(r.votesAgainst, 0, "nobody against");
        vm.assertFalse(r.quorumReached, "quorum missed by one unit");
        vm.assertFalse(r.passed, "not passed");
    }

    function test_Result_BelowQuorumUnanimous_NotPassed() public {
        uint256 pollId = open(11, 50);
        commit(voter1, pollId, 1, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        toPollEnd(pollId);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertFalse(r.quorumReached, "10% < 11%");
        vm.assertFalse(r.passed, "status quo holds");
    }

    function test_Result_ForEqualsThreshold_NotPassed() public {
        uint256 pollId = open(10, 50);
        commit(voter1, pollId, 1, SALT);
        commit(voter2, pollId, 0, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        reveal(voter2, pollId, 0, SALT);
        toPollEnd(pollId);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertTrue(r.quorumReached, "quorum");
        vm.assertEq(r.votesFor * 100, (r.votesFor + r.votesAgainst) * 50, "exactly 50%");
        vm.assertFalse(r.passed, "50% does not strictly exceed 50%");
    }

    function test_Result_ForExceedsThresholdByOneUnit_Passed() public {
        fund(FRESH, VOTER_BALANCE - 1);
        vm.roll(block.number + 1);
        uint256 pollId = open(10, 50);
        commit(voter1, pollId, 1, SALT);
        commit(FRESH, pollId, 0, SALT);
        toRevealStage(pollId);
        reveal(voter1, pollId, 1, SALT);
        reveal(FRESH, pollId, 0, SALT);
        toPollEnd(pollId);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertEq(r.votesFor, r.votesAgainst + 1, "one unit more for");
        vm.assertTrue(r.passed, "strictly exceeds 50%");
    }

    function test_Result_TwoThirdsAgainst66And67_PassesOnlyBelow() public {
        uint256 below = open(10, 66);
        uint256 above = open(10, 67);
        uint256[2] memory polls = [below, above];
        for (uint256 i = 0; i < 2; ++i) {
            commit(voter1, polls[i], 1, SALT);
            commit(voter2, polls[i], 1, SALT);
            commit(voter3, polls[i], 0, SALT);
        }
        toRevealStage(below);
        for (uint256 i = 0; i < 2; ++i) {
            reveal(voter1, polls[i], 1, SALT);
            reveal(voter2, polls[i], 1, SALT);
            reveal(voter3, polls[i], 0, SALT);
        }
        toPollEnd(below);
        vm.assertTrue(voting.result(below).passed, "66.7% > 66%");
        vm.assertFalse(voting.result(above).passed, "66.7% < 67%");
    }

    function test_Result_QuorumZero_SkipsSupplyReadAndNoTurnoutDoesNotPass() public {
        uint256 pollId = open(0, 50);
        toPollEnd(pollId);
        vm.expectCall(address(token), abi.encodeWithSelector(IVotes.getPastTotalSupply.selector), 0);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertEq(r.snapshotSupply, 0, "supply not read");
        vm.assertTrue(r.quorumReached, "no quorum needed");
        vm.assertFalse(r.passed, "nothing for, nothing passes");
    }

    function test_Result_QuorumNonZero_ReadsSupplyAtSnapshot() public {
        uint256 pollId = open(10, 50);
        uint48 snapshot = snapshotOf(pollId);
        toPollEnd(pollId);
        vm.expectCall(address(token), abi.encodeCall(IVotes.getPastTotalSupply, (snapshot)), 1);
        ICommitRevealVoting.Result memory r = voting.result(pollId);
        vm.assertEq(r.snapshotSupply, SUPPLY, "supply at snapshot");
        vm.assertFalse(r.quorumReached, "no turnout");
    }

    function test_Result_PassThresholdZero_AnyForVotePasses() public {
        uint256 pollId = open(0, 0);
        fund(FRESH, 1);
        vm.roll(block.number + 1);
        uint256 later = open(0, 0);
        commit(voter1, pollId, 0, SALT);
        commit(FRESH, later, 1, SALT);
        commit(voter1, later, 0, SALT);
        toRevealStage(later);
        reveal(voter1, pollId, 0, SALT);
        reveal(FRESH, later, 1, SALT);
        reveal(voter1, later, 0, SALT);
        toPollEnd(later);
        vm.assertFalse(voting.result(pollId).passed, "only against: not passed");
        vm.assertTrue(voting.result(later).passed, "one unit for strictly exceeds 0%");
    }

    // ----- voteOf, pollStage, pollDeadlines, poll ------------------------------------------------------------------

    function test_VoteOf_NeverVoted_ReturnsNone() public {
        uint256 pollId = open();
        (ICommitRevealVoting.VoteState state, bytes32 commitment, uint8 option, uint256 weight) =
            voting.voteOf(pollId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.None), "state");
        vm.assertEq(commitment, bytes32(0), "commitment");
        vm.assertEq(option, 0, "option");
        vm.assertEq(weight, 0, "weight");
    }

    function test_PollStage_OverTime_MovesCommitRevealEnded() public {
        uint256 pollId = open();
        (uint256 commitEnd, uint256 revealEnd) = voting.pollDeadlines(pollId);
        vm.assertEq(stageOf(pollId), uint256(ICommitRevealVoting.PollStage.Commit), "commit");
        vm.warp(commitEnd - 1);
        vm.assertEq(stageOf(pollId), uint256(ICommitRevealVoting.PollStage.Commit), "commit, last second");
        vm.warp(commitEnd);
        vm.assertEq(stageOf(pollId), uint256(ICommitRevealVoting.PollStage.Reveal), "reveal");
        vm.warp(revealEnd - 1);
        vm.assertEq(stageOf(pollId), uint256(ICommitRevealVoting.PollStage.Reveal), "reveal, last second");
        vm.warp(revealEnd);
        vm.assertEq(stageOf(pollId), uint256(ICommitRevealVoting.PollStage.Ended), "ended");
    }

    function test_PollStage_UnknownPoll_ReturnsNone() public view {
        vm.assertEq(stageOf(voting.pollCount() + 1), uint256(ICommitRevealVoting.PollStage.None), "none");
    }

    function test_PollDeadlines_Valid_ReturnsCommitAndRevealEnds() public {
        uint256 start = block.timestamp;
        uint256 pollId = open();
        (uint256 commitEnd, uint256 revealEnd) = voting.pollDeadlines(pollId);
        vm.assertEq(commitEnd, start + COMMIT, "commitEnd");
        vm.assertEq(revealEnd, start + COMMIT + REVEAL, "revealEnd");
    }

    function test_PollDeadlines_UnknownPoll_RevertsPollNotFound() public {
        uint256 unknown = voting.pollCount() + 1;
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingPollNotFound.selector, unknown));
        voting.pollDeadlines(unknown);
    }

    function test_Poll_UnknownPoll_ReturnsZeroes() public view {
        ICommitRevealVoting.Poll memory p = voting.poll(voting.pollCount() + 1);
        vm.assertEq(p.owner, address(0), "owner");
        vm.assertEq(p.commitEnd, 0, "commitEnd");
    }

    // ----- commitmentOf --------------------------------------------------------------------------------------------

    function test_CommitmentOf_Valid_HashesChainContractPollVoterOptionSalt() public view {
        bytes32 expected = keccak256(abi.encode(block.chainid, address(voting), uint256(7), voter1, uint8(1), SALT));
        vm.assertEq(voting.commitmentOf(7, voter1, 1, SALT), expected, "commitment");
    }

    function test_CommitmentOf_ChainIdChanged_Differs() public {
        bytes32 before = voting.commitmentOf(1, voter1, 1, SALT);
        uint256 newChainId = block.chainid + 1;
        vm.chainId(newChainId);
        bytes32 afterChange = voting.commitmentOf(1, voter1, 1, SALT);
        vm.assertTrue(before != afterChange, "binds the chain id");
        vm.assertEq(
            afterChange,
            keccak256(abi.encode(newChainId, address(voting), uint256(1), voter1, uint8(1), SALT)),
            "uses the new chain id"
        );
    }

    function test_CommitmentOf_OtherContractPollVoterOption_AllDiffer() public {
        CommitRevealVoting other = new CommitRevealVoting(token);
        bytes32 base = voting.commitmentOf(1, voter1, 1, SALT);
        vm.assertTrue(base != other.commitmentOf(1, voter1, 1, SALT), "binds the contract");
        vm.assertTrue(base != voting.commitmentOf(2, voter1, 1, SALT), "binds the poll");
        vm.assertTrue(base != voting.commitmentOf(1, voter2, 1, SALT), "binds the voter");
        vm.assertTrue(base != voting.commitmentOf(1, voter1, 0, SALT), "binds the option");
        vm.assertTrue(base != voting.commitmentOf(1, voter1, 1, OTHER_SALT), "binds the salt");
    }

    // ----- fuzz ----------------------------------------------------------------------------------------------------

    function testFuzz_StartPoll_AnyPercentages_AcceptedOnlyWithinBounds(uint8 quorumPct, uint8 passPct) public {
        if (quorumPct > 100 || passPct > 99) {
            vm.expectRevert(
                abi.encodeWithSelector(ICommitRevealVoting.VotingInvalidPercentage.selector, quorumPct, passPct)
            );
            voting.startPoll(quorumPct, passPct, COMMIT, REVEAL);
        } else {
            uint256 pollId = voting.startPoll(quorumPct, passPct, COMMIT, REVEAL);
            vm.assertEq(voting.poll(pollId).quorumPct, quorumPct, "quorum");
            vm.assertEq(voting.poll(pollId).passPct, passPct, "pass");
        }
    }

    function testFuzz_RevealVote_RandomWeightsAndOptions_TalliesAndResultMatch(
        uint256[4] memory weights,
        uint8 optionBits,
        uint8 quorumPct,
        uint8 passPct
    ) public {
        quorumPct = uint8(bound(quorumPct, 0, 100));
        passPct = uint8(bound(passPct, 0, 99));
        address[4] memory voters;
        for (uint256 i = 0; i < 4; ++i) {
            voters[i] = address(uint160(0xF000 + i));
            weights[i] = bound(weights[i], 1, 150_000 * UNIT);
            fund(voters[i], weights[i]);
        }
        vm.roll(block.number + 1);
        uint256 pollId = open(quorumPct, passPct);
        for (uint256 i = 0; i < 4; ++i) {
            commit(voters[i], pollId, uint8(optionBits >> i) & 1, bytes32(i));
        }
        toRevealStage(pollId);
        uint256 expectedFor;
        uint256 expectedAgainst;
        for (uint256 i = 0; i < 4; ++i) {
            uint8 option = uint8(optionBits >> i) & 1;
            reveal(voters[i], pollId, option, bytes32(i));
            if (option == 1) expectedFor += weights[i];
            else expectedAgainst += weights[i];
        }
        toPollEnd(pollId);

        ICommitRevealVoting.Result memory r = voting.result(pollId);
        uint256 turnout = expectedFor + expectedAgainst;
        bool quorum = quorumPct == 0 || turnout * 100 >= SUPPLY * quorumPct;
        vm.assertEq(r.votesFor, expectedFor, "for");
        vm.assertEq(r.votesAgainst, expectedAgainst, "against");
        vm.assertEq(r.quorumReached, quorum, "quorum");
        vm.assertEq(r.passed, quorum && expectedFor * 100 > turnout * passPct, "passed");
    }

    function testFuzz_RevealVote_AnyOtherSalt_RevertsMismatchAndOwnSaltWorks(
        bytes32 voteSalt,
        bytes32 otherSalt,
        bool upholds
    ) public {
        vm.assume(voteSalt != otherSalt);
        uint8 option = upholds ? 1 : 0;
        uint256 pollId = open();
        commit(voter1, pollId, option, voteSalt);
        toRevealStage(pollId);
        vm.expectRevert(abi.encodeWithSelector(ICommitRevealVoting.VotingCommitmentMismatch.selector, pollId, voter1));
        reveal(voter1, pollId, option, otherSalt);
        reveal(voter1, pollId, option, voteSalt);
        (, , uint8 revealed, uint256 weight) = voting.voteOf(pollId, voter1);
        vm.assertEq(revealed, option, "option");
        vm.assertEq(weight, VOTER_BALANCE, "weight");
    }

    function testFuzz_CommitmentOf_AnyChainPollVoter_MatchesEncoding(
        uint64 chainId,
        uint256 pollId,
        address voter,
        bool upholds,
        bytes32 voteSalt
    ) public {
        chainId = uint64(bound(chainId, 1, type(uint64).max));
        vm.chainId(chainId);
        uint8 option = upholds ? 1 : 0;
        vm.assertEq(
            voting.commitmentOf(pollId, voter, option, voteSalt),
            keccak256(abi.encode(uint256(chainId), address(voting), pollId, voter, option, voteSalt)),
            "commitment"
        );
    }
}
