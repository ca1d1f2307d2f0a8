using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.History;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.MailServers.Client;

/// <summary>Options of <see cref="MailServerClient"/>.</summary>
public sealed class MailServerClientOptions
{
    /// <summary>How many distinct trusted servers each history fetch asks; their answers are merged. Default 2.</summary>
    public int HistoryServers { get; set; } = 2;

    /// <summary>How many distinct trusted servers each message is pushed to (stores do not relay here). Default 2.</summary>
    public int PublishServers { get; set; } = 2;

    /// <summary>Messages per Store v3 page. Default 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Throws when a value is out of range, naming it.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryServers, 1, nameof(HistoryServers));
        ArgumentOutOfRangeException.ThrowIfLessThan(PublishServers, 1, nameof(PublishServers));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1, nameof(PageSize));
    }
}

/// <summary>
/// Fetches history from and publishes through trusted mail servers only. Each request goes through the pool, which
/// chooses a server the registry lists now, cancels and retries elsewhere when a removal evicts it mid-request, and
/// backs off servers that fail or answer out of order, out of range or with tampered hashes (the strict Store client
/// rejects such pages whole).
/// </summary>
public sealed class MailServerClient : IAsyncDisposable
{
    private readonly TrustedMailServers _pool;
    private readonly MailServerConnections _connections;
    private readonly MailServerClientOptions _options;

    /// <summary>Creates the client over a pool and a connection cache; it closes connections of evicted servers.</summary>
    public MailServerClient(TrustedMailServers pool, MailServerConnections connections, MailServerClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(connections);
        _options = options ?? new MailServerClientOptions();
        _options.Validate();
        _pool = pool;
        _connections = connections;
        _pool.ServerEvicted += OnEvicted;
    }

    /// <summary>
    /// Fetches the messages of <paramref name="contentTopics"/> on <paramref name="pubsubTopic"/> with timestamps in
    /// [<paramref name="from"/>, <paramref name="to"/>) from up to <see cref="MailServerClientOptions.HistoryServers"/>
    /// distinct trusted servers, merged: unique by message hash, ordered by (timestamp, hash), with per-server counts
    /// and the servers whose answers differed.
    /// </summary>
    /// <exception cref="NoTrustedMailServerException">No trusted server answered.</exception>
    public async Task<MergedHistory<StoredMessage>> FetchHistoryAsync(
        string pubsubTopic, IReadOnlyList<string> contentTopics, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubTopic);
        ArgumentNullException.ThrowIfNull(contentTopics);
        if (to < from)
        {
            throw new ArgumentException($"The time range ends ({to:O}) before it starts ({from:O}).", nameof(to));
        }

        var query = new MessageQuery
        {
            PubsubTopic = pubsubTopic, ContentTopics = contentTopics, TimeStart = UnixNanoseconds(from), TimeEnd = UnixNanoseconds(to),
            Forward = true, Limit = _options.PageSize,
        };
        var used = new HashSet<Bytes32>();
        var answers = new List<Task<ServerHistory<StoredMessage>>>();
        for (var i = 0; i < _options.HistoryServers; i++)
        {
            // Each fetch runs synchronously up to its first await, so the server it chose is in `used` before the next starts.
            answers.Add(_pool.ExecuteAsync((lease, ct) =>
            {
                lock (used)
                {
                    used.Add(lease.Server.NodeId);
                }

                return QueryServerAsync(lease.Server, query, ct);
            }, Snapshot(used), cancellationToken));
        }

        var results = new List<ServerHistory<StoredMessage>>();
        NoTrustedMailServerException? failure = null;
        foreach (var answer in answers)
        {
            try
            {
                var result = await answer.ConfigureAwait(false);
                if (results.All(r => r.Server != result.Server))
                {
                    results.Add(result);
                }
            }
            catch (NoTrustedMailServerException error)
            {
                failure ??= error;
            }
        }

        if (results.Count == 0)
        {
            throw failure ?? new NoTrustedMailServerException("No trusted mail server answered.");
        }

        return HistoryMerge.Merge(results);
    }

    /// <summary>
    /// Publishes a message with LightPush through up to <see cref="MailServerClientOptions.PublishServers"/> distinct
    /// trusted servers; succeeds when at least one accepted it, and returns each acceptance.
    /// </summary>
    /// <exception cref="NoTrustedMailServerException">No trusted server accepted it.</exception>
    public async Task<IReadOnlyList<(Bytes32 Server, LightPushResult Result)>> PublishAsync(
        string pubsubTopic, WakuMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubTopic);
        ArgumentNullException.ThrowIfNull(message);
        var accepted = new List<(Bytes32, LightPushResult)>();
        var used = new HashSet<Bytes32>();
        NoTrustedMailServerException? failure = null;
        for (var i = 0; i < _options.PublishServers; i++)
        {
            try
            {
                accepted.Add(await _pool.ExecuteAsync(async (lease, ct) =>
                {
                    used.Add(lease.Server.NodeId);
                    var client = await ClientAsync(lease.Server, ct).ConfigureAwait(false);
                    return (lease.Server.NodeId, await client.PushAsync(pubsubTopic, message, ct).ConfigureAwait(false));
                }, [.. used], cancellationToken).ConfigureAwait(false));
            }
            catch (NoTrustedMailServerException error)
            {
                failure ??= error;
                break;
            }
        }

        return accepted.Count > 0 ? accepted : throw failure ?? new NoTrustedMailServerException("No trusted mail server accepted the message.");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _pool.ServerEvicted -= OnEvicted;
        return _connections.DisposeAsync();
    }

    private async Task<ServerHistory<StoredMessage>> QueryServerAsync(MailServerCandidate server, MessageQuery query, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(server, cancellationToken).ConfigureAwait(false);
        var entries = new List<HistoryEntry<StoredMessage>>();
        await foreach (var page in client.QueryAllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            foreach (var message in page.Messages)
            {
                entries.Add(new HistoryEntry<StoredMessage>(new Bytes32(message.Hash), message.Timestamp, message));
            }
        }

        return new ServerHistory<StoredMessage>(server.NodeId, entries);
    }

    private async Task<WakuClient> ClientAsync(MailServerCandidate server, CancellationToken cancellationToken)
    {
        Libp2pConnection connection;
        try
        {
            connection = await _connections.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch (MailServerIdentityException error)
        {
            _pool.Discard(server.NodeId, error.Message);
            throw;
        }

        var roundTrip = await connection.PingAsync(cancellationToken).ConfigureAwait(false);
        _pool.RecordRoundTrip(server.NodeId, roundTrip);
        return new WakuClient(connection.StreamOpener());
    }

    private static Bytes32[] Snapshot(HashSet<Bytes32> used)
    {
        lock (used)
        {
            return [.. used];
        }
    }

    private static long UnixNanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private void OnEvicted(object? sender, MailServerEventArgs e) => _ = _connections.CloseAsync(e.NodeId);
}
