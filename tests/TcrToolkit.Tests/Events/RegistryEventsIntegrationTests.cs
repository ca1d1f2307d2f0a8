using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Events;

public sealed class RegistryEventsIntegrationTests(RegistryChainFixture fixture) : RegistryChainTest(fixture)
{
    [Fact]
    public async Task ReadAsync_Lifecycle_DeliversEveryEventOnceInChainOrder()
    {
        var mirror = StartMirror(Chain.Client, depth: 2);
        var listed = await Chain.ListAsync(Actors[0]);
        var applied = await Chain.ApplyAsync(Actors[1]);
        var poll = await Chain.ChallengeAsync(Actors[2], applied);
        await Chain.VoteAsync(poll, (Actors[3], VoteCommitment.Uphold), (Actors[4], VoteCommitment.Uphold));
        await Chain.UpdateStatusAsync(applied);
        await Chain.InitExitAsync(Actors[0], listed);
        await Chain.FinalizeExitAsync(Actors[0], listed);
        var head = await Chain.Client.GetBlockNumberAsync();

        await using var stream = new RegistryEvents(Chain.Client, StreamOptions());
        await using var reader = new UpdateReader(stream.ReadAsync(await DeploymentCheckpointAsync()));
        var events = await reader.UntilProgressAsync(head);

        events.Select(u => u.Event!.Id).Should().Equal(await EventsOnChainAsync());
        events.Select(u => u.Event!.Name).Should().Equal(
            "Applied", "Listed", "Applied", "Challenged",
            "ChallengeSucceeded", "ApplicationRemoved", "ExitStarted", "Exited");
        events.Should().OnlyContain(u => u.Kind == RegistryUpdateKind.Added);
        await AssertMirrorMatchesChainAsync(mirror, depth: 2);
    }

    [Fact]
    public async Task ReadAsync_ReorgBySnapshotRevert_RetractsOrphanedEventsThenDeliversTheNewChain()
    {
        var keep = await Chain.ListAsync(Actors[0]);
        var mirror = StartMirror(Chain.Client, depth: 2);
        await using var stream = new RegistryEvents(Chain.Client, StreamOptions());
        await using var reader = new UpdateReader(stream.ReadAsync(await DeploymentCheckpointAsync()));
        await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync());
        var fork = await Chain.SnapshotAsync();
        var orphan = await Chain.ListAsync(Actors[1]);
        var orphaned = await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync());
        await AssertMirrorMatchesChainAsync(mirror, depth: 2);
        mirror.IsTrusted(orphan).Should().BeTrue();

        await Chain.RevertAsync(fork);
        var replacement = await Chain.ApplyAsync(Actors[2]);
        await Chain.MineAsync(6);
        var after = await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync());

        orphaned.Select(u => u.Event!.Name).Should().Equal("Applied", "Listed");
        after.Select(u => (u.Kind, u.Event!.Name, u.Event.NodeId)).Should().Equal(
            (RegistryUpdateKind.Retracted, "Listed", orphan),
            (RegistryUpdateKind.Retracted, "Applied", orphan),
            (RegistryUpdateKind.Added, "Applied", replacement));
        after[0].Event!.Id.Should().Be(orphaned[1].Event!.Id);
        await AssertMirrorMatchesChainAsync(mirror, depth: 2);
        mirror.IsTrusted(orphan).Should().BeFalse();
        mirror.IsTrusted(keep).Should().BeTrue();
    }

    [Fact]
    public async Task ReadAsync_ProviderRangeLimit_HalvesChunksAndDeliversEverything()
    {
        await using var proxy = new FaultyRpcProxy(Chain.Node.HttpEndpoint) { MaxLogRange = 4 };
        await using var client = ClientFor(proxy.Endpoint);
        for (var i = 0; i < 3; i++)
        {
            await Chain.ListAsync(Actors[i]);
            await Chain.MineAsync(3);
        }

        var mirror = StartMirror(client, depth: 1);
        await using var stream = new RegistryEvents(client, StreamOptions());
        await using var reader = new UpdateReader(stream.ReadAsync(await DeploymentCheckpointAsync()));
        var events = await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync());

        events.Select(u => u.Event!.Id).Should().Equal(await EventsOnChainAsync());
        proxy.Refusals.Should().BeGreaterThan(0);
        stream.ChunkPolicy.Size.Should().BeLessThanOrEqualTo(4);
        await AssertMirrorMatchesChainAsync(mirror, depth: 1);
    }

    [Fact]
    public async Task ReadAsync_EndpointDownMidStream_ResumesWithoutGapsOrDuplicates()
    {
        await using var proxy = new FaultyRpcProxy(Chain.Node.HttpEndpoint);
        await using var client = ClientFor(proxy.Endpoint);
        var mirror = StartMirror(client, depth: 1);
        await using var stream = new RegistryEvents(client, StreamOptions());
        await using var reader = new UpdateReader(stream.ReadAsync(await DeploymentCheckpointAsync()));
        var first = await Chain.ListAsync(Actors[0]);
        var events = await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync());

        proxy.Down = true;
        await Chain.ListAsync(Actors[1]);
        var poll = await Chain.ChallengeAsync(Actors[2], first);
        await Chain.VoteAsync(poll, (Actors[3], VoteCommitment.Uphold), (Actors[4], VoteCommitment.Uphold));
        await Chain.UpdateStatusAsync(first);
        (await reader.TryNextAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull("the endpoint is down");
        proxy.Down = false;
        events.AddRange(await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync()));

        events.Select(u => u.Event!.Id).Should().Equal(await EventsOnChainAsync());
        events.Select(u => u.Event!.Name).Should().Contain("ListingRemoved");
        await AssertMirrorMatchesChainAsync(mirror, depth: 1);
        mirror.IsTrusted(first).Should().BeFalse();
    }

    [Fact]
    public async Task ReadAsync_RestartFromStoredCheckpoint_ResumesWithoutGapsOrDuplicates()
    {
        var storePath = TempPath("stream.db");
        var mirrorPath = TempPath("mirror.db");
        var start = await DeploymentCheckpointAsync();
        await Chain.ListAsync(Actors[0]);
        await Chain.ApplyAsync(Actors[1]);
        var delivered = new List<RegistryUpdate>();
        using (var store = SqliteRegistryCheckpointStore.Open(storePath))
        await using (var stream = new RegistryEvents(Chain.Client, StreamOptions(), store))
        await using (var reader = new UpdateReader(stream.ReadAsync(start)))
        {
            delivered.AddRange(await reader.NextEventsAsync(2));
            // Asking for the next update acknowledges the second event; whatever comes now is left unprocessed.
            await reader.NextAsync();
        }

        var mirror = StartMirror(Chain.Client, depth: 1, mirrorPath);
        await AssertMirrorMatchesChainAsync(mirror, depth: 1);
        await StopMirrorAsync(mirror);
        var held = await Chain.ListAsync(Actors[2]);
        await Chain.InitExitAsync(Actors[2], held);
        await Chain.FinalizeExitAsync(Actors[2], held);

        using var reopened = SqliteRegistryCheckpointStore.Open(storePath);
        await using var restarted = new RegistryEvents(Chain.Client, StreamOptions(), reopened);
        await using var again = new UpdateReader(restarted.ReadAsync(start));
        delivered.AddRange(await again.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync()));
        var resumed = StartMirror(Chain.Client, depth: 1, mirrorPath);
        resumed.Checkpoint.Should().NotBeNull("the mirror resumes from its file");

        delivered.Select(u => u.Event!.Id).Should().Equal(await EventsOnChainAsync());
        await AssertMirrorMatchesChainAsync(resumed, depth: 1);
        resumed.ColdStarts.Should().Be(0);
        resumed.IsTrusted(held).Should().BeFalse();
    }

    [Fact]
    public async Task ReadAsync_WebSocketDropped_KeepsDeliveringThroughTheGap()
    {
        await using var relay = new LoopbackTcpProxy(Chain.Node.Port);
        var options = StreamOptions();
        options.WebSocketEndpoint = relay.WebSocketEndpoint;
        options.PollInterval = TimeSpan.FromSeconds(60); // so only the subscription can wake the stream in time
        await using var stream = new RegistryEvents(Chain.Client, options);
        await using var reader = new UpdateReader(stream.ReadAsync(await DeploymentCheckpointAsync()));
        var mirror = StartMirror(Chain.Client, depth: 1, webSocket: relay.WebSocketEndpoint);
        await Chain.ListAsync(Actors[0]);
        var events = await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync(), TimeSpan.FromSeconds(10));

        relay.DropConnections();
        await Chain.ListAsync(Actors[1]);
        events.AddRange(await reader.UntilProgressAsync(await Chain.Client.GetBlockNumberAsync(), TimeSpan.FromSeconds(10)));

        events.Select(u => u.Event!.Id).Should().Equal(await EventsOnChainAsync());
        await AssertMirrorMatchesChainAsync(mirror, depth: 1);
    }
}
