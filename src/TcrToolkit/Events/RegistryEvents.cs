using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>
/// The registry's events as a stream: catch-up from a checkpoint with <c>eth_getLogs</c> in chunks that adapt to the
/// provider's limits, then a live tail woken by a WebSocket <c>newHeads</c> subscription or by polling; events come
/// once their block is <see cref="RegistryEventsOptions.ConfirmationDepth"/> deep.
/// </summary>
/// <remarks>
/// <para><b>Reorganisations.</b> The stream remembers the hashes of recent blocks it delivered from. Before each read
/// it compares the newest one with the canonical chain; a block hash commits to all its ancestors, so one match means
/// nothing delivered has changed. On a mismatch it walks back to the newest remembered block still canonical, delivers
/// a <see cref="RegistryUpdateKind.Retracted"/> update for every event above it (newest first), and continues from
/// there with the events of the new chain.</para>
/// <para><b>Exactly once.</b> An event's identity is its block hash and log index. The store records each event
/// when the consumer asks for the next update (so the consumer has processed it), and the checkpoint after each block
/// range. A stream started on the same store resumes after the last processed update, with neither gaps nor duplicates;
/// only an update whose processing was interrupted by a crash is delivered again.</para>
/// <para>Live tail: the subscription only wakes the stream; the blocks themselves are always read with
/// <c>eth_getLogs</c> and checked by hash, because a logs subscription cannot tell a block without registry events from
/// one whose logs have not arrived, and drops whatever was sent while it reconnected.</para>
/// </remarks>
public sealed partial class RegistryEvents : IAsyncDisposable
{
    private readonly IRegistryChain _chain;
    private readonly RegistryEventsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _chunkLock = new();
    private int _reading;

    /// <summary>Creates a stream reading through <paramref name="client"/>.</summary>
    /// <param name="client">The client for reads (HTTP or WebSocket); it stays owned by the caller.</param>
    /// <param name="options">The registry and stream settings.</param>
    /// <param name="store">Where the position is kept; <c>null</c> keeps it in memory.</param>
    /// <param name="logger">Where retries and reorganisations are logged; <c>null</c> logs nothing.</param>
    public RegistryEvents(RpcClient client, RegistryEventsOptions options, IRegistryCheckpointStore? store = null, ILogger<RegistryEvents>? logger = null)
        : this(CreateChain(client, options), options, store, logger)
    {
    }

    internal RegistryEvents(IRegistryChain chain, RegistryEventsOptions options, IRegistryCheckpointStore? store, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _chain = chain;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        Store = store ?? new InMemoryRegistryCheckpointStore();
        ChunkPolicy = new LogChunkPolicy(options.InitialChunkSize, Math.Max(options.InitialChunkSize, options.MaxChunkSize));
    }

    /// <summary>The store of the stream's position.</summary>
    public IRegistryCheckpointStore Store { get; }

    /// <summary>The adaptive size of <c>eth_getLogs</c> calls.</summary>
    public LogChunkPolicy ChunkPolicy { get; }

    /// <summary>
    /// The filter of the registry's logs: every log of <paramref name="registry"/>, whatever its topic. Each is decoded
    /// with the generated bindings, and one that is not a registry event is left out.
    /// </summary>
    public static LogFilter CreateLogFilter(Address registry) => new() { Addresses = [registry] };

    /// <summary>The checkpoint of a block: its number and current canonical hash.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The chain has no such block yet.</exception>
    public static async Task<RegistryCheckpoint> GetCheckpointAsync(RpcClient client, ulong blockNumber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var block = await client.GetBlockAsync(BlockTag.FromNumber(blockNumber), cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentOutOfRangeException(nameof(blockNumber), blockNumber, "The chain has no block with this number yet.");
        return new RegistryCheckpoint(block.Number, block.Hash);
    }

    /// <summary>
    /// Reads the stream. It starts after the store's checkpoint when the store has one, otherwise after
    /// <paramref name="start"/> (whose events count as already processed), and ends only through
    /// <paramref name="cancellationToken"/> or an error. One enumeration at a time.
    /// </summary>
    /// <remarks>
    /// An update counts as processed when the consumer asks for the next one. Leaving the loop (a <c>break</c>, an
    /// exception, a crash) leaves the last update unacknowledged: a restart on the same store delivers it again, with
    /// the same <see cref="RegistryEvent.Id"/>, and nothing acknowledged before it.
    /// </remarks>
    /// <param name="start">The block to start after when the store is empty, for example the block before the registry's deployment.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <exception cref="RegistryReorgTooDeepException">The chain changed below the remembered blocks (or the start block is not canonical).</exception>
    /// <exception cref="RpcErrorException">The node refused a read for another reason than a range limit.</exception>
    public async IAsyncEnumerable<RegistryUpdate> ReadAsync(RegistryCheckpoint start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("This registry event stream is already being read; read it from one consumer at a time.");
        }

        var ahead = new ReadAheadQueue(cancellationToken);
        try
        {
            var state = StreamState.Load(Store, start);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Step step;
                try
                {
                    step = await PlanAsync(state, ahead, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RpcUnavailableException or RpcProtocolException)
                {
                    ahead.Discard();
                    // The node is down or its answers are garbled (a proxy's error page): read again after a pause.
                    RegistryLog.ReadFailed(_logger, state.Checkpoint.BlockNumber, _options.RetryDelay, ex.Message, ex);
                    await Task.Delay(_options.RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (step.ForkPoint is { } fork)
                {
                    RegistryLog.Reorganised(_logger, fork.BlockNumber, state.Checkpoint.BlockNumber, step.Orphaned.Sum(o => o.Events.Count));
                    foreach (var orphan in step.Orphaned)
                    {
                        for (var i = orphan.Events.Count - 1; i >= 0; i--)
                        {
                            var retracted = orphan.Events[i];
                            yield return new RegistryUpdate(RegistryUpdateKind.Retracted, retracted, fork, step.Head);
                            Store.SaveRetracted(retracted);
                            orphan.Remove(retracted);
                        }
                    }

                    state.Advance(fork, KeepFrom(fork, step.Head));
                    Store.SaveCheckpoint(fork, KeepFrom(fork, step.Head));
                    continue;
                }

                if (step.NewCheckpoint is not { } checkpoint)
                {
                    if (step.Inconsistent)
                    {
                        // The chain moved under the reads (a reorganisation in progress): let it settle.
                        await Task.Delay(_options.RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    }
                    else if (step.Wait)
                    {
                        try
                        {
                            await _chain.WaitForNewBlockAsync(step.Head, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is RpcUnavailableException or RpcProtocolException)
                        {
                            RegistryLog.ReadFailed(_logger, state.Checkpoint.BlockNumber, _options.RetryDelay, ex.Message, ex);
                            await Task.Delay(_options.RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    continue;
                }

                foreach (var block in step.Blocks)
                {
                    var recent = state.Record(block.Block);
                    foreach (var added in block.Events)
                    {
                        if (recent.Contains(added.Log.LogIndex))
                        {
                            continue;
                        }

                        yield return new RegistryUpdate(RegistryUpdateKind.Added, added, state.Checkpoint, step.Head);
                        recent.Add(added);
                        Store.SaveDelivered(added);
                    }
                }

                state.Advance(checkpoint, KeepFrom(checkpoint, step.Head));
                Store.SaveCheckpoint(checkpoint, KeepFrom(checkpoint, step.Head));
                yield return new RegistryUpdate(RegistryUpdateKind.Progress, null, checkpoint, step.Head);
            }
        }
        finally
        {
            await ahead.DisposeAsync().ConfigureAwait(false);
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _chain.DisposeAsync();

    /// <summary>The event a log read in a range is delivered as: <c>null</c> for a removed log or one that is not a registry event.</summary>
    internal static RegistryEvent? SelectEvent(Log log) => log.Removed ? null : RegistryEvent.TryDecode(log);

    private static RpcRegistryChain CreateChain(RpcClient client, RegistryEventsOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new RpcRegistryChain(client, options.Registry, options.WebSocketEndpoint, options.WebSocketOptions, options.PollInterval, options.TimeProvider);
    }

    /// <summary>
    /// The oldest block to remember: the window below the head, as no deeper block is checked or retracted (a chain
    /// changed below every remembered block ends the stream with <see cref="RegistryReorgTooDeepException"/>), and
    /// never above the checkpoint.
    /// </summary>
    private ulong KeepFrom(RegistryCheckpoint checkpoint, ulong head)
    {
        var window = (ulong)_options.ReorgWindow;
        var top = Math.Max(checkpoint.BlockNumber, head);
        return Math.Min(checkpoint.BlockNumber, top > window ? top - window : 0);
    }

    /// <summary>Decides what to deliver next from the chain's state, without changing the stream's state.</summary>
    private async Task<Step> PlanAsync(StreamState state, ReadAheadQueue ahead, CancellationToken cancellationToken)
    {
        var from = state.Checkpoint.BlockNumber + 1;
        if (ahead.TakeIfStartsAt(from) is { } next)
        {
            // A range read ahead. Its hash checks include the block before it, read after its logs: when that is still
            // the block delivered last, nothing delivered has changed and the range continues the same chain.
            RangeRead read;
            try
            {
                read = await next.ConfigureAwait(false);
            }
            catch
            {
                ahead.Discard();
                throw;
            }

            if (read.Hashes.GetValueOrDefault(state.Checkpoint.BlockNumber) == state.Checkpoint.BlockHash &&
                Build(state, read) is { NewCheckpoint: not null } readStep)
            {
                ScheduleReadAhead(ahead, read.To + 1, read.Target, read.Head);
                return readStep;
            }
        }

        ahead.Discard();
        var head = await _chain.GetHeadAsync(cancellationToken).ConfigureAwait(false);

        var newest = state.Newest;
        var canonical = await _chain.GetBlockHashAsync(newest.Number, cancellationToken).ConfigureAwait(false);
        if (canonical != newest.Hash)
        {
            var orphaned = new List<RecentBlock>();
            // A walk back of at most the remembered blocks; a chain replaced under the stream matches none of them.
            foreach (var recent in state.NewestFirst())
            {
                var hash = recent == newest ? canonical : await _chain.GetBlockHashAsync(recent.Number, cancellationToken).ConfigureAwait(false);
                if (hash == recent.Hash)
                {
                    return new Step(head) { ForkPoint = recent.Block, Orphaned = orphaned };
                }

                orphaned.Add(recent);
            }

            throw new RegistryReorgTooDeepException(state.Oldest.Block, newest.Block);
        }

        var depth = (ulong)_options.ConfirmationDepth;
        if (head < depth || head - depth <= state.Checkpoint.BlockNumber)
        {
            return new Step(head) { Wait = true };
        }

        var target = head - depth;
        var range = await ReadRangeAsync(from, RangeEnd(from, target, head), target, head, cancellationToken).ConfigureAwait(false);
        var step = Build(state, range);
        if (step.NewCheckpoint is not null)
        {
            ScheduleReadAhead(ahead, range.To + 1, target, head);
        }

        return step;
    }

    /// <summary>The last block of the range from <paramref name="from"/>, at the chunk policy's current size.</summary>
    private ulong RangeEnd(ulong from, ulong target, ulong head)
    {
        ulong size;
        lock (_chunkLock)
        {
            size = ChunkPolicy.Size;
        }

        var to = Math.Min(target, from + size - 1);
        if (_options.ProgressDepth is { } cut)
        {
            // Up to the block `cut` below the head in one range; then one block per range, so that each block
            // that later becomes `cut` deep has its own progress update.
            var mark = head >= (ulong)cut ? head - (ulong)cut : (ulong?)null;
            to = mark is { } m && from <= m ? Math.Min(to, m) : from;
        }

        return to;
    }

    /// <summary>Starts reading the ranges after <paramref name="from"/>, up to <paramref name="target"/>, while the consumer works.</summary>
    private void ScheduleReadAhead(ReadAheadQueue ahead, ulong from, ulong target, ulong head)
    {
        from = Math.Max(from, ahead.NextFrom ?? from);
        while (ahead.Count < _options.ReadAhead && from <= target)
        {
            var (rangeFrom, rangeTo) = (from, RangeEnd(from, target, head));
            ahead.Add(rangeFrom, rangeTo, token => ReadRangeAsync(rangeFrom, rangeTo, target, head, token));
            from = rangeTo + 1;
        }
    }

    /// <summary>
    /// Reads the registry's events in a range (halved while the provider refuses it as too large), then, in one batch,
    /// the hashes of the block before it, of its last block, and of every block with events near enough to the head to
    /// be reorganised.
    /// </summary>
    private async Task<RangeRead> ReadRangeAsync(ulong from, ulong to, ulong target, ulong head, CancellationToken cancellationToken)
    {
        IReadOnlyList<RegistryEvent> events;
        while (true)
        {
            try
            {
                events = await _chain.GetEventsAsync(from, to, cancellationToken).ConfigureAwait(false);
                lock (_chunkLock)
                {
                    ChunkPolicy.OnSuccess();
                }

                break;
            }
            catch (RpcErrorException ex) when (LogChunkPolicy.IsLimitError(ex) && ShrinkChunk(to - from + 1))
            {
                // Asked for too much: try again with half the range.
                to = RangeEnd(from, Math.Min(to, target), head);
            }
        }

        var window = (ulong)_options.ReorgWindow;
        var checkedNumbers = new List<ulong>();
        if (from > 0)
        {
            checkedNumbers.Add(from - 1);
        }

        foreach (var e in events)
        {
            var number = e.Log.BlockNumber;
            if (number != to && number + window > head && (checkedNumbers.Count == 0 || checkedNumbers[^1] != number))
            {
                checkedNumbers.Add(number);
            }
        }

        checkedNumbers.Add(to);
        var checkedHashes = await _chain.GetBlockHashesAsync(checkedNumbers, cancellationToken).ConfigureAwait(false);
        var hashes = new Dictionary<ulong, Bytes32?>(checkedNumbers.Count);
        for (var i = 0; i < checkedNumbers.Count; i++)
        {
            hashes[checkedNumbers[i]] = checkedHashes[i];
        }

        return new RangeRead(from, to, target, head, events, hashes);
    }

    /// <summary>
    /// Records a refusal of <paramref name="span"/> blocks; <c>false</c> when the size cannot shrink. A refusal of a
    /// range larger than the current size (a read ahead planned before another refusal) does not halve it again.
    /// </summary>
    private bool ShrinkChunk(ulong span)
    {
        lock (_chunkLock)
        {
            return ChunkPolicy.Size < span || ChunkPolicy.OnLimitExceeded();
        }
    }

    /// <summary>The step a range read gives, checked against the stream's state; an inconsistent step when the chain moved under the reads.</summary>
    private static Step Build(StreamState state, RangeRead range)
    {
        var head = range.Head;
        if (range.Hashes[range.To] is not { } toHash)
        {
            return new Step(head);
        }

        var events = range.Events;
        if (!IsInBlockOrder(events))
        {
            var sorted = events.ToArray();
            // Stable, as the node's order is kept for equal positions.
            events = [.. sorted.Select((e, i) => (e, i)).OrderBy(x => x.e.Log.BlockNumber).ThenBy(x => x.e.Log.LogIndex).ThenBy(x => x.i).Select(x => x.e)];
        }

        var blocks = new List<BlockEvents>();
        var first = 0;
        while (first < events.Count)
        {
            var number = events[first].Log.BlockNumber;
            var hash = events[first].Log.BlockHash;
            var last = first;
            while (last + 1 < events.Count && events[last + 1].Log.BlockNumber == number)
            {
                last++;
                if (events[last].Log.BlockHash != hash)
                {
                    return new Step(head);
                }
            }

            if (state.Find(number) is { } known && known.Hash != hash)
            {
                return new Step(head);
            }

            // A log read in the same call as an orphaned block may belong to it: recent blocks are checked by hash.
            if (range.Hashes.TryGetValue(number, out var expected) && expected != hash)
            {
                return new Step(head);
            }

            var blockEvents = new RegistryEvent[last - first + 1];
            for (var i = first; i <= last; i++)
            {
                blockEvents[i - first] = events[i];
            }

            blocks.Add(new BlockEvents(new RegistryCheckpoint(number, hash), blockEvents));
            first = last + 1;
        }

        return new Step(head) { NewCheckpoint = new RegistryCheckpoint(range.To, toHash), Blocks = blocks };
    }

    private static bool IsInBlockOrder(IReadOnlyList<RegistryEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            var (a, b) = (events[i - 1].Log, events[i].Log);
            if (a.BlockNumber > b.BlockNumber || (a.BlockNumber == b.BlockNumber && a.LogIndex > b.LogIndex))
            {
                return false;
            }
        }

        return true;
    }
}
