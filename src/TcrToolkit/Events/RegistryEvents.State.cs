using TcrToolkit.Ethereum;

namespace TcrToolkit.Events;

/// <content>The private state of a <see cref="RegistryEvents"/> enumeration: the remembered recent blocks, the ranges read ahead, and the plan of one step.</content>
public sealed partial class RegistryEvents
{
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
