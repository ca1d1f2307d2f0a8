using TcrToolkit.Ethereum;
using TcrToolkit.Registry;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Registry;

public sealed class RegistryRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Address Alice = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    private static readonly Address Bob = Address.Parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static readonly Bytes32 Node = Keccak256.HashUtf8("node");
    private static readonly UInt256 Unit = UInt256.Parse("1000000000000000000");
    private static readonly UInt256 Min = Tokens(100);

    private static readonly RegistryParameters Parameters = new(
        Min, TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(2), 50, 10, 50, TimeSpan.FromDays(1), TimeSpan.FromDays(3));

    private static readonly Funds Plenty = new(Tokens(1000), Tokens(1000));

    private static UInt256 Tokens(ulong n) => Unit * n;

    private static ListingState Listing(MailServerRegistry.Stage stage, UInt256? deposit = null, ulong challengeId = 0) => new(
        Node, Alice, deposit ?? Min, stage, Now.AddHours(-1), Now.AddDays(1), Now.AddDays(4), challengeId, 1);

    private static ChallengeState Open(ulong id, DateTimeOffset revealEnd, UInt256? stake = null) =>
        new(id, Bob, stake ?? Min, MailServerRegistry.ChallengeStatus.Open, revealEnd.AddDays(-2), revealEnd);

    // ------------------------------------------------------------------------------------------------ apply

    [Fact]
    public void CanApply_AbsentWithFundsAndFreshProof_Allowed()
    {
        RegistryRules.CanApply(ListingState.Absent(Node), Parameters, Min, Now.AddHours(1), Plenty, Now).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanApply_AlreadyListed_WrongState()
    {
        var check = RegistryRules.CanApply(Listing(MailServerRegistry.Stage.Listed), Parameters, Min, Now.AddHours(1), Plenty, Now);

        check.Blocker.Should().Be(Blocker.State);
        check.Reason.Should().Be($"node {Node.ToString()[..18]}… is already listed (owner {Alice}); a node can be in the registry only once.");
    }

    [Fact]
    public void CanApply_BelowMinimum_BadRequestNamingTheMinimum()
    {
        var check = RegistryRules.CanApply(ListingState.Absent(Node), Parameters, Tokens(99), Now.AddHours(1), Plenty, Now);

        check.Blocker.Should().Be(Blocker.Request);
        check.Reason.Should().Be("the deposit 99 tokens is below the minimum deposit 100 tokens; deposit at least that.");
    }

    [Fact]
    public void CanApply_Above96Bits_BadRequest()
    {
        var check = RegistryRules.CanApply(ListingState.Absent(Node), Parameters, RegistryRules.MaxDeposit + 1UL, Now.AddHours(1), Plenty, Now);

        check.Blocker.Should().Be(Blocker.Request);
        check.Reason.Should().StartWith("the deposit").And.Contain("exceeds what the registry can hold per entry");
    }

    [Fact]
    public void CanApply_ExpiredProof_BadRequestAskingForANewProof()
    {
        var check = RegistryRules.CanApply(ListingState.Absent(Node), Parameters, Min, Now.AddSeconds(-1), Plenty, Now);

        check.Reason.Should().Be("the node-key proof expired at 2026-11-24 11:59:59 UTC; have the node key sign a new proof with a later deadline.");
    }

    [Fact]
    public void CanApply_ProofExpiringThisSecond_StillAllowed()
    {
        // The contract rejects only block.timestamp > deadline.
        RegistryRules.CanApply(ListingState.Absent(Node), Parameters, Min, Now, Plenty, Now).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanApply_NotEnoughTokens_NeedsFundsWithTheShortfall()
    {
        var check = RegistryRules.CanApply(ListingState.Absent(Node), Parameters, Min, Now.AddHours(1), new Funds(Tokens(60), Tokens(1000)), Now);

        check.Blocker.Should().Be(Blocker.Funds);
        check.Reason.Should().Be("the deposit is 100 tokens but the account holds 60 tokens; get 40 tokens more.");
    }

    [Fact]
    public void CanApply_NoAllowance_NeedsFundsAskingForApproval()
    {
        var check = RegistryRules.CanApply(ListingState.Absent(Node), Parameters, Min, Now.AddHours(1), new Funds(Tokens(1000), default), Now);

        check.Reason.Should().Be("the deposit is 100 tokens but the registry may take only 0 tokens; approve at least 100 tokens (or use a permit).");
    }

    // ------------------------------------------------------------------------------------------------ deposits

    [Fact]
    public void CanDeposit_NotOwner_WrongStateNamingTheOwner()
    {
        var check = RegistryRules.CanDeposit(Listing(MailServerRegistry.Stage.Listed), Bob, Unit, Plenty);

        check.Reason.Should().Be($"node {Node.ToString()[..18]}… belongs to {Alice}, not {Bob}; use the owner's account.");
    }

    [Fact]
    public void CanDeposit_Zero_BadRequest()
    {
        RegistryRules.CanDeposit(Listing(MailServerRegistry.Stage.Listed), Alice, default, Plenty).Reason.Should().Be("the amount is zero; deposit a positive amount.");
    }

    [Fact]
    public void CanDeposit_AboveTheRegistryMaximum_BadRequestInsteadOfUnderflow()
    {
        var tooMuch = RegistryRules.MaxDeposit + UInt256.One;

        var check = RegistryRules.CanDeposit(Listing(MailServerRegistry.Stage.Listed), Alice, tooMuch, new Funds(tooMuch, tooMuch));

        check.Blocker.Should().Be(Blocker.Request);
        check.Reason.Should().Contain("exceed what the registry can hold per entry");
    }

    [Fact]
    public void CanDeposit_Absent_WrongState()
    {
        RegistryRules.CanDeposit(ListingState.Absent(Node), Alice, Unit, Plenty).Blocker.Should().Be(Blocker.State);
    }

    [Fact]
    public void CanWithdraw_DownToMinimum_Allowed()
    {
        RegistryRules.CanWithdraw(Listing(MailServerRegistry.Stage.Listed, Tokens(130)), null, Parameters, Alice, Tokens(30)).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanWithdraw_BelowMinimum_BadRequestWithWhatIsAvailable()
    {
        var check = RegistryRules.CanWithdraw(Listing(MailServerRegistry.Stage.Listed, Tokens(130)), null, Parameters, Alice, Tokens(31));

        check.Reason.Should().Be("only 30 tokens can be withdrawn: the deposit 130 tokens must keep the minimum deposit 100 tokens; withdraw at most that.");
    }

    [Fact]
    public void Withdrawable_OpenStakeAboveMinimum_KeepsTheStake()
    {
        var listing = Listing(MailServerRegistry.Stage.Listed, Tokens(200), challengeId: 7);

        RegistryRules.Withdrawable(listing, Open(7, Now.AddDays(1), Tokens(150)), Parameters).Should().Be(Tokens(50));
    }

    [Fact]
    public void CanWithdraw_StakeLocked_ReasonMentionsTheChallenge()
    {
        var listing = Listing(MailServerRegistry.Stage.Listed, Tokens(200), challengeId: 7);

        RegistryRules.CanWithdraw(listing, Open(7, Now.AddDays(1), Tokens(150)), Parameters, Alice, Tokens(51)).Reason
            .Should().EndWith("and the stake of the open challenge; withdraw at most that.");
    }

    // ------------------------------------------------------------------------------------------------ challenges

    [Fact]
    public void CanChallenge_Listed_Allowed()
    {
        RegistryRules.CanChallenge(Listing(MailServerRegistry.Stage.Listed), Parameters, Plenty).Should().Be(ActionCheck.Allowed);
    }

    [Fact]
    public void CanChallenge_AlreadyChallenged_WrongStateAskingToVote()
    {
        RegistryRules.CanChallenge(Listing(MailServerRegistry.Stage.Listed, challengeId: 3), Parameters, Plenty).Reason
            .Should().EndWith("is already challenged (challenge 3); vote in that challenge instead.");
    }

    [Fact]
    public void CanChallenge_DepositBelowRaisedMinimum_AllowedWithTouchAndRemoveNoteAndNoFundsNeeded()
    {
        var check = RegistryRules.CanChallenge(Listing(MailServerRegistry.Stage.Listed, Tokens(80)), Parameters, default);

        check.IsAllowed.Should().BeTrue();
        check.Note.Should().Contain("touch-and-remove").And.Contain("takes no stake");
    }

    [Fact]
    public void CanChallenge_NoTokensForStake_NeedsFunds()
    {
        RegistryRules.CanChallenge(Listing(MailServerRegistry.Stage.Listed), Parameters, new Funds(Tokens(10), Tokens(10))).Blocker.Should().Be(Blocker.Funds);
    }

    [Fact]
    public void CanChallenge_Absent_WrongState()
    {
        RegistryRules.CanChallenge(ListingState.Absent(Node), Parameters, Plenty).Reason.Should().EndWith("there is nothing to challenge.");
    }

    // ------------------------------------------------------------------------------------------------ status updates

    [Fact]
    public void CanUpdateStatus_ApplicationStageRunning_NotYetUntilItsEnd()
    {
        var application = Listing(MailServerRegistry.Stage.Applied) with { ApplicationEnd = Now.AddHours(3) };

        var check = RegistryRules.CanUpdateStatus(application, null, Now);

        check.Blocker.Should().Be(Blocker.NotYet);
        check.AvailableAt.Should().Be(Now.AddHours(3));
    }

    [Fact]
    public void CanUpdateStatus_ApplicationStageOver_Allowed()
    {
        RegistryRules.CanUpdateStatus(Listing(MailServerRegistry.Stage.Applied), null, Now).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanUpdateStatus_VoteRunning_NotYetUntilRevealEnd()
    {
        var check = RegistryRules.CanUpdateStatus(Listing(MailServerRegistry.Stage.Listed, challengeId: 4), Open(4, Now.AddDays(1)), Now);

        check.AvailableAt.Should().Be(Now.AddDays(1));
        check.Reason.Should().StartWith("the vote on challenge 4 ends at 2026-11-25 12:00:00 UTC");
    }

    [Fact]
    public void CanUpdateStatus_VoteEnded_Allowed()
    {
        RegistryRules.CanUpdateStatus(Listing(MailServerRegistry.Stage.Listed, challengeId: 4), Open(4, Now), Now).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanUpdateStatus_ListedUnchallenged_WrongState()
    {
        RegistryRules.CanUpdateStatus(Listing(MailServerRegistry.Stage.Listed), null, Now).Reason.Should().EndWith("there is nothing to update.");
    }

    [Fact]
    public void CanUpdateStatus_ChallengedWithoutItsState_ThrowsArgumentException()
    {
        var act = () => RegistryRules.CanUpdateStatus(Listing(MailServerRegistry.Stage.Listed, challengeId: 4), null, Now);

        act.Should().Throw<ArgumentException>().WithMessage("*has challenge 4 open: pass its state.*");
    }

    // ------------------------------------------------------------------------------------------------ exits

    [Fact]
    public void CanInitExit_Listed_Allowed()
    {
        RegistryRules.CanInitExit(Listing(MailServerRegistry.Stage.Listed), Alice, Now).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanInitExit_WhileChallenged_WrongState()
    {
        RegistryRules.CanInitExit(Listing(MailServerRegistry.Stage.Listed, challengeId: 2), Alice, Now).Reason
            .Should().Be("challenge 2 is open; start the exit after it is resolved.");
    }

    [Fact]
    public void CanInitExit_ExitPending_WrongStateWithItsWindow()
    {
        RegistryRules.CanInitExit(Listing(MailServerRegistry.Stage.Exiting), Alice, Now).Reason
            .Should().Be("an exit is already under way; finalize it between 2026-11-25 12:00:00 UTC and 2026-11-28 12:00:00 UTC.");
    }

    [Fact]
    public void CanInitExit_MissedWindow_AllowedToRestart()
    {
        RegistryRules.CanInitExit(Listing(MailServerRegistry.Stage.Exiting), Alice, Now.AddDays(5)).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanFinalizeExit_BeforeWindow_NotYetUntilExitStart()
    {
        var check = RegistryRules.CanFinalizeExit(Listing(MailServerRegistry.Stage.Exiting), Alice, Now);

        check.Blocker.Should().Be(Blocker.NotYet);
        check.AvailableAt.Should().Be(Now.AddDays(1));
    }

    [Fact]
    public void CanFinalizeExit_InsideWindow_Allowed()
    {
        RegistryRules.CanFinalizeExit(Listing(MailServerRegistry.Stage.Exiting), Alice, Now.AddDays(2)).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void CanFinalizeExit_AfterWindow_WrongStateAskingForANewExit()
    {
        RegistryRules.CanFinalizeExit(Listing(MailServerRegistry.Stage.Exiting), Alice, Now.AddDays(5)).Reason
            .Should().Be("the exit window closed at 2026-11-28 12:00:00 UTC; start a new exit with initExit.");
    }

    [Fact]
    public void CanFinalizeExit_NotExiting_WrongState()
    {
        RegistryRules.CanFinalizeExit(Listing(MailServerRegistry.Stage.Listed), Alice, Now).Reason.Should().EndWith("not exiting; start with initExit.");
    }

    [Fact]
    public void CanFinalizeExit_ChallengedDuringExit_WrongState()
    {
        RegistryRules.CanFinalizeExit(Listing(MailServerRegistry.Stage.Exiting, challengeId: 9), Alice, Now.AddDays(2)).Blocker.Should().Be(Blocker.State);
    }

    // ------------------------------------------------------------------------------------------------ exceptions

    [Fact]
    public void ThrowIfBlocked_EachBlocker_ThrowsItsExceptionType()
    {
        var notYet = () => ActionCheck.NotYet("wait", Now).ThrowIfBlocked("finalizeExit");
        var funds = () => ActionCheck.NeedsFunds("approve").ThrowIfBlocked("apply");
        var request = () => ActionCheck.BadRequest("fix").ThrowIfBlocked("withdraw");
        var state = () => ActionCheck.WrongState("no").ThrowIfBlocked("challenge");

        notYet.Should().Throw<ActionNotYetPossibleException>().Which.AvailableAt.Should().Be(Now);
        funds.Should().Throw<InsufficientFundsException>().WithMessage("apply was not sent: approve");
        request.Should().Throw<InvalidRequestException>();
        state.Should().Throw<ActionNotAllowedException>().Which.Action.Should().Be("challenge");
        ActionCheck.Allowed.ThrowIfBlocked("apply");
    }
}
