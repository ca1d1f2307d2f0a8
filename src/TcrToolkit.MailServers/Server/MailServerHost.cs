using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.Registry;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.MailServers.Server;

/// <summary>What a running mail server reports to its operator.</summary>
/// <param name="StoredMessages">Messages in the store.</param>
/// <param name="PeersServed">Distinct peers that opened a Store or LightPush stream since start.</param>
/// <param name="QueriesServed">Store queries answered since start.</param>
/// <param name="PushesServed">LightPush requests answered since start.</param>
/// <param name="QueriesPerSecond">Store queries per second over the last minute.</param>
/// <param name="Connections">Open libp2p connections.</param>
/// <param name="DiscoveryPeers">Records in the discovery table.</param>
/// <param name="RecordSequence">The sequence number of the record the server advertises.</param>
public sealed record MailServerHealth(long StoredMessages, int PeersServed, long QueriesServed, long PushesServed, double QueriesPerSecond,
    int Connections, int DiscoveryPeers, ulong RecordSequence);

/// <summary>
/// A mail server: one node key for Discovery v5, libp2p and the registry. It serves Waku Store v3 and LightPush from a
/// durable message store, advertises itself in discovery with the store capability (<c>waku2</c> store and lightpush
/// bits) and its libp2p addresses (<c>ip</c>/<c>tcp</c> and <c>multiaddrs</c>), and signs the node proof its operator
/// needs to list it in the registry.
/// </summary>
public sealed class MailServerHost : IAsyncDisposable
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every host publishes on: <c>tcr.mailserver.queries</c>
    /// and <c>tcr.mailserver.pushes</c> (counters, tagged with the server's node id), <c>tcr.mailserver.peers_served</c>,
    /// <c>tcr.mailserver.connections</c> and <c>tcr.mailserver.stored_messages</c> (gauges; the stored count as of the
    /// last retention run or health read).
    /// </summary>
    public const string MeterName = "TcrToolkit.MailServers.Server";

    private readonly MailServerHostOptions _options;
    private readonly PrivateKey _key;
    private readonly IMessageStore _store;
    private readonly Libp2pHost _libp2p;
    private readonly Discv5Node _discovery;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _retention;
    private readonly ConcurrentDictionary<string, byte> _peers = new();
    private readonly ConcurrentQueue<long> _recentQueries = new();
    private readonly Meter _meter;
    private readonly Counter<long> _queryCounter;
    private readonly Counter<long> _pushCounter;
    private readonly KeyValuePair<string, object?> _nodeTag;
    private long _queries;
    private long _pushes;
    private long _storedMessages;

    private MailServerHost(MailServerHostOptions options, PrivateKey key, IMessageStore store, Libp2pHost libp2p, Discv5Node discovery, TimeProvider time)
    {
        _options = options;
        _key = key;
        _store = store;
        _libp2p = libp2p;
        _discovery = discovery;
        _time = time;
        _nodeTag = new KeyValuePair<string, object?>("node_id", discovery.NodeId.ToString());
        _meter = new Meter(MeterName);
        _queryCounter = _meter.CreateCounter<long>("tcr.mailserver.queries", "{query}", "Store queries answered.");
        _pushCounter = _meter.CreateCounter<long>("tcr.mailserver.pushes", "{push}", "LightPush requests answered.");
        _meter.CreateObservableGauge("tcr.mailserver.peers_served", () => new Measurement<int>(_peers.Count, _nodeTag), "{peer}", "Distinct peers served since start.");
        _meter.CreateObservableGauge("tcr.mailserver.connections", () => new Measurement<int>(_libp2p.Connections.Count, _nodeTag), "{connection}", "Open libp2p connections.");
        _meter.CreateObservableGauge("tcr.mailserver.stored_messages", () => new Measurement<long>(Interlocked.Read(ref _storedMessages), _nodeTag), "{message}", "Messages in the store.");
        _retention = Task.Run(() => RunRetentionAsync(_stopping.Token));
    }

    /// <summary>The listing key: keccak256 of the node key's public key.</summary>
    public Bytes32 NodeId => _discovery.NodeId;

    /// <summary>The libp2p peer id of the same key.</summary>
    public PeerId PeerId => _libp2p.PeerId;

    /// <summary>The record the server advertises in discovery.</summary>
    public Enr Record => _discovery.LocalEnr;

    /// <summary>The libp2p addresses it serves on, with its peer id.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses => [.. _libp2p.ListenAddresses.Select(a => a.PeerId is null ? a.WithPeerId(PeerId) : a)];

    /// <summary>The discovery node (for bootstrapping others from its record, or lookups).</summary>
    public Discv5Node Discovery => _discovery;

    /// <summary>The message store.</summary>
    public IMessageStore Store => _store;

    /// <summary>Starts serving: the store, then libp2p, then discovery with a record that advertises both.</summary>
    public static async Task<MailServerHost> StartAsync(MailServerHostOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        time ??= TimeProvider.System;
        var key = options.NodeKey!;
        var store = SqliteMessageStore.Open(options.StorePath);
        Libp2pHost? libp2p = null;
        try
        {
            var node = new WakuStoreNode(store, options.Waku, time);
            libp2p = new Libp2pHost(key, timeProvider: time);
            MailServerHost? host = null;
            libp2p.Handle(WakuProtocols.StoreQuery, (s, ct) => host!.Count(s, query: true, node.ServeStoreQueryAsync(s.Stream, s.RemotePeer.ToString(), ct)));
            libp2p.Handle(WakuProtocols.LightPush, (s, ct) => host!.Count(s, query: false, node.ServeLightPushAsync(s.Stream, s.RemotePeer.ToString(), ct)));
            libp2p.Handle(WakuProtocols.LightPushV2Beta1, (s, ct) => host!.Count(s, query: false, node.ServeLightPushV2Beta1Async(s.Stream, s.RemotePeer.ToString(), ct)));
            libp2p.Handle(WakuProtocols.Metadata, (s, ct) => node.ServeMetadataAsync(s.Stream, s.RemotePeer.ToString(), ct));
            var listening = new List<Multiaddr>();
            foreach (var address in options.ListenAddresses)
            {
                listening.Add(await libp2p.ListenAsync(Multiaddr.Parse(address), cancellationToken).ConfigureAwait(false));
            }

            var discoveryOptions = new Discv5Options
            {
                PrivateKey = key, BindEndPoint = options.DiscoveryEndPoint, AdvertisedAddress = options.AdvertisedAddress,
                ProtocolId = options.DiscoveryProtocolId, TimeProvider = time,
                ConfigureRecord = record => Advertise(record, listening),
            };
            foreach (var bootnode in options.Bootnodes)
            {
                discoveryOptions.Bootnodes.Add(bootnode);
            }

            var discovery = await Discv5Node.StartAsync(discoveryOptions, cancellationToken).ConfigureAwait(false);
            host = new MailServerHost(options, key, store, libp2p, discovery, time);
            return host;
        }
        catch
        {
            if (libp2p is not null)
            {
                await libp2p.DisposeAsync().ConfigureAwait(false);
            }

            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Signs the node key's consent to be listed by <paramref name="applicant"/> (what <c>tcr listing proof</c> writes):
    /// the operator applies with it from its own account, and the node key never leaves the server.
    /// </summary>
    public NodeProof SignNodeProof(ulong chainId, Address registry, Address applicant, UInt256 nonce, DateTimeOffset deadline) =>
        NodeProof.Sign(_key, chainId, registry, applicant, nonce, deadline);

    /// <summary>
    /// Signs the node key's consent to be listed by <paramref name="applicant"/> for <paramref name="connection"/>'s
    /// registry, for the entry's current nonce, valid for <paramref name="validFor"/> (default one hour) from the chain's time.
    /// </summary>
    public Task<NodeProof> SignNodeProofAsync(TcrConnection connection, Address applicant, TimeSpan? validFor = null, CancellationToken cancellationToken = default) =>
        MailServerOperator.CreateNodeProofAsync(connection, _key, applicant, validFor, cancellationToken);

    /// <summary>The registry steps for this server from <paramref name="operatorAccount"/>: self-application, top-ups, exit.</summary>
    public MailServerRegistration Registration(TcrAccount operatorAccount) => new(this, operatorAccount);

    /// <summary>The node key, for the registration steps in this assembly.</summary>
    internal PrivateKey NodeKey => _key;

    /// <summary>Counters and sizes an operator watches.</summary>
    public async Task<MailServerHealth> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _store.CountAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _storedMessages, stored);
        var table = await _discovery.GetTableAsync(cancellationToken).ConfigureAwait(false);
        var minuteAgo = _time.GetTimestamp() - _time.TimestampFrequency * 60;
        var recent = _recentQueries.Count(t => t >= minuteAgo);
        return new MailServerHealth(stored, _peers.Count, Interlocked.Read(ref _queries), Interlocked.Read(ref _pushes), recent / 60.0,
            _libp2p.Connections.Count, table.Count, _discovery.LocalEnr.Sequence);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _retention.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _discovery.DisposeAsync().ConfigureAwait(false);
        await _libp2p.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _meter.Dispose();
        _stopping.Dispose();
    }

    private static void Advertise(EnrBuilder record, IReadOnlyList<Multiaddr> listening)
    {
        record.SetWaku2(Waku2Capabilities.Store | Waku2Capabilities.LightPush);
        // RFC 31: ip/tcp carry the plain TCP address; everything else (WebSocket, IPv6 with /ws, DNS) goes in multiaddrs.
        var plainTcp = listening.FirstOrDefault(a => a.Components.Count == 2 && a.Has(MultiaddrProtocol.Ip4) && a.Has(MultiaddrProtocol.Tcp));
        if (plainTcp is not null)
        {
            record.SetTcp(int.Parse(plainTcp.Components[1].ValueText, System.Globalization.CultureInfo.InvariantCulture));
        }

        var others = listening.Where(a => !ReferenceEquals(a, plainTcp)).Select(a => a.WithoutPeerId().ToBytes()).ToList();
        if (others.Count > 0)
        {
            record.SetMultiaddrs(others);
        }
    }

    private async Task Count(IncomingStream stream, bool query, Task serving)
    {
        _peers.TryAdd(stream.RemotePeer.ToString(), 0);
        await serving.ConfigureAwait(false);
        if (query)
        {
            Interlocked.Increment(ref _queries);
            _queryCounter.Add(1, _nodeTag);
            var now = _time.GetTimestamp();
            _recentQueries.Enqueue(now);
            while (_recentQueries.TryPeek(out var oldest) && oldest < now - _time.TimestampFrequency * 60)
            {
                _recentQueries.TryDequeue(out _);
            }
        }
        else
        {
            Interlocked.Increment(ref _pushes);
            _pushCounter.Add(1, _nodeTag);
        }
    }

    private async Task RunRetentionAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.RetentionInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _store.ApplyRetentionAsync(_options.Retention, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _storedMessages, await _store.CountAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Retention retries at the next tick; serving goes on.
            }
        }
    }
}
