using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

using static TcrToolkit.Registry.Formatting;
using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>Where a poll stands in time, as <c>ICommitRevealVoting.PollStage</c>.</summary>
public enum PollStage
{
    /// <summary>No such poll.</summary>
    None = 0,

    /// <summary>Commitments accepted.</summary>
    Commit = 1,

    /// <summary>Reveals accepted.</summary>
    Reveal = 2,

    /// <summary>Final.</summary>
    Ended = 3,
}

/// <summary>What a voter has done in a poll, as <c>ICommitRevealVoting.VoteState</c>.</summary>
public enum VoteState
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Committed, not revealed.</summary>
    Committed = 1,

    /// <summary>Revealed; weight counted.</summary>
    Revealed = 2,

    /// <summary>Revealed and its reward paid.</summary>
    Settled = 3,
}

/// <summary>A poll's timing (its tallies are not needed for pre-flight).</summary>
public sealed record PollTiming(ulong PollId, DateTimeOffset CommitEnd, DateTimeOffset RevealEnd)
{
    /// <summary>The stage at <paramref name="now"/>, by the contract's rule (end instants belong to the next stage).</summary>
    public PollStage StageAt(DateTimeOffset now) =>
        now < CommitEnd ? PollStage.Commit : now < RevealEnd ? PollStage.Reveal : PollStage.Ended;
}

/// <summary>A voter's record in a poll, as <c>voteOf</c> returns it.</summary>
/// <param name="State">What the voter has done.</param>
/// <param name="Commitment">While committed: the stored commitment (upper 248 bits, low byte zero).</param>
/// <param name="Option">Once revealed: the option.</param>
/// <param name="Weight">Once revealed: the weight counted.</param>
public sealed record VoterRecord(VoteState State, Bytes32 Commitment, byte Option, UInt256 Weight);

/// <summary>Pre-flight checks for voters, mirroring <c>CommitRevealVoting.sol</c> and the registry's reward claim.</summary>
public static class VotingRules
{
    /// <summary><c>commitVote</c> in <paramref name="poll"/> (null when the poll does not exist).</summary>
    public static ActionCheck CanCommit(PollTiming? poll, byte option, DateTimeOffset now)
    {
        if (option > 1)
        {
            return ActionCheck.BadRequest($"option {option} does not exist; vote 1 to uphold the challenge or 0 to reject it.");
        }

        if (poll is null)
        {
            return ActionCheck.WrongState("no poll has this id; check the challenge or proposal id.");
        }

        return poll.StageAt(now) == PollStage.Commit
            ? ActionCheck.Allowed
            : ActionCheck.WrongState($"the commit stage of poll {poll.PollId} ended at {Time(poll.CommitEnd)}; it can no longer take votes.");
    }

    /// <summary>
    /// <c>revealVote</c> in <paramref name="poll"/> by a voter whose record is <paramref name="voter"/>, with the salt
    /// found in the vault (<paramref name="stored"/>, null if none) and <paramref name="weightAtSnapshot"/> votes at the
    /// poll's snapshot.
    /// </summary>
    public static ActionCheck CanReveal(PollTiming? poll, VoterRecord voter, StoredVote? stored, UInt256 weightAtSnapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(voter);
        if (poll is null)
        {
            return ActionCheck.WrongState("no poll has this id; check the challenge or proposal id.");
        }

        var stage = poll.StageAt(now);
        if (stage == PollStage.Commit)
        {
            return ActionCheck.NotYet($"the reveal stage of poll {poll.PollId} opens at {Time(poll.CommitEnd)}; reveal then.", poll.CommitEnd);
        }

        if (stage == PollStage.Ended)
        {
            return ActionCheck.WrongState($"the reveal stage of poll {poll.PollId} ended at {Time(poll.RevealEnd)}; an unrevealed vote no longer counts.");
        }

        if (voter.State == VoteState.None)
        {
            return ActionCheck.WrongState($"this account has no commitment in poll {poll.PollId}; there is nothing to reveal.");
        }

        if (voter.State != VoteState.Committed)
        {
            return ActionCheck.WrongState($"this account has already revealed in poll {poll.PollId}; its vote is counted, so there is nothing left to do.");
        }

        if (stored is null)
        {
            return ActionCheck.BadRequest(
                $"the salt vault has no salt matching this account's commitment in poll {poll.PollId}; point the toolkit at the vault file that made the commitment (or restore it from a backup).");
        }

        return weightAtSnapshot.IsZero
            ? ActionCheck.WrongState($"this account had no voting weight at the snapshot of poll {poll.PollId}: delegate (to yourself) before a poll opens; this vote cannot count.")
            : ActionCheck.Allowed;
    }

    /// <summary><c>claimReward</c> for a challenge (null when no such challenge exists for the node).</summary>
    public static ActionCheck CanClaimReward(ChallengeState? challenge, VoterRecord voter)
    {
        ArgumentNullException.ThrowIfNull(voter);
        if (challenge is null || challenge.Status == MailServerRegistry.ChallengeStatus.None)
        {
            return ActionCheck.WrongState("no such challenge for this node; check the node id and challenge id.");
        }

        if (challenge.Status == MailServerRegistry.ChallengeStatus.Open)
        {
            return ActionCheck.NotYet(
                $"challenge {challenge.ChallengeId} is not resolved; after {Time(challenge.RevealEnd)} resolve it (updateStatus), then claim.", challenge.RevealEnd);
        }

        if (challenge.Amount.IsZero)
        {
            return ActionCheck.WrongState($"challenge {challenge.ChallengeId} has no voter reward (no quorum, or nobody revealed the winning option); there is nothing to claim.");
        }

        var winning = challenge.Status == MailServerRegistry.ChallengeStatus.Succeeded ? VoteCommitment.Uphold : VoteCommitment.Reject;
        return voter.State switch
        {
            VoteState.Settled => ActionCheck.WrongState($"this account's reward for challenge {challenge.ChallengeId} was already claimed; there is nothing left to claim."),
            VoteState.Revealed when voter.Option == winning => ActionCheck.Allowed,
            VoteState.Revealed => ActionCheck.WrongState($"this account voted {voter.Option} in challenge {challenge.ChallengeId}, but {winning} won; only the winning side is rewarded."),
            _ => ActionCheck.WrongState($"this account did not reveal a vote in challenge {challenge.ChallengeId}; only revealed votes on the winning side are rewarded."),
        };
    }
}
