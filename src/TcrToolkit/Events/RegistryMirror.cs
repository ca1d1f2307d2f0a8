using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>
/// A local, materialised view of the registry's listings (SQLite), answering <see cref="IsTrusted"/> from memory
/// without any RPC call. Built on a cold start from the contract's enumeration (<c>listedCount</c>/<c>listedPage</c>
/// and <c>listing</c>) at a pinned, confirmed block, then followed from that block with a <see cref="RegistryEvents"/>
/// stream read at depth 0.
/// </summary>
/// <remarks>
/// <para>Removals (<c>ListingRemoved</c>, <c>ApplicationRemoved</c>, <c>Exited</c>, <c>TouchedAndRemoved</c>) evict a
/// node id as soon as they are seen: trusting a removed server is the risk, distrusting one for a few blocks is not.
/// Every other change, additions above all, applies only once its block is
/// <see cref="RegistryMirrorOptions.ConfirmationDepth"/> deep. A retracted removal keeps the node id evicted until the
/// new chain is confirmed past the retracted block.</para>
/// <para><b>Fail-closed.</b> The mirror trusts its state only while the node keeps confirming it: each poll of the
/// stream checks that the chain still holds the newest mirrored block, and each such check (or update) extends trust by
/// <see cref="RegistryMirrorOptions.MaxStaleness"/>. Nothing is trusted after <see cref="Open(RpcClient, RegistryMirrorOptions, ILogger{RegistryMirror}?)"/>
/// until <see cref="RunAsync"/> has checked the stored state against the node: the genesis block and the registry's
/// code hash kept with the checkpoint, then the checkpoint's block hash. On any sign that the mirrored chain is gone (a
/// block hash that differs below the stream's memory, another genesis block, no code or other code at the registry,
/// a registry that answers nothing, a retraction of a confirmed change) trust is withdrawn from every node id at once,
/// and the mirror rebuilds; a failed rebuild is retried with back-off, and <see cref="Health"/> says why.</para>
/// <para>The file holds the confirmed state, its block and the chain identity; unconfirmed events are read again after
/// a restart.</para>
/// </remarks>
public sealed partial class RegistryMirror : IAsyncDisposable, IDisposable
{
    private const long NotTrusted = long.MinValue;

    private readonly IRegistryChain _chain;
    private readonly ObservedChain _observed;
    private readonly IRegistrySnapshotReader _reader;
    private readonly RegistryMirrorOptions _options;
    private readonly SqliteMirrorStore _store;
    private readonly MirrorState _state;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _staleTicks;
    private readonly Lock _lock = new();
    private long _trustedUntil = NotTrusted;
    private MirrorIdentity? _identity;
    private bool _following;
    private bool _faulted;
    private bool _syncedLogged;
    private string? _problem;
    private ulong? _head;
    private DateTimeOffset? _headSeenAt;
    private DateTimeOffset? _unreachableSince;
    private long _lastProgressLog;
    private TaskCompletionSource _checkpointMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RegistryMirror(IRegistryChain chain, IRegistrySnapshotReader reader, RegistryMirrorOptions options, SqliteMirrorStore store, ILogger? logger)
    {
        _chain = chain;
        _observed = new ObservedChain(chain, this);
        _reader = reader;
        _options = options;
        _store = store;
        _logger = logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        _staleTicks = (long)(options.MaxStaleness.TotalSeconds * _time.TimestampFrequency);
        _state = new MirrorState(options.ConfirmationDepth);
        var (checkpoint, identity) = store.LoadHeader();
        _identity = identity;
        _state.Reset(checkpoint, checkpoint is null ? [] : store.LoadListings());
    }

    /// <summary>The confirmed block the stored state describes, or <c>null</c> before the first cold start.</summary>
    public RegistryCheckpoint? Checkpoint
    {
        get
        {
            lock (_lock)
            {
                return _state.Checkpoint;
            }
        }
    }

    /// <summary>The newest block the mirror has read (removals up to it are applied).</summary>
    public RegistryCheckpoint? Seen
    {
        get
        {
            lock (_lock)
            {
                return _state.Seen;
            }
        }
    }

    /// <summary>How many times the mirror was built from the contract's enumeration.</summary>
    public int ColdStarts { get; private set; }

    /// <summary>
    /// Raised when node ids become trusted or stop being trusted: a removal event as soon as its block is read, an
    /// addition once confirmed, every node id when the mirrored chain is lost. Handlers run on the mirror's loop: keep
    /// them short (an exception from one is logged and ignored).
    /// </summary>
    public event EventHandler<RegistryTrustChangedEventArgs>? TrustChanged;

    /// <summary>Whether the mirror trusts its state now (checked against the node, which answered within <see cref="RegistryMirrorOptions.MaxStaleness"/>).</summary>
    public bool IsTrusting => _time.GetTimestamp() <= Volatile.Read(ref _trustedUntil);

    /// <summary>The trusted node ids now: empty while <see cref="IsTrusting"/> is <c>false</c>.</summary>
    public IReadOnlyCollection<Bytes32> TrustedNodeIds => IsTrusting ? [.. _state.TrustedNodeIds] : [];

    /// <summary>Where the mirror stands: synced, catching up, node unreachable since when, or faulted and why.</summary>
    public RegistryMirrorHealth Health
    {
        get
        {
            lock (_lock)
            {
                var trusting = IsTrusting;
                var status = _faulted ? RegistryMirrorStatus.Faulted
                    : _unreachableSince is not null ? RegistryMirrorStatus.NodeUnreachable
                    : trusting && _state.Seen is { } seen && _head is { } head && seen.BlockNumber >= head ? RegistryMirrorStatus.Synced
                    : RegistryMirrorStatus.CatchingUp;
                return new RegistryMirrorHealth(
                    status, trusting, _head, _headSeenAt, _headSeenAt is { } at ? _time.GetUtcNow() - at : null, _unreachableSince, _state.Seen, _state.Checkpoint, _problem);
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the mirror file. Nothing is trusted until <see cref="RunAsync"/> has checked the stored state
    /// against the node; run it to bring the state up to date and follow the chain.
    /// </summary>
    /// <param name="client">Reads for the event stream and the cold start; it stays owned by the caller.</param>
    /// <param name="options">The registry, the file and the depth.</param>
    /// <param name="logger">Where catch-up progress, reorganisations, retries and chain mismatches are logged.</param>
    /// <exception cref="RegistryStoreException">The file is not a registry mirror or cannot be opened.</exception>
    public static RegistryMirror Open(RpcClient client, RegistryMirrorOptions options, ILogger<RegistryMirror>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stream = options.StreamOptions();
        var chain = new RpcRegistryChain(client, options.Registry, stream.WebSocketEndpoint, stream.WebSocketOptions, stream.PollInterval, stream.TimeProvider);
        return Open(chain, new RpcSnapshotReader(client, options.Registry, options.PageSize), options, logger);
    }

    internal static RegistryMirror Open(IRegistryChain chain, IRegistrySnapshotReader reader, RegistryMirrorOptions options, ILogger? logger = null)
    {
        options.Validate();
        var store = SqliteMirrorStore.Open(options.DatabasePath);
        try
        {
            return new RegistryMirror(chain, reader, options, store, logger);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            store.Dispose();
            throw new RegistryStoreException(
                $"The registry mirror {Path.GetFullPath(options.DatabasePath)} cannot be read ({e.Message}); delete it to rebuild the mirror from the chain.", e);
        }
    }

    /// <summary>
    /// Whether <paramref name="nodeId"/> is trusted, from memory: no RPC call, no lock. <c>false</c> for every node id
    /// while the mirror is not trusting (<see cref="IsTrusting"/>).
    /// </summary>
    public bool IsTrusted(Bytes32 nodeId) => IsTrusting && _state.IsTrusted(nodeId);

    /// <summary>The confirmed state of a listing, or <c>null</c> when the mirror knows none.</summary>
    public MirroredListing? GetListing(Bytes32 nodeId)
    {
        lock (_lock)
        {
            return _state.Confirmed.TryGetValue(nodeId, out var listing) ? listing.ToListing(nodeId) : null;
        }
    }

    /// <summary>
    /// Checks the stored state against the node, brings it up to date (a cold start when the file is empty, was read
    /// from another chain or registry, or the chain reorganised below its checkpoint) and follows the chain until
    /// <paramref name="cancellationToken"/> fires. Failures are retried with back-off and logged; it never ends otherwise.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var attempt = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await VerifyIdentityAsync(cancellationToken).ConfigureAwait(false);
                if (Checkpoint is null)
                {
                    await ColdStartAsync(cancellationToken).ConfigureAwait(false);
                }

                attempt = 0;
                await FollowAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is RpcUnavailableException or RpcProtocolException)
            {
                // The node does not answer: the state stays trusted until MaxStaleness runs out, and is checked again first.
                lock (_lock)
                {
                    _following = false;
                }

                await RetryAfterAsync(++attempt, ex, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                WithdrawAndReset(ex);
                // The first rebuild starts at once; a rebuild that keeps failing backs off.
                if (++attempt > 1)
                {
                    await RetryAfterAsync(attempt, ex, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Waits until the confirmed state reaches <paramref name="blockNumber"/> (tests and tools).</summary>
    /// <remarks>The wait ends as soon as the checkpoint moves there; <paramref name="pollInterval"/> bounds each wait between checks.</remarks>
    public async Task WaitForCheckpointAsync(ulong blockNumber, TimeSpan pollInterval, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task moved;
            lock (_lock)
            {
                if (_state.Checkpoint is { } c && c.BlockNumber >= blockNumber)
                {
                    return;
                }

                moved = _checkpointMoved.Task;
            }

            await moved.WaitAsync(pollInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _trustedUntil, NotTrusted);
        await _chain.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
    }

    /// <summary>Closes the file; prefer <see cref="DisposeAsync"/>, which also closes a WebSocket.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Checks a stored state's chain identity; a state read from another chain or registry is discarded.</summary>
    private async Task VerifyIdentityAsync(CancellationToken cancellationToken)
    {
        MirrorIdentity? identity;
        lock (_lock)
        {
            if (_state.Checkpoint is null || _following)
            {
                return;
            }

            identity = _identity;
        }

        string? mismatch;
        if (identity is not { } expected)
        {
            mismatch = "the file keeps no chain identity (an older version wrote it)";
        }
        else
        {
            var genesis = await _observed.GetBlockHashAsync(0, cancellationToken).ConfigureAwait(false);
            var head = await _observed.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            var code = await _reader.ReadCodeHashAsync(head, cancellationToken).ConfigureAwait(false);
            mismatch = genesis != expected.GenesisHash ? $"the node's genesis block is {genesis}, the mirrored chain's {expected.GenesisHash}"
                : code is null ? $"the registry {_options.Registry} has no code at block {head}"
                : code != expected.CodeHash ? $"the registry {_options.Registry} has other code (hash {code}) than the mirrored one ({expected.CodeHash})"
                : null;
        }

        if (mismatch is not null)
        {
            RegistryLog.ChainMismatch(_logger, mismatch);
            (Bytes32[] Granted, Bytes32[] Withdrawn)? changes;
            lock (_lock)
            {
                Volatile.Write(ref _trustedUntil, NotTrusted);
                _state.Reset(null, []);
                _identity = null;
                changes = _state.TakeTrustChanges();
            }

            RaiseTrustChanged(changes, withdrawnAll: true, mismatch);
        }
    }

    private async Task ColdStartAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var head = await _observed.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            var pinned = head >= (ulong)_options.ConfirmationDepth ? head - (ulong)_options.ConfirmationDepth : 0;
            var hash = await _observed.GetBlockHashAsync(pinned, cancellationToken).ConfigureAwait(false);
            if (hash is null)
            {
                await Task.Delay(_options.Stream.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            RegistryLog.ColdStarting(_logger, pinned, head);
            var code = await _reader.ReadCodeHashAsync(pinned, cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryChainMismatchException($"The registry {_options.Registry} has no code at block {pinned}: it is not deployed on this chain (yet).");
            var listed = await _reader.ReadListedAsync(pinned, cancellationToken).ConfigureAwait(false);
            var genesis = await _observed.GetBlockHashAsync(0, cancellationToken).ConfigureAwait(false);
            // The reads name the block by number: check it is still the same block.
            if (await _observed.GetBlockHashAsync(pinned, cancellationToken).ConfigureAwait(false) != hash || genesis is null)
            {
                continue;
            }

            var checkpoint = new RegistryCheckpoint(pinned, hash.Value);
            var identity = new MirrorIdentity(genesis.Value, code);
            (Bytes32[] Granted, Bytes32[] Withdrawn)? changes;
            lock (_lock)
            {
                _state.Reset(checkpoint, listed.Select(l => new KeyValuePair<Bytes32, ConfirmedListing>(l.NodeId, ConfirmedListing.From(l))));
                _store.Replace(identity, checkpoint, _state.Confirmed);
                _identity = identity;
                _syncedLogged = false;
                SignalCheckpointMoved();
                ColdStarts++;
                RegistryLog.ColdStarted(_logger, checkpoint, _state.Confirmed.Count, _state.TrustedNodeIds.Count);
                changes = _state.TakeTrustChanges();
            }

            RaiseTrustChanged(changes, withdrawnAll: false, $"built from the registry at {checkpoint}");
            return;
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        RegistryCheckpoint start;
        lock (_lock)
        {
            start = _state.Checkpoint!.Value;
            _following = true;
        }

        var events = new RegistryEvents(_observed, _options.StreamOptions(), null, _logger);
        await foreach (var update in events.ReadAsync(start, cancellationToken).ConfigureAwait(false))
        {
            (Bytes32[] Granted, Bytes32[] Withdrawn)? changes;
            lock (_lock)
            {
                if (_state.Apply(update) is { } touched)
                {
                    _store.Save(touched, _state.Confirmed, _state.Checkpoint!.Value);
                    SignalCheckpointMoved();
                }

                changes = _state.TakeTrustChanges();
            }

            if (changes is not null)
            {
                RaiseTrustChanged(changes, withdrawnAll: false, update switch
                {
                    { Kind: RegistryUpdateKind.Added, Event: { } e } => $"{e.Name} at block {e.Block.BlockNumber}",
                    { Kind: RegistryUpdateKind.Retracted, Event: { } e } => $"a reorganisation retracted {e.Name} of block {e.Block.BlockNumber}",
                    _ => $"confirmed at {update.Checkpoint}",
                });
            }

            // The stream checked the chain before it delivered this: the state is confirmed up to now.
            OnChainConfirmed();
            if (update.Kind == RegistryUpdateKind.Progress)
            {
                LogProgress(update);
            }
        }
    }

    /// <summary>Withdraws trust from every node id at once and discards the state, so that the next round rebuilds it.</summary>
    private void WithdrawAndReset(Exception cause)
    {
        (Bytes32[] Granted, Bytes32[] Withdrawn)? changes;
        lock (_lock)
        {
            Volatile.Write(ref _trustedUntil, NotTrusted);
            _following = false;
            _faulted = true;
            _problem = cause.Message;
            _state.Reset(null, []);
            changes = _state.TakeTrustChanges();
        }

        RaiseTrustChanged(changes, withdrawnAll: true, cause.Message);

        if (cause is ConfirmedChangeRetractedException)
        {
            RegistryLog.ConfirmedChangeRetracted(_logger);
        }
        else
        {
            RegistryLog.ChainGone(_logger, cause.Message, cause);
        }
    }

    private async Task RetryAfterAsync(int attempt, Exception cause, CancellationToken cancellationToken)
    {
        var first = _options.Stream.RetryDelay > TimeSpan.Zero ? _options.Stream.RetryDelay : TimeSpan.FromMilliseconds(10);
        var delay = TimeSpan.FromTicks((long)Math.Min(first.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30)), _options.MaxRetryDelay.Ticks));
        lock (_lock)
        {
            _problem = cause.Message;
        }

        RegistryLog.RetryScheduled(_logger, attempt, cause.Message, delay, IsTrusting, cause);
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node confirmed the mirrored chain (a poll found the newest mirrored block canonical, or the stream delivered): extend trust.</summary>
    private void OnChainConfirmed()
    {
        lock (_lock)
        {
            if (!_following)
            {
                return;
            }

            Volatile.Write(ref _trustedUntil, _time.GetTimestamp() + _staleTicks);
            _faulted = false;
            if (_unreachableSince is null)
            {
                _problem = null;
            }

            if (!_syncedLogged && _state.Seen is { } seen && _head is { } head && seen.BlockNumber >= head)
            {
                _syncedLogged = true;
                RegistryLog.Synced(_logger, seen.BlockNumber, _state.TrustedNodeIds.Count);
            }
        }
    }

    private void OnHead(ulong head)
    {
        DateTimeOffset? recovered;
        lock (_lock)
        {
            _head = head;
            _headSeenAt = _time.GetUtcNow();
            recovered = _unreachableSince;
            _unreachableSince = null;
            if (recovered is not null && !_faulted)
            {
                _problem = null;
            }
        }

        if (recovered is { } since)
        {
            RegistryLog.NodeReachable(_logger, since);
        }
    }

    private void OnUnreachable(Exception cause)
    {
        DateTimeOffset since;
        lock (_lock)
        {
            _problem = cause.Message;
            if (_unreachableSince is not null)
            {
                return;
            }

            since = _time.GetUtcNow();
            _unreachableSince = since;
        }

        var remaining = TimeSpan.FromSeconds(Math.Max(0, Volatile.Read(ref _trustedUntil) - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
        RegistryLog.NodeUnreachable(_logger, since, cause.Message, IsTrusting ? since + remaining : since);
    }

    private void LogProgress(RegistryUpdate update)
    {
        if (update.Head <= update.Checkpoint.BlockNumber || !_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Volatile.Read(ref _lastProgressLog), now) < TimeSpan.FromSeconds(5) && _lastProgressLog != 0)
        {
            return;
        }

        Volatile.Write(ref _lastProgressLog, now);
        RegistryLog.CatchingUp(_logger, update.Checkpoint.BlockNumber, update.Head, update.Head - update.Checkpoint.BlockNumber);
    }

    /// <summary>Tells <see cref="TrustChanged"/>'s handlers, outside the lock; a handler's exception is logged, never thrown into the loop.</summary>
    private void RaiseTrustChanged((Bytes32[] Granted, Bytes32[] Withdrawn)? changes, bool withdrawnAll, string reason)
    {
        if (TrustChanged is not { } handlers || changes is not var (granted, withdrawn))
        {
            return;
        }

        var args = new RegistryTrustChangedEventArgs(granted, withdrawn, withdrawnAll, reason);
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<RegistryTrustChangedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                RegistryLog.TrustHandlerFailed(_logger, ex);
            }
        }
    }

    /// <summary>Wakes the waits for the checkpoint; called under the lock.</summary>
    private void SignalCheckpointMoved()
    {
        var moved = _checkpointMoved;
        _checkpointMoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        moved.TrySetResult();
    }
}
