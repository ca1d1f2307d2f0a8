using System.Runtime.CompilerServices;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>Settings of a <see cref="RegistryEvents"/> stream.</summary>
public sealed class RegistryEventsOptions
{
    /// <summary>The registry contract.</summary>
    public Address Registry { get; set; }

    /// <summary>
    /// How many blocks must be built on an event's block before it is delivered: 0 delivers at the head; with
    /// <c>d</c>, an event in block <c>b</c> comes once the head is at least <c>b + d</c>.
    /// </summary>
    public int ConfirmationDepth { get; set; } = 2;

    /// <summary>How often the head is polled without a subscription, and the longest wait with one.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait before reading again after the node could not be reached.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A WebSocket endpoint for <c>newHeads</c>; <c>null</c> polls.</summary>
    public Uri? WebSocketEndpoint { get; set; }

    /// <summary>Timeouts and reconnects of the WebSocket, or <c>null</c> for the defaults.</summary>
    public WebSocketRpcTransportOptions? WebSocketOptions { get; set; }

    /// <summary>The block count of the first <c>eth_getLogs</c> call.</summary>
    public ulong InitialChunkSize { get; set; } = 2_000;

    /// <summary>The largest block count of one <c>eth_getLogs</c> call.</summary>
    public ulong MaxChunkSize { get; set; } = 50_000;

    /// <summary>
    /// How many block ranges past the one being delivered the catch-up reads in the meantime (each an
    /// <c>eth_getLogs</c> call and its hash checks), so that the node works while the consumer does; 0 reads one range
    /// at a time. Ranges read ahead are checked against the chain like any other before they are delivered.
    /// </summary>
    public int ReadAhead { get; set; } = 2;

    /// <summary>
    /// How many blocks below the head the stream remembers (below the checkpoint, once caught up): the deepest
    /// reorganisation it can retract, and the depth within which it checks each event's block hash after reading logs.
    /// During a catch-up, blocks deeper than this below the head are not kept, so memory does not grow with history.
    /// </summary>
    public int ReorgWindow { get; set; } = 256;

    /// <summary>The clock for polling and retry delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// A depth at which catch-up ranges are cut, and below which each block is read alone, so that a progress update
    /// marks every block that becomes that deep (the mirror confirms its changes there).
    /// </summary>
    internal int? ProgressDepth { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ConfirmationDepth, nameof(ConfirmationDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReorgWindow, 1, nameof(ReorgWindow));
        ArgumentOutOfRangeException.ThrowIfNegative(ReadAhead, nameof(ReadAhead));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(RetryDelay.Ticks, nameof(RetryDelay));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (Registry == Address.Zero)
        {
            throw new ArgumentException("Set RegistryEventsOptions.Registry to the registry contract's address.", nameof(Registry));
        }
    }
}

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
public sealed class RegistryEvents : IAsyncDisposable
{
    private readonly IRegistryChain _chain;
    private readonly RegistryEventsOptions _options;
    private readonly Lock _chunkLock = new();
    private int _reading;

    /// <summary>Creates a stream reading through <paramref name="client"/>.</summary>
    /// <param name="client">The client for reads (HTTP or WebSocket); it stays owned by the caller.</param>
    /// <param name="options">The registry and stream settings.</param>
    /// <param name="store">Where the position is kept; <c>null</c> keeps it in memory.</param>
    public RegistryEvents(RpcClient client, RegistryEventsOptions options, IRegistryCheckpointStore? store = null)
        : this(CreateChain(client, options), options, store)
    {
    }

    internal RegistryEvents(IRegistryChain chain, RegistryEventsOptions options, IRegistryCheckpointStore? store)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _chain = chain;
        _options = options;
        Store = store ?? new InMemoryRegistryCheckpointStore();
        ChunkPolicy = new LogChunkPolicy(options.InitialChunkSize, Math.Max(options.InitialChunkSize, options.MaxChunkSize));
    }

    /// <summary>The store of the stream's position.</summary>
    public IRegistryCheckpointStore Store { get; }

    /// <summary>The adaptive size of <c>eth_getLogs</c> calls.</summary>
    public LogChunkPolicy ChunkPolicy { get; }

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
                    await Task.Delay(_options.RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (step.ForkPoint is { } fork)
                {
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

    /// <summary>A range's events and the hashes checked after reading them; <see cref="Target"/> and <see cref="Head"/> as they were when it was planned.</summary>
    private sealed record RangeRead(ulong From, ulong To, ulong Target, ulong Head, IReadOnlyList<RegistryEvent> Events, Dictionary<ulong, Bytes32?> Hashes);

    /// <summary>
    /// The ranges being read ahead, in block order, under one cancellation that <see cref="Discard"/> fires: a range
    /// is taken only when it starts right after the checkpoint, and anything else throws the queue away.
    /// </summary>
    private sealed class ReadAheadQueue(CancellationToken cancellationToken) : IAsyncDisposable
    {
        private readonly Queue<(ulong From, ulong To, Task<RangeRead> Read)> _reads = new();
        private readonly List<Task> _discarded = [];
        private CancellationTokenSource? _stop;

        public int Count => _reads.Count;

        /// <summary>The block after the last range queued, or <c>null</c> when none is.</summary>
        public ulong? NextFrom => _reads.Count == 0 ? null : _reads.Last().To + 1;

        public void Add(ulong from, ulong to, Func<CancellationToken, Task<RangeRead>> read)
        {
            _stop ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = _stop.Token;
            _reads.Enqueue((from, to, Task.Run(() => read(token), token)));
        }

        public Task<RangeRead>? TakeIfStartsAt(ulong from)
        {
            if (_reads.TryPeek(out var next) && next.From == from)
            {
                _reads.Dequeue();
                return next.Read;
            }

            return null;
        }

        public void Discard()
        {
            if (_stop is null)
            {
                return;
            }

            _stop.Cancel();
            _stop.Dispose();
            _stop = null;
            // Reads thrown away earlier that have ended are let go, their faults observed.
            _discarded.RemoveAll(static read =>
            {
                if (!read.IsCompleted)
                {
                    return false;
                }

                _ = read.Exception;
                return true;
            });
            while (_reads.TryDequeue(out var read))
            {
                _discarded.Add(read.Read);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Discard();
            foreach (var read in _discarded)
            {
                await read.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            _discarded.Clear();
        }
    }

    private sealed record BlockEvents(RegistryCheckpoint Block, IReadOnlyList<RegistryEvent> Events);

    private sealed record Step(ulong Head)
    {
        public bool Wait { get; init; }

        public bool Inconsistent => !Wait && ForkPoint is null && NewCheckpoint is null;

        public RegistryCheckpoint? ForkPoint { get; init; }

        public IReadOnlyList<RecentBlock> Orphaned { get; init; } = [];

        public RegistryCheckpoint? NewCheckpoint { get; init; }

        public IReadOnlyList<BlockEvents> Blocks { get; init; } = [];
    }

    /// <summary>A remembered block and the events delivered from it, in log index order (the order of delivery).</summary>
    private sealed class RecentBlock(RegistryCheckpoint block)
    {
        private readonly List<RegistryEvent> _events = [];

        public RegistryCheckpoint Block { get; } = block;

        public ulong Number => Block.BlockNumber;

        public Bytes32 Hash => Block.BlockHash;

        public List<RegistryEvent> Events => _events;

        public bool Contains(ulong logIndex) => IndexOf(logIndex, out _) >= 0;

        public void Add(RegistryEvent e)
        {
            var logIndex = e.Log.LogIndex;
            if (_events.Count == 0 || _events[^1].Log.LogIndex < logIndex)
            {
                _events.Add(e);
            }
            else if (IndexOf(logIndex, out var insertAt) < 0)
            {
                _events.Insert(insertAt, e);
            }
        }

        public void Remove(RegistryEvent e)
        {
            if (IndexOf(e.Log.LogIndex, out _) is var at and >= 0 && _events[at].Equals(e))
            {
                _events.RemoveAt(at);
            }
        }

        /// <summary>The position of the event at <paramref name="logIndex"/>, or -1 and where it would go.</summary>
        private int IndexOf(ulong logIndex, out int insertAt)
        {
            int low = 0, high = _events.Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                var found = _events[middle].Log.LogIndex;
                if (found == logIndex)
                {
                    insertAt = middle;
                    return middle;
                }

                if (found < logIndex)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            insertAt = low;
            return -1;
        }
    }

    /// <summary>The checkpoint and the remembered recent blocks of one enumeration.</summary>
    private sealed class StreamState
    {
        private readonly SortedDictionary<ulong, RecentBlock> _recent = [];

        private StreamState(RegistryCheckpoint checkpoint)
        {
            Checkpoint = checkpoint;
            _recent[checkpoint.BlockNumber] = new RecentBlock(checkpoint);
        }

        public RegistryCheckpoint Checkpoint { get; private set; }

        public RecentBlock Newest => _recent.Values.Last();

        public RecentBlock Oldest => _recent.Values.First();

        public static StreamState Load(IRegistryCheckpointStore store, RegistryCheckpoint start)
        {
            if (store.Load() is not { } saved)
            {
                // Saved at once, so that events delivered before the first range completes are found on a restart.
                store.SaveCheckpoint(start, start.BlockNumber);
                return new StreamState(start);
            }

            var state = new StreamState(saved.Checkpoint);
            foreach (var block in saved.RecentBlocks)
            {
                state.Record(block);
            }

            foreach (var log in saved.DeliveredLogs)
            {
                if (state.Find(log.BlockNumber) is { } recent && recent.Hash == log.BlockHash && RegistryEvent.TryDecode(log) is { } e)
                {
                    recent.Add(e);
                }
            }

            return state;
        }

        public RecentBlock? Find(ulong number) => _recent.GetValueOrDefault(number);

        public List<RecentBlock> NewestFirst() => _recent.Values.Reverse().ToList();

        public RecentBlock Record(RegistryCheckpoint block)
        {
            if (!_recent.TryGetValue(block.BlockNumber, out var recent) || recent.Hash != block.BlockHash)
            {
                recent = new RecentBlock(block);
                _recent[block.BlockNumber] = recent;
            }

            return recent;
        }

        /// <summary>Moves the checkpoint, forgetting blocks above it (an abandoned fork) and below <paramref name="keepFrom"/>.</summary>
        public void Advance(RegistryCheckpoint checkpoint, ulong keepFrom)
        {
            Checkpoint = checkpoint;
            foreach (var number in _recent.Keys.Where(n => n > checkpoint.BlockNumber || n < keepFrom).ToList())
            {
                _recent.Remove(number);
            }

            Record(checkpoint);
        }
    }
}

/// <summary>
/// The chain changed below every block the stream remembers (or its start block is not on the canonical chain), so
/// it cannot say which delivered events to retract. Rebuild the follower's state from a new checkpoint, or raise
/// <see cref="RegistryEventsOptions.ReorgWindow"/> and <see cref="RegistryEventsOptions.ConfirmationDepth"/>.
/// </summary>
public sealed class RegistryReorgTooDeepException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="oldest">The oldest remembered block, no longer canonical.</param>
    /// <param name="newest">The newest remembered block, no longer canonical.</param>
    public RegistryReorgTooDeepException(RegistryCheckpoint oldest, RegistryCheckpoint newest)
        : base($"The chain no longer contains any remembered block from {oldest} to {newest}: the reorganisation is deeper than the stream's memory, or the start checkpoint is not on this chain. Rebuild from a new checkpoint, or raise ReorgWindow and ConfirmationDepth.")
    {
        Oldest = oldest;
        Newest = newest;
    }

    /// <summary>The oldest remembered block.</summary>
    public RegistryCheckpoint Oldest { get; }

    /// <summary>The newest remembered block.</summary>
    public RegistryCheckpoint Newest { get; }
}
