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
/// The seed's loop on loopback, with real discovery, libp2p and Waku and a registry stand-in: three servers advertise
/// themselves, two are listed; the client discovers all three, keeps the two, publishes and fetches merged history;
/// a removal evicts one and history keeps coming from the other.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class MailServerLoopTests : IAsyncLifetime
{
    private const string PubsubTopic = "/waku/2/rs/1/0";
    private const string ContentTopic = "/tcr/1/loop/proto";
    private readonly List<MailServerHost> _servers = [];
    private readonly List<string> _files = [];
    private readonly FakeTrust _trust = new();
    private Discv5Node _clientNode = null!;
    private Libp2pHost _clientHost = null!;
    private PrivateKey _clientKey = null!;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            var options = new MailServerHostOptions { NodeKey = PrivateKey.Generate(), StorePath = TempFile($"server{i}") };
            options.Waku.ClusterId = 1;
            options.Waku.Shards.Add(0);
            if (_servers.Count > 0)
            {
                options.Bootnodes.Add(_servers[0].Record);
            }

            _servers.Add(await MailServerHost.StartAsync(options));
        }

        _clientKey = PrivateKey.Generate();
        var clientOptions = new Discv5Options { PrivateKey = _clientKey };
        foreach (var server in _servers)
        {
            clientOptions.Bootnodes.Add(server.Record);
        }

        _clientNode = await Discv5Node.StartAsync(clientOptions);
        _clientHost = new Libp2pHost(_clientKey);
    }

    [Fact]
    public async Task Loop_ListedServersTrustedUnlistedDiscarded_HistoryMergedAndRemovalEvicts()
    {
        _trust.List(_servers[0].NodeId);
        _trust.List(_servers[1].NodeId);
        using var pool = new TrustedMailServers(_trust);
        await using var client = new MailServerClient(pool, new MailServerConnections(_clientHost));
        var discovery = new MailServerDiscovery(_clientNode, pool, _trust);

        var resolved = await discovery.ResolveListedAsync();
        foreach (var server in _servers)
        {
            discovery.Offer(server.Record, CandidateSource.RandomWalk);
        }

        resolved.Should().Be(2);
        pool.Servers.Select(s => s.Candidate.NodeId).Should().BeEquivalentTo([_servers[0].NodeId, _servers[1].NodeId]);
        discovery.DiscardedRecords.Should().Be(1);

        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var accepted = await client.PublishAsync(PubsubTopic, Message("hello"));
        accepted.Select(a => a.Server).Should().BeEquivalentTo([_servers[0].NodeId, _servers[1].NodeId]);

        var history = await client.FetchHistoryAsync(PubsubTopic, [ContentTopic], start, DateTimeOffset.UtcNow.AddMinutes(1));
        history.Messages.Select(m => m.Message.Message.Payload.ToStringUtf8()).Should().Equal("hello");
        history.Servers.Should().HaveCount(2).And.OnlyContain(s => s.Returned == 1 && !s.Disagreed);

        var evicted = new List<Bytes32>();
        pool.ServerEvicted += (_, e) => evicted.Add(e.NodeId);
        _trust.Remove(_servers[1].NodeId);
        await client.PublishAsync(PubsubTopic, Message("after removal"));
        var after = await client.FetchHistoryAsync(PubsubTopic, [ContentTopic], start, DateTimeOffset.UtcNow.AddMinutes(1));

        evicted.Should().Equal(_servers[1].NodeId);
        after.Servers.Select(s => s.Server).Should().Equal(_servers[0].NodeId);
        after.Messages.Select(m => m.Message.Message.Payload.ToStringUtf8()).Should().Equal("hello", "after removal");
    }

    [Fact]
    public async Task Connect_ListedNodeIdServedByAnotherKey_IsRefusedAndDiscarded()
    {
        // The record claims server 0's listing, but its address is server 2's: the Noise handshake shows another key.
        var impostor = new MailServerCandidate(_servers[0].NodeId,
            [_servers[2].ListenAddresses[0].WithoutPeerId().WithPeerId(_servers[0].PeerId).ToString()], 99, CandidateSource.RandomWalk);
        _trust.List(_servers[0].NodeId);
        using var pool = new TrustedMailServers(_trust, new TrustedMailServersOptions { MaxAttempts = 1 });
        await using var client = new MailServerClient(pool, new MailServerConnections(_clientHost));
        pool.Offer(impostor);

        var act = () => client.FetchHistoryAsync(PubsubTopic, [ContentTopic], DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow);

        var failure = await act.Should().ThrowAsync<NoTrustedMailServerException>();
        failure.Which.InnerException.Should().BeOfType<MailServerIdentityException>();
        pool.Servers.Should().BeEmpty();
    }

    [Fact]
    public async Task Health_AfterAPushAndAQuery_CountsThem()
    {
        _trust.List(_servers[0].NodeId);
        using var pool = new TrustedMailServers(_trust);
        await using var client = new MailServerClient(pool, new MailServerConnections(_clientHost), new MailServerClientOptions { HistoryServers = 1, PublishServers = 1 });
        pool.Offer(MailServerRecords.ToCandidate(_servers[0].Record, CandidateSource.Static)!);

        await client.PublishAsync(PubsubTopic, Message("counted"));
        await client.FetchHistoryAsync(PubsubTopic, [ContentTopic], DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1));
        // The server counts an exchange once its side of the stream has finished, which can be just after the client
        // has read the answer: wait for the counters (bounded) rather than read them at once.
        var health = await _servers[0].GetHealthAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((health.QueriesServed < 1 || health.PushesServed < 1) && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
            health = await _servers[0].GetHealthAsync();
        }

        health.StoredMessages.Should().Be(1);
        health.PushesServed.Should().Be(1);
        health.QueriesServed.Should().BeGreaterThanOrEqualTo(1);
        health.PeersServed.Should().Be(1);
        MailServerRecords.IsMailServer(_servers[0].Record).Should().BeTrue();
    }

    public async Task DisposeAsync()
    {
        await _clientNode.DisposeAsync();
        await _clientHost.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _clientKey.Dispose();
        foreach (var file in _files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
        {
            File.Delete(file);
        }
    }

    private static WakuMessage Message(string text) => new()
    {
        Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes(text)), ContentTopic = ContentTopic,
        Timestamp = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100,
    };

    private string TempFile(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tcr-loop-{name}-{Guid.NewGuid():N}.db");
        _files.Add(path);
        return path;
    }
}
