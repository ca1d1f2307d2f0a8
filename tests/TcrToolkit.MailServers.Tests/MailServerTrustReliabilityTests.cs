using System.Text;
using Google.Protobuf;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Server;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.MailServers.Tests;

/// <summary>
/// The pool's trust rules against the real registry mirror on a Hardhat devnet: trust ends (and servers are evicted)
/// when the node is gone past the staleness limit, the chain is replaced, or it reorganises deeper than the mirror's
/// window; a removal mid-query moves the query; a restart from the cache trusts only what the chain vouches for; a
/// listed node id served by another key is refused; a flood of records takes no trusted slot. Each test runs its own chain.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MailServerTrustReliabilityTests
{
    private const string PubsubTopic = "/waku/2/rs/1/0";
    private const string ContentTopic = "/tcr/1/reliability/proto";

    [Fact]
    public async Task RpcDown_NodeKilled_TrustWithdrawnAfterMaxStalenessAndServerEvicted()
    {
        await using var bed = await RegistryBed.StartAsync(maxStaleness: TimeSpan.FromSeconds(1));
        using var key = PrivateKey.Generate();
        var id = await bed.ListAsync(bed.Testbed.Actors[0], key);
        using var pool = new TrustedMailServers(bed.Trust);
        pool.Offer(Candidate(key)).Should().Be(CandidateVerdict.Added);
        var evicted = Evictions(pool);

        await bed.KillNodeAsync();
        var eviction = await evicted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        eviction.NodeId.Should().Be(id);
        eviction.Reason.Should().Contain("stopped trusting");
        pool.Servers.Should().BeEmpty();
        bed.Mirror.IsTrusted(id).Should().BeFalse("the node has not confirmed the state for longer than MaxStaleness");
        pool.Offer(Candidate(key)).Should().Be(CandidateVerdict.Discarded, "nothing is trusted while the chain is unreachable");
    }

    [Fact]
    public async Task ChainReset_NewGenesisOnTheSamePort_TrustWithdrawnAndPoolEvicts()
    {
        await using var bed = await RegistryBed.StartAsync();
        using var key = PrivateKey.Generate();
        var id = await bed.ListAsync(bed.Testbed.Actors[0], key);
        using var pool = new TrustedMailServers(bed.Trust);
        pool.Offer(Candidate(key)).Should().Be(CandidateVerdict.Added);
        var evicted = Evictions(pool);

        await bed.ReplaceChainAsync();
        var eviction = await evicted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => bed.Mirror.IsTrusting, "the mirror follows the new chain");

        eviction.NodeId.Should().Be(id);
        pool.Servers.Should().BeEmpty();
        bed.Mirror.IsTrusted(id).Should().BeFalse("the new chain does not list it");
        pool.Offer(Candidate(key)).Should().Be(CandidateVerdict.Discarded);
    }

    [Fact]
    public async Task Reorg_DeeperThanTheMirrorsWindow_TrustWithdrawnAndPoolEvicts()
    {
        await using var bed = await RegistryBed.StartAsync(reorgWindow: 4);
        var snapshot = await bed.Testbed.SnapshotAsync();
        using var key = PrivateKey.Generate();
        var id = await bed.ListAsync(bed.Testbed.Actors[0], key);
        await bed.Testbed.MineAsync(10);
        var head = await bed.Testbed.Client.GetBlockNumberAsync();
        await Eventually.HoldsAsync(() => bed.Mirror.Seen?.BlockNumber >= head, "the mirror read the head");
        using var pool = new TrustedMailServers(bed.Trust);
        pool.Offer(Candidate(key)).Should().Be(CandidateVerdict.Added);
        var evicted = Evictions(pool);

        await bed.Testbed.RevertAsync(snapshot);
        await bed.Testbed.MineAsync(16);
        var eviction = await evicted.Task.WaitAsync(TimeSpan.FromSeconds(60));

        eviction.NodeId.Should().Be(id);
        pool.Servers.Should().BeEmpty();
        await Eventually.HoldsAsync(() => bed.Mirror.IsTrusting, "the mirror rebuilds on the new branch");
        bed.Mirror.IsTrusted(id).Should().BeFalse("the listing is not on the new branch");
        pool.Offer(Candidate(key)).Should().Be(CandidateVerdict.Discarded);
    }

    [Fact]
    public async Task Connect_ListedNodeIdServedByAnotherKey_RefusedConnectionDroppedCandidateDiscarded()
    {
        await using var bed = await RegistryBed.StartAsync();
        await using var servers = await ServerSet.StartAsync(2);
        var listed = await bed.ListAsync(bed.Testbed.Actors[0], servers.Keys[0]);
        using var clientKey = PrivateKey.Generate();
        await using var clientHost = new Libp2pHost(clientKey);
        using var pool = new TrustedMailServers(bed.Trust, new TrustedMailServersOptions { MaxAttempts = 1 });
        await using var client = new MailServerClient(pool, new MailServerConnections(clientHost));
        // The record claims the listed node id, but its address is the other server's: Noise shows the other key.
        var impostor = new MailServerCandidate(listed,
            [servers.Hosts[1].ListenAddresses[0].WithoutPeerId().WithPeerId(servers.Hosts[0].PeerId).ToString()], 99, CandidateSource.RandomWalk);
        pool.Offer(impostor).Should().Be(CandidateVerdict.Added, "the registry lists the node id it claims");

        var act = () => client.FetchHistoryAsync(PubsubTopic, [ContentTopic], DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow);

        var failure = await act.Should().ThrowAsync<NoTrustedMailServerException>();
        failure.Which.InnerException.Should().BeOfType<MailServerIdentityException>();
        pool.Servers.Should().BeEmpty("the candidate is discarded");
        await Eventually.HoldsAsync(() => clientHost.Connections.Count == 0, "no connection to the impostor stays open");
        bed.Mirror.IsTrusted(listed).Should().BeTrue("refusing an address does not touch the registry's trust");
    }

    [Fact]
    public async Task Removal_ExitMidQuery_QueryCancelledAndFinishedOnAnotherServer()
    {
        await using var bed = await RegistryBed.StartAsync();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var owner = bed.Testbed.Actors[0];
        var a = await bed.ListAsync(owner, keyA);
        var b = await bed.ListAsync(owner, keyB);
        using var pool = new TrustedMailServers(bed.Trust);
        pool.Offer(Candidate(keyA));
        pool.Offer(Candidate(keyB));
        pool.RecordRoundTrip(a, TimeSpan.FromMilliseconds(1));
        pool.RecordRoundTrip(b, TimeSpan.FromMilliseconds(50));
        var evicted = Evictions(pool);
        var tried = new List<Bytes32>();

        var answeredBy = await pool.ExecuteAsync(async (lease, ct) =>
        {
            tried.Add(lease.Server.NodeId);
            if (lease.Server.NodeId == a)
            {
                // The owner exits while the query runs on A; the mirror reads the Exited event and the pool cancels the query.
                await bed.ExitAsync(owner, a);
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }

            return lease.Server.NodeId;
        }).WaitAsync(TimeSpan.FromSeconds(60));

        tried.Should().Equal(a, b);
        answeredBy.Should().Be(b);
        (await evicted.Task).NodeId.Should().Be(a);
        pool.Servers.Select(s => s.Candidate.NodeId).Should().Equal(b);
    }

    [Fact]
    public async Task Restart_FromTheCache_TrustsOnlyWhatTheMirrorReverifies()
    {
        await using var bed = await RegistryBed.StartAsync();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var owner = bed.Testbed.Actors[0];
        var a = await bed.ListAsync(owner, keyA);
        var b = await bed.ListAsync(owner, keyB);
        var cachePath = Path.Combine(bed.Directory, "pool.db");
        using (var pool = new TrustedMailServers(bed.Trust))
        using (var cache = MailServerCache.Open(cachePath))
        {
            pool.Offer(Candidate(keyA));
            pool.Offer(Candidate(keyB));
            cache.Save(pool.Servers, DateTimeOffset.UtcNow);
        }

        // While the client is down, B exits.
        await bed.ExitAsync(owner, b);
        await using var mirror = Events.RegistryMirror.Open(bed.MirrorClient, new Events.RegistryMirrorOptions
        {
            Registry = bed.Testbed.Registry, DatabasePath = Path.Combine(bed.Directory, "restarted-mirror.db"), ConfirmationDepth = 0,
            Stream = new Events.RegistryEventsOptions { PollInterval = RegistryBed.Fast, RetryDelay = RegistryBed.Fast },
        });
        using var trust = new RegistryMirrorTrust(mirror);
        using var restarted = new TrustedMailServers(trust);
        using var reopened = MailServerCache.Open(cachePath);

        var keptBeforeSync = reopened.LoadInto(restarted);
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => mirror.IsTrusting, "the restarted mirror checked the chain");
        var keptAfterSync = reopened.LoadInto(restarted);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        keptBeforeSync.Should().Be(0, "nothing is trusted before the mirror has checked the chain");
        keptAfterSync.Should().Be(1);
        restarted.Servers.Select(s => s.Candidate.NodeId).Should().Equal(a);
        restarted.Servers.Single().Candidate.Source.Should().Be(CandidateSource.Cache);
    }

    [Fact]
    public async Task Flood_ThousandFakeStoreRecords_TakeNoTrustedSlotAndKeepNothing()
    {
        await using var bed = await RegistryBed.StartAsync();
        await using var servers = await ServerSet.StartAsync(1);
        var listed = await bed.ListAsync(bed.Testbed.Actors[0], servers.Keys[0]);
        using var pool = new TrustedMailServers(bed.Trust, new TrustedMailServersOptions { MaxServers = 1 });
        using var clientKey = PrivateKey.Generate();
        await using var node = await Discv5Node.StartAsync(new Discv5Options { PrivateKey = clientKey });
        var discovery = new MailServerDiscovery(node, pool, bed.Trust);
        var hints = new MailServerHints(capacity: 64);
        const int Fakes = 1_200;

        for (var i = 0; i < Fakes; i++)
        {
            using var fakeKey = PrivateKey.Generate();
            var record = new EnrBuilder().SetIp(System.Net.IPAddress.Loopback).SetTcp(20_000 + i).SetWaku2(Waku2Capabilities.Store).Build(fakeKey);
            discovery.Offer(record, CandidateSource.RandomWalk).Should().Be(CandidateVerdict.Discarded);
            hints.Add(MailServerRecords.ToCandidate(record, CandidateSource.RegistryEvent)!);
        }

        var verdict = discovery.Offer(servers.Hosts[0].Record, CandidateSource.RandomWalk);

        discovery.DiscardedRecords.Should().Be(Fakes);
        pool.Discarded.Should().Be(Fakes);
        verdict.Should().Be(CandidateVerdict.Added, "the only trusted slot is still free for the listed server");
        pool.Servers.Select(s => s.Candidate.NodeId).Should().Equal(listed);
        hints.Count.Should().Be(64, "hints are bounded whatever the flood");
    }

    private static MailServerCandidate Candidate(PrivateKey key) =>
        new(key.PublicKey.NodeId, [$"/ip4/127.0.0.1/tcp/9/p2p/{PeerId.FromPublicKey(key.PublicKey)}"], 1, CandidateSource.Static);

    private static TaskCompletionSource<MailServerEventArgs> Evictions(TrustedMailServers pool)
    {
        var evicted = new TaskCompletionSource<MailServerEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.ServerEvicted += (_, e) => evicted.TrySetResult(e);
        return evicted;
    }

    internal static WakuMessage Message(string text, DateTimeOffset at) => new()
    {
        Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes(text)), ContentTopic = ContentTopic,
        Timestamp = (at - DateTimeOffset.UnixEpoch).Ticks * 100,
    };
}

/// <summary>Mail servers on loopback, each with its own key and store file; stopped and deleted on dispose.</summary>
public sealed class ServerSet : IAsyncDisposable
{
    private readonly List<string> _files = [];

    public List<MailServerHost> Hosts { get; } = [];

    public List<PrivateKey> Keys { get; } = [];

    public static async Task<ServerSet> StartAsync(int count)
    {
        var set = new ServerSet();
        for (var i = 0; i < count; i++)
        {
            var key = PrivateKey.Generate();
            set.Keys.Add(key);
            var path = Path.Combine(Path.GetTempPath(), $"tcr-ms-{Guid.NewGuid():N}.db");
            set._files.Add(path);
            var options = new MailServerHostOptions { NodeKey = key, StorePath = path };
            options.Waku.ClusterId = 1;
            options.Waku.Shards.Add(0);
            if (set.Hosts.Count > 0)
            {
                options.Bootnodes.Add(set.Hosts[0].Record);
            }

            set.Hosts.Add(await MailServerHost.StartAsync(options));
        }

        return set;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            await host.DisposeAsync();
        }

        foreach (var key in Keys)
        {
            key.Dispose();
        }

        foreach (var file in _files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
        {
            File.Delete(file);
        }
    }
}
