using TcrToolkit.Ethereum;
using TcrToolkit.Registry;
using TcrToolkit.Votes;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Registry;

public sealed class VotingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly PollTiming Poll = new(5, Now.AddDays(1), Now.AddDays(2));
    private static readonly VoterRecord Committed = new(VoteState.Committed, Keccak256.HashUtf8("c"), 0, default);
    private static readonly UInt256 Weight = 1000UL;

    private static readonly StoredVote Stored = new(
        1,
        new VoteKey(31337, default, 5, default),
        default,
        VoteCommitment.Uphold,
        Keccak256.HashUtf8("salt"),
        Keccak256.HashUtf8("c"),
        VoteProgress.Committed,
        null,
        Now);

    private static ChallengeState Resolved(MailServerRegistry.ChallengeStatus status, ulong pool = 50) =>
        new(5, default, pool, status, Now.AddDays(-3), Now.AddDays(-1));

    [Fact]
    public void PollTiming_StageAt_EndInstantsBelongToTheNextStage()
    {
        Poll.StageAt(Now).Should().Be(PollStage.Commit);
        Poll.StageAt(Poll.CommitEnd).Should().Be(PollStage.Reveal);
        Poll.StageAt(Poll.RevealEnd).Should().Be(PollStage.Ended);
    }

    [Fact]
    public void CanCommit_CommitStage_Allowed()
    {
        VotingRules.CanCommit(Poll, VoteCommitment.Uphold, Now).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanCommit_OptionTwo_BadRequest()
    {
        VotingRules.CanCommit(Poll, 2, Now).Reason.Should().Be("option 2 does not exist; vote 1 to uphold the challenge or 0 to reject it.");
    }

    [Fact]
    public void CanCommit_AfterCommitStage_WrongState()
    {
        VotingRules.CanCommit(Poll, 0, Poll.CommitEnd).Reason.Should().Be("the commit stage of poll 5 ended at 2026-11-25 12:00:00 UTC; it can no longer take votes.");
    }

    [Fact]
    public void CanCommit_UnknownPoll_WrongState()
    {
        VotingRules.CanCommit(null, 1, Now).Blocker.Should().Be(Blocker.State);
    }

    [Fact]
    public void CanReveal_RevealStageWithStoredSaltAndWeight_Allowed()
    {
        VotingRules.CanReveal(Poll, Committed, Stored, Weight, Poll.CommitEnd).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanReveal_DuringCommitStage_NotYetUntilCommitEnd()
    {
        VotingRules.CanReveal(Poll, Committed, Stored, Weight, Now).AvailableAt.Should().Be(Poll.CommitEnd);
    }

    [Fact]
    public void CanReveal_WithoutStoredSalt_BadRequestPointingAtTheVault()
    {
        var check = VotingRules.CanReveal(Poll, Committed, null, Weight, Poll.CommitEnd);

        check.Blocker.Should().Be(Blocker.Request);
        check.Reason.Should().StartWith("the salt vault has no salt matching this account's commitment in poll 5");
    }

    [Fact]
    public void CanReveal_NoWeightAtSnapshot_WrongStateExplainingDelegation()
    {
        VotingRules.CanReveal(Poll, Committed, Stored, default, Poll.CommitEnd).Reason.Should().Contain("delegate (to yourself) before a poll opens");
    }

    [Fact]
    public void CanReveal_NotCommitted_WrongState()
    {
        VotingRules.CanReveal(Poll, new VoterRecord(VoteState.None, default, 0, default), null, Weight, Poll.CommitEnd).Reason
            .Should().Be("this account has no commitment in poll 5; there is nothing to reveal.");
    }

    [Fact]
    public void CanReveal_AlreadyRevealed_WrongState()
    {
        VotingRules.CanReveal(Poll, new VoterRecord(VoteState.Revealed, default, 1, Weight), Stored, Weight, Poll.CommitEnd).Reason
            .Should().Be("this account has already revealed in poll 5; its vote is counted, so there is nothing left to do.");
    }

    [Fact]
    public void CanReveal_AfterRevealStage_WrongState()
    {
        VotingRules.CanReveal(Poll, Committed, Stored, Weight, Poll.RevealEnd).Blocker.Should().Be(Blocker.State);
    }

    [Fact]
    public void CanClaimReward_WinningRevealedVote_Allowed()
    {
        VotingRules.CanClaimReward(Resolved(MailServerRegistry.ChallengeStatus.Succeeded), new VoterRecord(VoteState.Revealed, default, 1, Weight)).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanClaimReward_Twice_WrongState()
    {
        VotingRules.CanClaimReward(Resolved(MailServerRegistry.ChallengeStatus.Succeeded), new VoterRecord(VoteState.Settled, default, 1, Weight)).Reason
            .Should().Be("this account's reward for challenge 5 was already claimed; there is nothing left to claim.");
    }

    [Fact]
    public void CanClaimReward_LosingSide_WrongState()
    {
        VotingRules.CanClaimReward(Resolved(MailServerRegistry.ChallengeStatus.Failed), new VoterRecord(VoteState.Revealed, default, 1, Weight)).Reason
            .Should().Be("this account voted 1 in challenge 5, but 0 won; only the winning side is rewarded.");
    }

    [Fact]
    public void CanClaimReward_NoPool_WrongState()
    {
        VotingRules.CanClaimReward(Resolved(MailServerRegistry.ChallengeStatus.Failed, pool: 0), new VoterRecord(VoteState.Revealed, default, 0, Weight)).Reason
            .Should().Contain("has no voter reward");
    }

    [Fact]
    public void CanClaimReward_Unresolved_NotYet()
    {
        var open = Resolved(MailServerRegistry.ChallengeStatus.Open) with { RevealEnd = Now.AddDays(1) };

        VotingRules.CanClaimReward(open, Committed).AvailableAt.Should().Be(Now.AddDays(1));
    }

    [Fact]
    public void CanClaimReward_UnknownChallenge_WrongState()
    {
        VotingRules.CanClaimReward(null, Committed).Reason.Should().StartWith("no such challenge for this node");
    }

    [Fact]
    public void CanClaimReward_NeverRevealed_WrongState()
    {
        VotingRules.CanClaimReward(Resolved(MailServerRegistry.ChallengeStatus.Succeeded), Committed).Reason.Should().Contain("did not reveal a vote");
    }
}
