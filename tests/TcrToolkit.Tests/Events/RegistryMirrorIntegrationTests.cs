using Microsoft.Extensions.DependencyInjection;
using TcrToolkit.Events;
using TcrToolkit.Votes;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Events;

public sealed class RegistryMirrorIntegrationTests(RegistryChainFixture fixture) : RegistryChainTest(fixture)
{
    [Fact]
    public async Task RunAsync_ColdStart_LoadsTheTrustedSetFromTheEnumeration()
    {
        var listed = new List<TcrToolkit.Ethereum.Bytes32>();
        for (var i = 0; i < 4; i++)
        {
            listed.Add(await Chain.ListAsync(Actors[i % 3]));
        }

        var exiting = listed[1];
        await Chain.InitExitAsync(Actors[1], exiting);
        await Chain.DepositAsync(Actors[0], listed[0], RegistryTestbed.Unit * 5UL);
        var pending = await Chain.ApplyAsync(Actors[3]);

        var mirror = StartMirror(Chain.Client, depth: 2);
        await AssertMirrorMatchesChainAsync(mirror, depth: 2);

        mirror.ColdStarts.Should().Be(1);
        mirror.TrustedNodeIds.Should().BeEquivalentTo(listed);
        mirror.GetListing(exiting)!.Stage.Should().Be(MailServerRegistry.Stage.Exiting);
        mirror.GetListing(listed[0])!.Deposit.Should().Be(RegistryTestbed.MinDeposit + RegistryTestbed.Unit * 5UL);
        mirror.IsTrusted(pending).Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_Listed_IsTrustedOnlyOnceConfirmed()
    {
        const int depth = 4;
        var mirror = StartMirror(Chain.Client, depth);
        var nodeId = await Chain.ListAsync(Actors[0]);
        var listedAt = await Chain.Client.GetBlockNumberAsync();

        await WaitSeenAsync(mirror, listedAt);
        mirror.IsTrusted(nodeId).Should().BeFalse("the Listed block is not yet 4 deep");
        await Chain.MineAsync(depth - 1);
        await WaitSeenAsync(mirror, listedAt + depth - 1);
        mirror.IsTrusted(nodeId).Should().BeFalse("the Listed block is 3 deep");
        await Chain.MineAsync();
        await WaitConfirmedAsync(mirror, listedAt);

        mirror.IsTrusted(nodeId).Should().BeTrue();
        await AssertMirrorMatchesChainAsync(mirror, depth);
    }

    [Fact]
    public async Task RunAsync_ListingRemoved_EvictsAtOnceBeforeConfirmation()
    {
        const int depth = 20;
        var nodeId = await Chain.ListAsync(Actors[0]);
        var mirror = StartMirror(Chain.Client, depth);
        await AssertMirrorMatchesChainAsync(mirror, depth);
        mirror.IsTrusted(nodeId).Should().BeTrue();

        var poll = await Chain.ChallengeAsync(Actors[1], nodeId);
        await Chain.VoteAsync(poll, (Actors[2], VoteCommitment.Uphold), (Actors[3], VoteCommitment.Uphold));
        await Chain.UpdateStatusAsync(nodeId);
        var removedAt = await Chain.Client.GetBlockNumberAsync();
        await WaitSeenAsync(mirror, removedAt);

        mirror.IsTrusted(nodeId).Should().BeFalse();
        mirror.Checkpoint!.Value.BlockNumber.Should().BeLessThan(removedAt, "the removal is not confirmed yet");
        mirror.GetListing(nodeId).Should().NotBeNull("the confirmed state still has it");
        await AssertMirrorMatchesChainAsync(mirror, depth);
        mirror.GetListing(nodeId).Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_RetractedRemoval_ReaddsOnlyOnceTheNewChainIsConfirmedPastIt()
    {
        const int depth = 6;
        var nodeId = await Chain.ListAsync(Actors[0]);
        var mirror = StartMirror(Chain.Client, depth);
        await AssertMirrorMatchesChainAsync(mirror, depth);
        var fork = await Chain.SnapshotAsync();
        await Chain.InitExitAsync(Actors[0], nodeId);
        await Chain.FinalizeExitAsync(Actors[0], nodeId);
        var exitedAt = await Chain.Client.GetBlockNumberAsync();
        await WaitSeenAsync(mirror, exitedAt);
        mirror.IsTrusted(nodeId).Should().BeFalse("the exit evicts at once");

        await Chain.RevertAsync(fork);
        await Chain.MineAsync(4);
        await WaitSeenAsync(mirror, exitedAt + 1);
        var stillHeld = mirror.IsTrusted(nodeId);
        await Chain.MineAsync(depth);
        await WaitConfirmedAsync(mirror, exitedAt);

        stillHeld.Should().BeFalse("a retracted removal re-adds only once the new chain is confirmed past it");
        mirror.IsTrusted(nodeId).Should().BeTrue();
        mirror.ColdStarts.Should().Be(1, "the reorganisation stayed within the confirmation depth");
        await AssertMirrorMatchesChainAsync(mirror, depth);
    }

    [Fact]
    public async Task RunAsync_ReorgDeeperThanTheDepth_RebuildsFromTheEnumeration()
    {
        const int depth = 1;
        var mirror = StartMirror(Chain.Client, depth);
        var fork = await Chain.SnapshotAsync();
        var orphan = await Chain.ListAsync(Actors[0]);
        await AssertMirrorMatchesChainAsync(mirror, depth);
        mirror.IsTrusted(orphan).Should().BeTrue();

        await Chain.RevertAsync(fork);
        var replacement = await Chain.ListAsync(Actors[1]);
        await Chain.MineAsync(5);
        await AssertMirrorMatchesChainAsync(mirror, depth);

        mirror.IsTrusted(orphan).Should().BeFalse();
        mirror.IsTrusted(replacement).Should().BeTrue();
        mirror.ColdStarts.Should().Be(2);
    }
}

public sealed class RegistryHostedServicesIntegrationTests(RegistryChainFixture fixture) : RegistryChainTest(fixture)
{
    [Fact]
    public async Task HostedMirrorAndStream_ListingOnChain_IsTrustedAndHandled()
    {
        await using var provider = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddTcrToolkit(o =>
            {
                o.RpcUrl = Chain.Node.HttpEndpoint;
                o.RegistryAddress = Chain.Registry.ToString();
                o.Confirmations = 0;
                o.SaltVaultPath = TempPath("salts.db");
            })
            .AddRegistryMirror(o =>
            {
                o.DatabasePath = TempPath("hosted-mirror.db");
                o.Stream.PollInterval = Fast;
                o.Stream.RetryDelay = Fast;
            })
            .AddRegistryEventStream<CollectingHandler>(o =>
            {
                o.StartAfterBlock = Chain.DeploymentBlock - 1;
                o.Stream.PollInterval = Fast;
                o.Stream.RetryDelay = Fast;
            })
            .BuildServiceProvider();
        var services = provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList();
        foreach (var service in services)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var nodeId = await Chain.ListAsync(Actors[0]);
        var mirror = provider.GetRequiredService<RegistryMirror>();
        var handler = (CollectingHandler)provider.GetRequiredService<IRegistryUpdateHandler>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(mirror.IsTrusted(nodeId) && handler.Updates.Any(u => u.Event?.Payload is TcrToolkit.Generated.MailServerRegistry.ListedEvent)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        foreach (var service in services)
        {
            await service.StopAsync(CancellationToken.None);
        }

        mirror.IsTrusted(nodeId).Should().BeTrue();
        handler.Updates.Where(u => u.Kind == RegistryUpdateKind.Added).Select(u => u.Event!.NodeId).Should().Contain(nodeId);
    }
}
