using TcrToolkit.Ethereum;
using TcrToolkit.Governance;
using TcrToolkit.Registry;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Registry;

public sealed class GovernanceRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly UInt256 Deposit = UInt256.Parse("200000000000000000000");

    private static ProposalState Proposal(ProposalStatus status, TimeSpan challengeEndIn, TimeSpan processByIn, ChallengeState? challenge = null) => new(
        7, Address.Parse("0x00000000000000000000000000000000000000aa"), Deposit, status, TcrParameterCatalog.Get(ParameterName.VoteQuorum), 20UL,
        Now + challengeEndIn, Now + processByIn, challenge?.ChallengeId ?? 0, challenge);

    [Fact]
    public void CanChallengeProposal_PendingInStageWithFunds_IsAllowed()
    {
        GovernanceRules.CanChallengeProposal(7, Proposal(ProposalStatus.Pending, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), new Funds(Deposit, Deposit), Now)
            .IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanChallengeProposal_Missing_SaysThereIsNoProposal()
    {
        var check = GovernanceRules.CanChallengeProposal(9, null, new Funds(Deposit, Deposit), Now);

        check.Blocker.Should().Be(Blocker.State);
        check.Reason.Should().StartWith("there is no proposal 9");
    }

    [Fact]
    public void CanChallengeProposal_AtTheEndOfItsStage_IsTooLate()
    {
        var check = GovernanceRules.CanChallengeProposal(7, Proposal(ProposalStatus.Pending, TimeSpan.Zero, TimeSpan.FromHours(1)), new Funds(Deposit, Deposit), Now);

        check.Blocker.Should().Be(Blocker.State);
        check.Reason.Should().Contain("challenge stage of proposal 7 ended");
    }

    [Fact]
    public void CanChallengeProposal_ShortOfTheStake_SaysHowMuchIsMissing()
    {
        var check = GovernanceRules.CanChallengeProposal(7, Proposal(ProposalStatus.Pending, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), new Funds(Deposit - UInt256.Parse("50000000000000000000"), Deposit), Now);

        check.Blocker.Should().Be(Blocker.Funds);
        check.Reason.Should().Contain("get 50 tokens more");
    }

    [Fact]
    public void CanChallengeProposal_AlreadyChallenged_IsRefused()
    {
        var check = GovernanceRules.CanChallengeProposal(7, Proposal(ProposalStatus.Challenged, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), new Funds(Deposit, Deposit), Now);

        check.Reason.Should().Contain("is challenged; only a pending proposal can be challenged");
    }

    [Fact]
    public void CanProcess_PendingInItsChallengeStage_IsNotYetWithTheInstant()
    {
        var check = GovernanceRules.CanProcess(7, Proposal(ProposalStatus.Pending, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), Now);

        check.Blocker.Should().Be(Blocker.NotYet);
        check.AvailableAt.Should().Be(Now + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void CanProcess_ChallengedBeforeTheVoteEnds_IsNotYet()
    {
        var challenge = new ChallengeState(3, Address.Zero, Deposit, MailServerRegistry.ChallengeStatus.Open, Now, Now + TimeSpan.FromMinutes(2));

        var check = GovernanceRules.CanProcess(7, Proposal(ProposalStatus.Challenged, -TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), challenge), Now);

        check.Blocker.Should().Be(Blocker.NotYet);
        check.AvailableAt.Should().Be(challenge.RevealEnd);
    }

    [Fact]
    public void CanProcess_AfterItsWindow_IsAllowedWithANoteThatItExpires()
    {
        var check = GovernanceRules.CanProcess(7, Proposal(ProposalStatus.Pending, -TimeSpan.FromHours(2), -TimeSpan.FromHours(1)), Now);

        check.IsAllowed.Should().BeTrue();
        check.Note.Should().Contain("expires instead of taking effect");
    }

    [Theory]
    [InlineData(ProposalStatus.Applied)]
    [InlineData(ProposalStatus.Rejected)]
    [InlineData(ProposalStatus.Expired)]
    public void CanProcess_Concluded_HasNothingToProcess(ProposalStatus status)
    {
        var check = GovernanceRules.CanProcess(7, Proposal(status, -TimeSpan.FromHours(2), -TimeSpan.FromHours(1)), Now);

        check.Blocker.Should().Be(Blocker.State);
        check.Reason.Should().Contain("there is nothing to process");
    }
}
