using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.Generated;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Hosting;

/// <summary>The client's own key, fresh per process unless configured (<see cref="TrustedMailServersHostingOptions.NodeKey"/>).</summary>
public sealed class MailServerClientIdentity : IDisposable
{
    private readonly bool _owned;

    /// <summary>Takes the configured key, or makes a fresh one that this identity owns.</summary>
    public MailServerClientIdentity(IOptions<TrustedMailServersHostingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _owned = options.Value.NodeKey is null;
        Key = options.Value.NodeKey ?? PrivateKey.Generate();
    }

    /// <summary>The key of the client's discovery node and libp2p host.</summary>
    public PrivateKey Key { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_owned)
        {
            Key.Dispose();
        }
    }
}

/// <summary>
/// Feeds the pool for the host's lifetime (<c>AddTrustedMailServers</c>): starts Discovery v5 with the client's key,
/// resolves every node id the registry trusts by a targeted lookup (at once when the mirror grants trust, and every
/// <see cref="TrustedMailServersHostingOptions.ResolveInterval"/>), walks the network at random offering every record
/// with the store capability (the pool keeps only listed ones), reads the records published with <c>Applied</c> events
/// as hints, and loads and saves the SQLite cache. Cached and published records are only hints: a server joins the
/// pool only while the registry mirror trusts its node id, and its key is proven again when it is dialled.
/// </summary>
public sealed class TrustedMailServersService : BackgroundService
{
    private readonly TrustedMailServers _pool;
    private readonly IMailServerTrust _trust;
    private readonly MailServerClientIdentity _identity;
    private readonly TrustedMailServersHostingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RpcClient? _rpc;
    private readonly RegistryMirrorOptions? _mirrorOptions;
    private readonly SemaphoreSlim _resolveNow = new(0, 1);
    private readonly TaskCompletionSource<MailServerDiscovery> _discovery = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the service; <paramref name="rpc"/> and <paramref name="mirrorOptions"/> let it read <c>Applied</c> hints.</summary>
    public TrustedMailServersService(
        TrustedMailServers pool,
        IMailServerTrust trust,
        MailServerClientIdentity identity,
        IOptions<TrustedMailServersHostingOptions> options,
        TimeProvider? time = null,
        ILogger<TrustedMailServersService>? logger = null,
        RpcClient? rpc = null,
        IOptions<RegistryMirrorOptions>? mirrorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        _pool = pool;
        _trust = trust;
        _identity = identity;
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _rpc = rpc;
        _mirrorOptions = mirrorOptions?.Value;
        Hints = new MailServerHints(_options.MaxHints);
    }

    /// <summary>Records held until the registry trusts their node id (published with <c>Applied</c>, or cached).</summary>
    public MailServerHints Hints { get; }

    /// <summary>The discovery feeder, once discovery has started.</summary>
    public Task<MailServerDiscovery> Discovery => _discovery.Task;

    /// <summary>The discovery node, once started (null before).</summary>
    public Discv5Node? DiscoveryNode { get; private set; }

    /// <summary>When the pool was last saved to the cache.</summary>
    public DateTimeOffset? CacheSavedAt { get; private set; }

    /// <summary>Resolves now every trusted node id the pool lacks: its hint first, then a targeted lookup; returns how many joined.</summary>
    public async Task<int> ResolveListedAsync(CancellationToken cancellationToken = default)
    {
        var discovery = await Discovery.WaitAsync(cancellationToken).ConfigureAwait(false);
        var listed = _trust.TrustedNodeIds;
        var added = Hints.OfferTo(_pool, listed);
        // A lookup may find a newer record than the hint: the pool keeps the higher sequence number.
        added += await discovery.ResolveListedAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in listed)
        {
            if (Hints.Get(id) is { } hint)
            {
                _pool.Offer(hint);
            }
        }

        MailServersLog.Resolved(_logger, added, listed.Count, _pool.Servers.Count);
        return added;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var cache = _options.CachePath is { } path ? MailServerCache.Open(path) : null;
        var cached = 0;
        if (cache is not null)
        {
            foreach (var (candidate, _) in cache.Read())
            {
                // Held as hints only: offered when (and if) the registry trusts them again.
                cached += Hints.Add(candidate) ? 1 : 0;
            }

            cache.LoadInto(_pool);
        }

        var discoveryOptions = new Discv5Options
        {
            PrivateKey = _identity.Key, BindEndPoint = _options.DiscoveryEndPoint(), ProtocolId = _options.DiscoveryProtocolId, TimeProvider = _time,
        };
        foreach (var bootnode in _options.Bootnodes)
        {
            discoveryOptions.Bootnodes.Add(Enr.Parse(bootnode));
        }

        await using var node = await Discv5Node.StartAsync(discoveryOptions, stoppingToken).ConfigureAwait(false);
        DiscoveryNode = node;
        var discovery = new MailServerDiscovery(node, _pool, _trust, _time);
        MailServersLog.PoolStarted(_logger, node.NodeId.ToString(), node.LocalEndPoint.ToString(), _options.Bootnodes.Count, cached);
        _pool.ServerAdded += OnAdded;
        _pool.ServerEvicted += OnEvicted;
        var mirrorTrust = _trust as RegistryMirrorTrust;
        if (mirrorTrust is not null)
        {
            mirrorTrust.TrustGranted += OnTrustGranted;
        }

        _discovery.TrySetResult(discovery);
        try
        {
            var tasks = new List<Task> { ResolveLoopAsync(stoppingToken) };
            if (_options.RandomWalk)
            {
                tasks.Add(RandomWalkLoopAsync(discovery, stoppingToken));
            }

            if (_options.RegistryRecordHints && _rpc is not null && _mirrorOptions is { Registry: var registry } && registry != Address.Zero)
            {
                tasks.Add(HintLoopAsync(_rpc, _mirrorOptions, stoppingToken));
            }

            if (cache is not null)
            {
                tasks.Add(SaveLoopAsync(cache, stoppingToken));
            }

            await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            if (mirrorTrust is not null)
            {
                mirrorTrust.TrustGranted -= OnTrustGranted;
            }

            _pool.ServerAdded -= OnAdded;
            _pool.ServerEvicted -= OnEvicted;
            if (cache is not null)
            {
                Save(cache);
            }

            DiscoveryNode = null;
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _resolveNow.Dispose();
        base.Dispose();
    }

    private async Task ResolveLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RetryingAsync("resolving listed servers", () => ResolveListedAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            using var interval = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            interval.CancelAfter(_options.ResolveInterval);
            try
            {
                await _resolveNow.WaitAsync(interval.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The interval passed: resolve again.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RandomWalkLoopAsync(MailServerDiscovery discovery, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RetryingAsync("a random walk", () => discovery.RandomWalkAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            await Task.Delay(_options.RandomWalkPause, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HintLoopAsync(RpcClient rpc, RegistryMirrorOptions mirror, CancellationToken cancellationToken)
    {
        var streamOptions = new RegistryEventsOptions
        {
            Registry = mirror.Registry, ConfirmationDepth = 0, PollInterval = mirror.Stream.PollInterval, RetryDelay = mirror.Stream.RetryDelay,
            WebSocketEndpoint = mirror.Stream.WebSocketEndpoint, WebSocketOptions = mirror.Stream.WebSocketOptions, TimeProvider = mirror.Stream.TimeProvider,
        };
        var position = new InMemoryRegistryCheckpointStore();
        while (!cancellationToken.IsCancellationRequested)
        {
            await RetryingAsync("reading Applied records", async () =>
            {
                await using var events = new RegistryEvents(rpc, streamOptions, position);
                var start = position.Load()?.Checkpoint ?? await RegistryEvents.GetCheckpointAsync(rpc, _options.RegistryRecordHintsFromBlock, cancellationToken).ConfigureAwait(false);
                await foreach (var update in events.ReadAsync(start, cancellationToken).ConfigureAwait(false))
                {
                    if (update is { Kind: RegistryUpdateKind.Added, Event.Payload: MailServerRegistry.AppliedEvent applied }
                        && MailServerHints.FromAppliedData(applied.NodeId, applied.Data) is { } hint && Hints.Add(hint))
                    {
                        MailServersLog.HintRead(_logger, hint.NodeId.ToString(), hint.Sequence);
                        if (_trust.IsTrusted(hint.NodeId))
                        {
                            _pool.Offer(hint);
                        }
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SaveLoopAsync(MailServerCache cache, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CacheSaveInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Save(cache);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Save(MailServerCache cache)
    {
        try
        {
            var servers = _pool.Servers;
            cache.Save(servers, _time.GetUtcNow());
            CacheSavedAt = _time.GetUtcNow();
            MailServersLog.CacheSaved(_logger, servers.Count);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            MailServersLog.TaskFailed(_logger, "saving the cache", e.Message, _options.CacheSaveInterval, e);
        }
    }

    private async Task RetryingAsync(string task, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            var delay = _options.RandomWalkPause;
            MailServersLog.TaskFailed(_logger, task, e.Message, delay, e);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void OnTrustGranted(object? sender, IReadOnlyList<Bytes32> granted)
    {
        // Hints go in at once (no I/O); the lookups run on the resolve loop.
        Hints.OfferTo(_pool, granted);
        if (_resolveNow.CurrentCount == 0)
        {
            try
            {
                _resolveNow.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    private void OnAdded(object? sender, MailServerEventArgs e) =>
        MailServersLog.ServerAdded(_logger, e.NodeId.ToString(), _pool.Servers.FirstOrDefault(s => s.Candidate.NodeId == e.NodeId)?.Candidate.Source.ToString() ?? "?");

    private void OnEvicted(object? sender, MailServerEventArgs e) => MailServersLog.ServerEvicted(_logger, e.NodeId.ToString(), e.Reason ?? "trust ended");
}
