using TcrToolkit.Ethereum;
using TcrToolkit.Governance;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;
using TcrToolkit.Votes;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Services;

/// <summary>
/// The registry's whole lifecycle through the public service layer only. The testbed's parameters: minimum deposit
/// 100 tokens, every stage 60 s, dispensation 50%, quorum 10% of a 10,000,000-token supply, pass threshold 50%, exit
/// delay 0 and exit window 60 s; the governor's deposit is 200 tokens.
/// </summary>
public sealed class LifecycleTests(RegistryChainFixture fixture) : ServiceTest(fixture)
{
    private static readonly TimeSpan Stage = RegistryTestbed.StageLength + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Apply_ThenApplicationStageEnds_ListsTheServer()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        using var nodeKey = PrivateKey.Generate();
        var reader = new RegistryReader(connection);

        var applied = await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100));

        applied.NodeId.Should().Be(nodeKey.PublicKey.NodeId);
        var view = await reader.GetListingAsync(applied.NodeId, owner.Address);
        view.Listing.Stage.Should().Be(MailServerRegistry.Stage.Applied);
        view.Status.Should().Be("applied, challengeable");
        view.NextDeadline.Should().Be(applied.ApplicationEnd);
        view.Actions[ListingAction.UpdateStatus].Blocker.Should().Be(Blocker.NotYet);
        var early = () => new RegistryChallenger(owner).UpdateStatusAsync(applied.NodeId);
        (await early.Should().ThrowAsync<ActionNotYetPossibleException>()).Which.AvailableAt.Should().Be(applied.ApplicationEnd);

        await Chain.IncreaseTimeAsync(Stage);
        var update = await new RegistryChallenger(owner).UpdateStatusAsync(applied.NodeId);

        update.Outcome.Should().Be(StatusOutcome.Listed);
        (await reader.IsTrustedAsync(applied.NodeId)).Should().BeTrue();
        (await reader.GetTrustedListingsAsync()).Select(l => l.NodeId).Should().Contain(applied.NodeId);
        (await BalanceAsync(connection, owner.Address)).Should().Be(Tokens(900));
    }

    [Fact]
    public async Task Challenge_UpheldByVoters_RemovesTheListingAndPaysExactlyAsTheRulesSay()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        var upholder = await NewVoterAsync(connection, 700_000);
        var rejecter = await NewVoterAsync(connection, 500_000);
        var nodeId = await ListAsync(owner, Tokens(150));

        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(nodeId, "spam relay"u8.ToArray());
        challenge.ChallengeId.Should().NotBe(0UL);
        challenge.Stake.Should().Be(Tokens(100));
        await upholder.CommitAsync(challenge.ChallengeId, VoteCommitment.Uphold);
        await rejecter.CommitAsync(challenge.ChallengeId, VoteCommitment.Reject);
        await Chain.IncreaseTimeAsync(Stage);
        await upholder.RevealAsync(challenge.ChallengeId);
        await rejecter.RevealAsync(challenge.ChallengeId);
        await Chain.IncreaseTimeAsync(Stage);

        var resolved = await new RegistryChallenger(challenger).UpdateStatusAsync(nodeId);

        // 700k of 1.2M revealed votes uphold (58% > 50%); quorum 1.2M >= 10% of 10M. Stake 100: half to the
        // challenger on top of its stake back, half to the majority voters; the owner gets its deposit less the stake.
        resolved.Outcome.Should().Be(StatusOutcome.ChallengeSucceeded);
        resolved.WinnerReward.Should().Be(Tokens(150));
        resolved.VoterRewardPool.Should().Be(Tokens(50));
        (await new RegistryReader(connection).IsTrustedAsync(nodeId)).Should().BeFalse();
        (await BalanceAsync(connection, challenger.Address)).Should().Be(Tokens(1_050));
        (await BalanceAsync(connection, owner.Address)).Should().Be(Tokens(900));

        var claim = await upholder.ClaimRewardAsync(nodeId, challenge.ChallengeId);
        claim.Amount.Should().Be(Tokens(50));
        (await BalanceAsync(connection, Voter(upholder))).Should().Be(Tokens(700_050));
        var losing = () => rejecter.ClaimRewardAsync(nodeId, challenge.ChallengeId);
        (await losing.Should().ThrowAsync<ActionNotAllowedException>()).Which.Reason.Should().Contain("only the winning side is rewarded");
        var twice = () => upholder.ClaimRewardAsync(nodeId, challenge.ChallengeId);
        (await twice.Should().ThrowAsync<ActionNotAllowedException>()).Which.Reason.Should().Contain("already claimed");
    }

    [Fact]
    public async Task Challenge_OfAnApplicationWithoutVotes_FailsAndListsIt_ReportedAsOneOutcome()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        using var nodeKey = PrivateKey.Generate();
        var applied = await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100));
        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(applied.NodeId);
        await Chain.IncreaseTimeAsync(Stage + Stage);

        var resolved = await new RegistryChallenger(challenger).UpdateStatusAsync(applied.NodeId);

        // No quorum: the owner gets the whole stake, and a surviving application is listed at once (two events, one outcome).
        resolved.Should().Be(new StatusUpdate(applied.NodeId, StatusOutcome.ChallengeFailed, challenge.ChallengeId, Tokens(100), UInt256.Zero));
        var listing = await new RegistryReader(connection).GetListingStateAsync(applied.NodeId);
        listing.Stage.Should().Be(MailServerRegistry.Stage.Listed);
        listing.Deposit.Should().Be(Tokens(200));
    }

    [Fact]
    public async Task Challenge_RejectedByVoters_KeepsTheListingAndPaysTheOwner()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        var rejecter = await NewVoterAsync(connection, 900_000);
        var upholder = await NewVoterAsync(connection, 300_000);
        var nodeId = await ListAsync(owner, Tokens(100));

        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(nodeId);
        await rejecter.CommitAsync(challenge.ChallengeId, VoteCommitment.Reject);
        await upholder.CommitAsync(challenge.ChallengeId, VoteCommitment.Uphold);
        await Chain.IncreaseTimeAsync(Stage);
        (await rejecter.GetPendingRevealsAsync()).Should().ContainSingle(p => p.PollId == challenge.ChallengeId && p.CanReveal.IsAllowed);
        await rejecter.RevealAsync(challenge.ChallengeId);
        await upholder.RevealAsync(challenge.ChallengeId);
        (await rejecter.GetPendingRevealsAsync()).Should().BeEmpty();
        await Chain.IncreaseTimeAsync(Stage);

        var batch = await new RegistryChallenger(challenger).UpdateStatusesAsync([nodeId]);

        batch.Updated.Should().ContainSingle().Which.Outcome.Should().Be(StatusOutcome.ChallengeFailed);
        var listing = await new RegistryReader(connection).GetListingAsync(nodeId, owner.Address);
        listing.Listing.Stage.Should().Be(MailServerRegistry.Stage.Listed);
        listing.Listing.Deposit.Should().Be(Tokens(150), "the owner's half of the challenger's stake joins the deposit");
        (await BalanceAsync(connection, challenger.Address)).Should().Be(Tokens(900));

        var (claimed, skipped) = await rejecter.ClaimRewardsAsync([(nodeId, challenge.ChallengeId)]);
        skipped.Should().BeEmpty();
        claimed!.Amount.Should().Be(Tokens(50));

        var withdrawable = await new MailServerOperator(owner).GetWithdrawableAsync(nodeId);
        withdrawable.Should().Be(Tokens(50));
        await new MailServerOperator(owner).WithdrawAsync(nodeId, withdrawable);
        (await BalanceAsync(connection, owner.Address)).Should().Be(Tokens(950));
    }

    [Fact]
    public async Task Challenge_OfAnApplicationBelowQuorum_FailsAndListsItAtOnce()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        using var nodeKey = PrivateKey.Generate();
        var nodeId = (await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100))).NodeId;
        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(nodeId);
        await Chain.IncreaseTimeAsync(Stage + Stage);

        var update = await new RegistryChallenger(challenger).UpdateStatusAsync(nodeId);

        // Nobody voted: no quorum, so the challenge fails and the whole stake goes to the owner's deposit.
        update.Outcome.Should().Be(StatusOutcome.ChallengeFailed);
        update.ChallengeId.Should().Be(challenge.ChallengeId);
        update.WinnerReward.Should().Be(Tokens(100));
        update.VoterRewardPool.Should().Be(UInt256.Zero);
        var listing = await new RegistryReader(connection).GetListingStateAsync(nodeId);
        listing.Stage.Should().Be(MailServerRegistry.Stage.Listed, "an application that survived a challenge is listed at once");
        listing.Deposit.Should().Be(Tokens(200));
    }

    [Fact]
    public async Task Exit_InitThenFinalize_ReturnsTheDepositAndUntrusts()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var nodeId = await ListAsync(owner, Tokens(100));
        var operatorRole = new MailServerOperator(owner);
        await operatorRole.DepositAsync(nodeId, Tokens(25));

        await operatorRole.InitExitAsync(nodeId);
        var exiting = await new RegistryReader(connection).GetListingAsync(nodeId, owner.Address);
        exiting.Listing.Stage.Should().Be(MailServerRegistry.Stage.Exiting);
        exiting.Listing.IsTrusted.Should().BeTrue("an exiting server stays trusted until it leaves");
        await operatorRole.FinalizeExitAsync(nodeId);

        (await new RegistryReader(connection).GetListingStateAsync(nodeId)).Stage.Should().Be(MailServerRegistry.Stage.Absent);
        (await BalanceAsync(connection, owner.Address)).Should().Be(Tokens(1_000));
    }

    [Fact]
    public async Task ParameterChange_ProposedUnchallenged_TakesEffectWhenProcessed()
    {
        var connection = await ConnectAsync();
        var proposer = await NewAccountAsync(connection, 1_000);
        var governance = new ParameterGovernance(proposer);

        var proposal = await governance.ProposeAsync(ParameterName.MinDeposit, Tokens(250));
        proposal.Status.Should().Be(ProposalStatus.Pending);
        var early = () => governance.ProcessAsync(proposal.ProposalId);
        await early.Should().ThrowAsync<ActionNotYetPossibleException>();
        await Chain.IncreaseTimeAsync(Stage);
        var processed = await governance.ProcessAsync(proposal.ProposalId);

        processed.Status.Should().Be(ProposalStatus.Applied);
        (await new RegistryReader(connection).GetParametersAsync()).MinDeposit.Should().Be(Tokens(250));
        (await governance.GetAsync(ParameterName.MinDeposit)).Should().Be(Tokens(250));
        (await BalanceAsync(connection, proposer.Address)).Should().Be(Tokens(1_000), "an applied proposal's deposit is returned");
    }

    [Fact]
    public async Task ParameterChange_ChallengedAndVotedDown_IsRejectedAndVotersPaid()
    {
        var connection = await ConnectAsync();
        var proposer = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        var voter = await NewVoterAsync(connection, 1_200_000);
        var proposal = await new ParameterGovernance(proposer).ProposeAsync(ParameterName.VoteQuorum, 1UL);

        var challenged = await new ParameterGovernance(challenger).ChallengeAsync(proposal.ProposalId);
        challenged.Status.Should().Be(ProposalStatus.Challenged);
        await voter.CommitAsync(challenged.PollId, VoteCommitment.Uphold);
        await Chain.IncreaseTimeAsync(Stage);
        await voter.RevealAsync(challenged.PollId);
        await Chain.IncreaseTimeAsync(Stage);
        var processed = await new ParameterGovernance(challenger).ProcessAsync(proposal.ProposalId);

        processed.Status.Should().Be(ProposalStatus.Rejected);
        (await new ParameterGovernance(connection).GetAsync(ParameterName.VoteQuorum)).Should().Be((UInt256)10UL);
        // Stake 200: the challenger gets it back plus half of the proposer's; the voters share the other half.
        (await BalanceAsync(connection, challenger.Address)).Should().Be(Tokens(1_100));
        (await BalanceAsync(connection, proposer.Address)).Should().Be(Tokens(800));
        var reward = await new ParameterGovernance(VoterAccount(voter)).ClaimRewardAsync(proposal.ProposalId);
        reward.Amount.Should().Be(Tokens(100));
    }

    [Fact]
    public async Task Apply_WithPermit_SendsOneTransactionAndLeavesNoAllowance()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        using var nodeKey = PrivateKey.Generate();
        var sent = new List<TransactionProgress>();
        owner.Progress = new SynchronousProgress<TransactionProgress>(sent.Add);

        await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100), TokenFunding.Permit);

        sent.Where(p => p.Phase == TransactionPhase.Confirmed).Select(p => p.Action).Should().Equal("apply");
        sent.Should().Contain(p => p.Phase == TransactionPhase.Sent && p.TransactionHash != null);
        (await TokenAccount.GetBalanceAsync(connection, owner.Address)).RegistryAllowance.Should().Be(UInt256.Zero);
    }

    [Fact]
    public async Task Apply_WithProofSignedElsewhere_Works_AndForeignProofsAreRefused()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var other = await NewAccountAsync(connection, 1_000);
        using var nodeKey = PrivateKey.Generate();
        using var impostor = PrivateKey.Generate();

        // The node's machine signs for the owner; the proof travels as JSON.
        var json = (await new MailServerOperator(owner).CreateNodeProofAsync(nodeKey)).ToJson();
        var proof = NodeProof.FromJson(json);
        var forged = NodeProof.Sign(impostor, proof.ChainId, proof.Registry, proof.Applicant, proof.Nonce, proof.Deadline) with { NodeId = proof.NodeId };

        var byOther = () => new MailServerOperator(other).ApplyAsync(proof, Tokens(100));
        (await byOther.Should().ThrowAsync<InvalidRequestException>()).Which.Reason.Should().Contain("names applicant");
        var withForgery = () => new MailServerOperator(owner).ApplyAsync(forged, Tokens(100));
        (await withForgery.Should().ThrowAsync<InvalidRequestException>()).Which.Reason.Should().Contain("not made by the key of node");
        var tooLow = () => new MailServerOperator(owner).ApplyAsync(proof, Tokens(99));
        (await tooLow.Should().ThrowAsync<InvalidRequestException>()).Which.Reason.Should().Contain("below the minimum deposit");

        var applied = await new MailServerOperator(owner).ApplyAsync(proof, Tokens(100));
        applied.NodeId.Should().Be(nodeKey.PublicKey.NodeId);
        (await BalanceAsync(connection, other.Address)).Should().Be(Tokens(1_000), "refused applications send nothing");
    }

    [Fact]
    public async Task Reveal_AfterRestartFromACopiedVaultFile_UsesTheStoredSalt()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        var path = TempPath("laptop.db");
        var voter = await NewVoterAsync(connection, 1_200_000, path);
        var nodeId = await ListAsync(owner, Tokens(100));
        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(nodeId);
        var (committed, _) = await voter.CommitAsync(challenge.ChallengeId, VoteCommitment.Reject);

        // Another machine: the vault file restored from a backup, a new connection and account for the same key.
        var restored = TempPath("restored.db");
        VoterVault(voter).Dispose();
        File.Copy(path, restored);
        var key = VoterAccount(voter).Signer;
        var freshConnection = await ConnectAsync();
        var again = new TcrVoter(freshConnection.Account(key), OpenVault(restored));
        await Chain.IncreaseTimeAsync(Stage);
        var (revealed, _) = await again.RevealAsync(challenge.ChallengeId);

        revealed.Salt.Should().Be(committed.Salt);
        (await again.GetVoterRecordAsync(challenge.ChallengeId)).State.Should().Be(VoteState.Revealed);
        var readByAddress = await new RegistryReader(freshConnection).GetVoterRecordAsync(challenge.ChallengeId, key.Address);
        readByAddress.Should().Be(new VoterRecord(VoteState.Revealed, readByAddress.Commitment, VoteCommitment.Reject, readByAddress.Weight));
        readByAddress.Weight.Should().BeGreaterThan(UInt256.Zero);
    }

    [Fact]
    public async Task Commit_WithoutDelegation_IsRefusedBecauseTheVoteCouldNeverCount()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        var holder = await NewAccountAsync(connection, 50_000);
        var nodeId = await ListAsync(owner, Tokens(100));
        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(nodeId);
        var voter = new TcrVoter(holder, OpenVault(TempPath("undelegated.db")));

        var commit = () => voter.CommitAsync(challenge.ChallengeId, VoteCommitment.Uphold);

        (await commit.Should().ThrowAsync<ActionNotAllowedException>()).Which.Reason.Should().Contain("delegate to yourself");
        (await voter.GetVoterRecordAsync(challenge.ChallengeId)).State.Should().Be(VoteState.None);
    }

    private async Task<Bytes32> ListAsync(TcrAccount owner, UInt256 deposit)
    {
        using var nodeKey = PrivateKey.Generate();
        var applied = await new MailServerOperator(owner).ApplyAsync(nodeKey, deposit);
        await Chain.IncreaseTimeAsync(Stage);
        await new RegistryChallenger(owner).UpdateStatusAsync(applied.NodeId);
        return applied.NodeId;
    }

    private static Address Voter(TcrVoter voter) => VoterAccount(voter).Address;

    private static TcrAccount VoterAccount(TcrVoter voter) => voter.Account;

    private static SaltVault VoterVault(TcrVoter voter) => voter.Vault;
}

/// <summary>Reports on the calling thread (<see cref="Progress{T}"/> posts to a synchronisation context).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
