using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.Tests.Services;

/// <summary>
/// Pre-flight against the chain: in each situation an entry can be in, for its owner and for a stranger, every
/// action's verdict from <see cref="RegistryReader.GetListingAsync"/> must agree with the contract — allowed exactly
/// when <c>eth_estimateGas</c> of the same call succeeds.
/// </summary>
public sealed class PreflightDifferentialTests(RegistryChainFixture fixture) : ServiceTest(fixture)
{
    public enum Situation
    {
        Absent,
        AppliedInStage,
        AppliedStageOver,
        Listed,
        ListedWithSurplus,
        ChallengedCommitStage,
        ChallengedVoteOver,
        Exiting,
        ExitWindowMissed,
        Removed,
    }

    public static TheoryData<Situation> Situations() => [.. Enum.GetValues<Situation>()];

    [Theory]
    [MemberData(nameof(Situations))]
    public async Task EveryVerdict_AgreesWithTheContract(Situation situation)
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var stranger = await NewAccountAsync(connection, 1_000);
        foreach (var account in new[] { owner, stranger })
        {
            await new TokenAccount(account).ApproveAsync(connection.Registry, UInt256.MaxValue);
        }

        var nodeId = await ArrangeAsync(situation, connection, owner, stranger);
        var reader = new RegistryReader(connection);
        var registry = new MailServerRegistry(Chain.Client, Chain.Registry);

        foreach (var account in new[] { owner, stranger })
        {
            var view = await reader.GetListingAsync(nodeId, account.Address);
            var open = view.Challenge is { Status: MailServerRegistry.ChallengeStatus.Open } c ? c : null;
            foreach (var (action, verdict) in view.Actions)
            {
                var from = account.Address;
                Func<Task<ulong>> estimate = action switch
                {
                    ListingAction.UpdateStatus => () => registry.EstimateUpdateStatusAsync(nodeId, from),
                    ListingAction.Challenge => () => registry.EstimateChallengeAsync(nodeId, [], from),
                    ListingAction.Deposit => () => registry.EstimateDepositAsync(nodeId, UInt256.One, from),
                    ListingAction.Withdraw => () => registry.EstimateWithdrawAsync(nodeId, RegistryReader.WithdrawProbe(view.Listing, open, view.Parameters), from),
                    ListingAction.InitExit => () => registry.EstimateInitExitAsync(nodeId, from),
                    ListingAction.FinalizeExit => () => registry.EstimateFinalizeExitAsync(nodeId, from),
                    _ => throw new InvalidOperationException($"No chain check for {action}."),
                };
                string? revert = null;
                try
                {
                    await estimate();
                }
                catch (ContractRevertedException ex)
                {
                    revert = ex.Message;
                }

                var who = account == owner ? "owner" : "stranger";
                (revert is null).Should().Be(
                    verdict.IsAllowed,
                    $"{action} by the {who} in situation {situation}: pre-flight said \"{verdict.Reason ?? "allowed"}\", the chain said \"{revert ?? "ok"}\"");
            }
        }
    }

    private async Task<Bytes32> ArrangeAsync(Situation situation, TcrConnection connection, TcrAccount owner, TcrAccount stranger)
    {
        var stage = RegistryTestbed.StageLength + TimeSpan.FromSeconds(1);
        if (situation == Situation.Absent)
        {
            using var unknown = PrivateKey.Generate();
            return unknown.PublicKey.NodeId;
        }

        using var nodeKey = PrivateKey.Generate();
        var nodeId = (await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100))).NodeId;
        if (situation == Situation.AppliedInStage)
        {
            return nodeId;
        }

        await Chain.IncreaseTimeAsync(stage);
        if (situation == Situation.AppliedStageOver)
        {
            return nodeId;
        }

        await new RegistryChallenger(owner).UpdateStatusAsync(nodeId);
        switch (situation)
        {
            case Situation.ListedWithSurplus:
                await new MailServerOperator(owner).DepositAsync(nodeId, Tokens(40));
                break;
            case Situation.ChallengedCommitStage:
                await Chain.MineAsync();
                await new RegistryChallenger(stranger).ChallengeAsync(nodeId);
                break;
            case Situation.ChallengedVoteOver:
                await new RegistryChallenger(stranger).ChallengeAsync(nodeId);
                await Chain.IncreaseTimeAsync(stage + stage);
                break;
            case Situation.Exiting:
                await new MailServerOperator(owner).InitExitAsync(nodeId);
                break;
            case Situation.ExitWindowMissed:
                await new MailServerOperator(owner).InitExitAsync(nodeId);
                await Chain.IncreaseTimeAsync(stage + stage);
                break;
            case Situation.Removed:
                await new MailServerOperator(owner).InitExitAsync(nodeId);
                await new MailServerOperator(owner).FinalizeExitAsync(nodeId);
                break;
        }

        return nodeId;
    }
}
