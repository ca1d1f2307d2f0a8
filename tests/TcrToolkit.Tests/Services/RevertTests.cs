using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.Tests.Services;

/// <summary>Reverts that pre-flight cannot foresee (the state changed in between) surface as typed exceptions.</summary>
public sealed class RevertTests(RegistryChainFixture fixture) : ServiceTest(fixture)
{
    [Fact]
    public async Task Challenge_RacedByAnotherChallenger_ThrowsTcrRevertedExceptionWithTheDecodedError()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var first = await NewAccountAsync(connection, 1_000);
        var second = await NewAccountAsync(connection, 1_000);
        await new TokenAccount(first).ApproveAsync(connection.Registry, UInt256.MaxValue);
        await new TokenAccount(second).ApproveAsync(connection.Registry, UInt256.MaxValue);
        using var nodeKey = PrivateKey.Generate();
        var nodeId = (await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100))).NodeId;

        var firstSent = new TaskCompletionSource();
        first.Progress = new SynchronousProgress<TransactionProgress>(p =>
        {
            if (p.Phase == TransactionPhase.Sent)
            {
                firstSent.TrySetResult();
            }
        });

        await SetAutomineAsync(false);
        TcrRevertedException reverted;
        try
        {
            // The first challenge waits in the mempool: the second one's pre-flight still sees an unchallenged entry.
            var firstChallenge = new RegistryChallenger(first).ChallengeAsync(nodeId);
            await firstSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var secondChallenge = new RegistryChallenger(second).ChallengeAsync(nodeId);
            var mining = MineUntilDoneAsync(secondChallenge);
            var act = () => secondChallenge;
            reverted = (await act.Should().ThrowAsync<TcrRevertedException>()).Which;
            await mining;
            (await firstChallenge).ChallengeId.Should().NotBe(0UL);
        }
        finally
        {
            await SetAutomineAsync(true);
        }

        reverted.Action.Should().Be("challenge");
        reverted.ErrorName.Should().Be("RegistryChallengeOpen");
        reverted.Arguments.Should().Contain(a => a.Key == "nodeId" && a.Value.AsBytes32() == nodeId);
        reverted.Message.Should().Contain("RegistryChallengeOpen").And.Contain("read it again");
        (await BalanceAsync(connection, second.Address)).Should().Be(Tokens(1_000), "the reverted challenge took nothing");
    }

    private async Task MineUntilDoneAsync(Task operation)
    {
        while (!operation.IsCompleted)
        {
            await Chain.Client.MineAsync();
            await Task.WhenAny(operation, Task.Delay(50));
        }
    }

    private Task<bool> SetAutomineAsync(bool on) =>
        Chain.Client.SendAsync(() => new RpcCall<bool>("evm_setAutomine", w => w.WriteBooleanValue(on), _ => true, isReadOnly: false));
}
