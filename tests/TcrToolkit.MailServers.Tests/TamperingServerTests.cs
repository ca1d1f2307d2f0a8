using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.MailServers.Tests;

/// <summary>How the lying store bends its pages.</summary>
public enum Tampering
{
    /// <summary>Adds a message (correctly hashed) timestamped after the query's range.</summary>
    OutOfRange,

    /// <summary>Returns the page in reverse order.</summary>
    OutOfOrder,

    /// <summary>Changes a message's payload and keeps its hash.</summary>
    Tampered,
}

/// <summary>
/// A server that speaks Waku Store v3 correctly on the wire (the real <see cref="WakuStoreNode"/> over libp2p) but whose
/// store lies; the client must reject its pages, penalise it, and answer the query from an honest trusted server.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TamperingServerTests
{
    private const string PubsubTopic = "/waku/2/rs/1/0";
    private const string ContentTopic = "/tcr/1/reliability/proto";

    [Theory]
    [InlineData(Tampering.OutOfRange)]
    [InlineData(Tampering.OutOfOrder)]
    [InlineData(Tampering.Tampered)]
    public async Task FetchHistory_ServerReturnsBadPages_PenalisedAndQueryAnsweredByAnother(Tampering tampering)
    {
        await using var honest = await ServerSet.StartAsync(1);
        using var liarKey = PrivateKey.Generate();
        var liarPath = Path.Combine(Path.GetTempPath(), $"tcr-liar-{Guid.NewGuid():N}.db");
        await using var liarStore = new LyingStore(SqliteMessageStore.Open(liarPath), tampering);
        var wakuOptions = new WakuServiceOptions { ClusterId = 1 };
        wakuOptions.Shards.Add(0);
        var liarNode = new WakuStoreNode(liarStore, wakuOptions);
        await using var liar = new Libp2pHost(liarKey);
        liar.Handle(WakuProtocols.StoreQuery, (s, ct) => liarNode.ServeStoreQueryAsync(s.Stream, s.RemotePeer.ToString(), ct));
        var liarAddress = (await liar.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"))).WithPeerId(liar.PeerId);
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        foreach (var (text, minutes) in new[] { ("first", 1), ("second", 2), ("third", 3) })
        {
            var message = StoredMessage.Create(PubsubTopic, MailServerTrustReliabilityTests.Message(text, start.AddMinutes(minutes)));
            await honest.Hosts[0].Store.AddAsync(message);
            await liarStore.AddAsync(message);
        }

        var trust = new FakeTrust();
        trust.List(honest.Hosts[0].NodeId);
        trust.List(liarKey.PublicKey.NodeId);
        using var pool = new TrustedMailServers(trust, new TrustedMailServersOptions { MaxAttempts = 3 });
        using var clientKey = PrivateKey.Generate();
        await using var clientHost = new Libp2pHost(clientKey);
        await using var client = new MailServerClient(pool, new MailServerConnections(clientHost), new MailServerClientOptions { HistoryServers = 1 });
        pool.Offer(new MailServerCandidate(liarKey.PublicKey.NodeId, [liarAddress.ToString()], 1, CandidateSource.Static));
        pool.Offer(MailServerRecords.ToCandidate(honest.Hosts[0].Record, CandidateSource.Static)!);
        // Measured fastest, so it is chosen first.
        pool.RecordRoundTrip(liarKey.PublicKey.NodeId, TimeSpan.FromTicks(1));
        var selected = new List<Bytes32>();
        pool.ServerSelected += (_, e) => selected.Add(e.NodeId);

        var history = await client.FetchHistoryAsync(PubsubTopic, [ContentTopic], start, start.AddMinutes(5));

        selected.Should().Equal(liarKey.PublicKey.NodeId, honest.Hosts[0].NodeId);
        history.Servers.Select(s => s.Server).Should().Equal(honest.Hosts[0].NodeId);
        history.Messages.Select(m => m.Message.Message.Payload.ToStringUtf8()).Should().Equal("first", "second", "third");
        pool.Servers.Single(s => s.Candidate.NodeId == liarKey.PublicKey.NodeId).AvailableAt.Should().NotBeNull("the liar backs off");
        liarStore.Queries.Should().BeGreaterThan(0, "the liar was asked and answered");
        foreach (var file in new[] { liarPath, liarPath + "-wal", liarPath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private sealed class LyingStore(IMessageStore inner, Tampering tampering) : IMessageStore
    {
        public int Queries;

        public Task<StoreAddResult> AddAsync(StoredMessage message, CancellationToken cancellationToken = default) => inner.AddAsync(message, cancellationToken);

        public async Task<MessagePage> QueryAsync(MessageQuery query, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Queries);
            var page = await inner.QueryAsync(query, cancellationToken);
            var messages = page.Messages.ToList();
            switch (tampering)
            {
                case Tampering.OutOfRange:
                    var late = DateTimeOffset.UnixEpoch.AddTicks((query.TimeEnd ?? 0) / 100).AddMinutes(30);
                    messages.Add(StoredMessage.Create(PubsubTopic, MailServerTrustReliabilityTests.Message("late", late)));
                    break;
                case Tampering.OutOfOrder:
                    messages.Reverse();
                    break;
                case Tampering.Tampered:
                    var first = messages[0];
                    var changed = first.Message.Clone();
                    changed.Payload = Google.Protobuf.ByteString.CopyFromUtf8("forged");
                    messages[0] = first with { Message = changed };
                    break;
            }

            return new MessagePage(messages, page.NextCursor);
        }

        public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

        public Task<long> ApplyRetentionAsync(MessageRetention retention, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            inner.ApplyRetentionAsync(retention, now, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
