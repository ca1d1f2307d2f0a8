using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

/// <summary>
/// A scripted chain for <see cref="RegistryEvents"/>: blocks with made-up hashes and registry logs, reorganisations
/// that replace blocks above a height, injected range limits and transport faults.
/// </summary>
internal sealed class ScriptedChain : IRegistryChain
{
    public static readonly Address Registry = Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");

    private readonly Lock _lock = new();
    private readonly List<(Bytes32 Hash, List<Log> Logs)> _blocks = [];
    private TaskCompletionSource _mined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _fork;

    public ScriptedChain(int genesisBlocks = 1)
    {
        for (var i = 0; i < genesisBlocks; i++)
        {
            Mine();
        }
    }

    /// <summary>When set, <c>eth_getLogs</c> over more blocks than this fails as a provider limit would.</summary>
    public ulong? MaxLogRange { get; set; }

    /// <summary>While set, every read fails as a node that does not answer.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Transport faults to throw from the next reads.</summary>
    public int FaultsToThrow { get; set; }

    public List<(ulong From, ulong To)> LogCalls { get; } = [];

    public ulong Head
    {
        get
        {
            lock (_lock)
            {
                return (ulong)_blocks.Count - 1;
            }
        }
    }

    public RegistryCheckpoint CheckpointAt(ulong number)
    {
        lock (_lock)
        {
            return new RegistryCheckpoint(number, _blocks[(int)number].Hash);
        }
    }

    public static Bytes32 NodeId(int n) => Keccak256.HashUtf8("node-" + n);

    public static (string Name, object?[] Arguments) Listed(int node) =>
        ("Listed", [NodeId(node), Address.Parse("0x00000000000000000000000000000000000000a1"), (UInt256)100UL]);

    public static (string Name, object?[] Arguments) Exited(int node) =>
        ("Exited", [NodeId(node), Address.Parse("0x00000000000000000000000000000000000000a1"), (UInt256)100UL]);

    /// <summary>Mines a block holding one log per event, and returns its number.</summary>
    public ulong Mine(params (string Name, object?[] Arguments)[] events)
    {
        TaskCompletionSource mined;
        ulong number;
        lock (_lock)
        {
            number = (ulong)_blocks.Count;
            var hash = Keccak256.HashUtf8($"block {number} fork {_fork}");
            var logs = new List<Log>();
            foreach (var (name, arguments) in events)
            {
                var (topics, data) = TestRegistryAbi.Events[name].EncodeLog(arguments);
                logs.Add(new Log
                {
                    Address = Registry,
                    Topics = topics,
                    Data = data,
                    BlockNumber = number,
                    BlockHash = hash,
                    TransactionHash = Keccak256.HashUtf8($"tx {number} {logs.Count} fork {_fork}"),
                    LogIndex = (ulong)logs.Count,
                });
            }

            _blocks.Add((hash, logs));
            mined = _mined;
            _mined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        mined.TrySetResult();
        return number;
    }

    /// <summary>Replaces the whole chain, genesis included, with <paramref name="blocks"/> new empty blocks (a node replaced by a fresh one).</summary>
    public void ReplaceEverything(int blocks)
    {
        lock (_lock)
        {
            _fork++;
            _blocks.Clear();
        }

        for (var i = 0; i < blocks; i++)
        {
            Mine();
        }
    }

    /// <summary>Drops every block above <paramref name="height"/>; later blocks get new hashes.</summary>
    public void Reorg(ulong height)
    {
        lock (_lock)
        {
            _fork++;
            _blocks.RemoveRange((int)height + 1, _blocks.Count - (int)height - 1);
        }
    }

    public Task<ulong> GetHeadAsync(CancellationToken cancellationToken)
    {
        Fault();
        return Task.FromResult(Head);
    }

    public Task<Bytes32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken)
    {
        Fault();
        lock (_lock)
        {
            return Task.FromResult(number < (ulong)_blocks.Count ? _blocks[(int)number].Hash : (Bytes32?)null);
        }
    }

    public async Task<IReadOnlyList<Bytes32?>> GetBlockHashesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken)
    {
        var hashes = new List<Bytes32?>();
        foreach (var number in numbers)
        {
            hashes.Add(await GetBlockHashAsync(number, cancellationToken));
        }

        return hashes;
    }

    public Task<IReadOnlyList<Log>> GetLogsAsync(ulong from, ulong to, CancellationToken cancellationToken)
    {
        Fault();
        lock (_lock)
        {
            LogCalls.Add((from, to));
            if (to - from + 1 > MaxLogRange)
            {
                throw new RpcErrorException(-32005, "query returned more than 10000 results", null, "scripted", "eth_getLogs");
            }

            IReadOnlyList<Log> logs = [.. _blocks.Skip((int)from).Take((int)(to - from + 1)).SelectMany(b => b.Logs)];
            return Task.FromResult(logs);
        }
    }

    public async Task WaitForNewBlockAsync(ulong knownHead, CancellationToken cancellationToken)
    {
        Task mined;
        lock (_lock)
        {
            mined = _mined.Task;
        }

        await Task.WhenAny(mined, Task.Delay(20, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Fault()
    {
        lock (_lock)
        {
            if (Unreachable)
            {
                throw new RpcUnavailableException("scripted outage", "scripted", "eth_blockNumber");
            }

            if (FaultsToThrow > 0)
            {
                FaultsToThrow--;
                throw new RpcUnavailableException("scripted fault", "scripted", "eth_blockNumber");
            }
        }
    }
}

/// <summary>Reads a stream step by step with a timeout, keeping the enumerator between steps.</summary>
internal sealed class UpdateReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<RegistryUpdate> _updates;

    public UpdateReader(IAsyncEnumerable<RegistryUpdate> updates)
    {
        _updates = updates.GetAsyncEnumerator(_stop.Token);
    }

    public List<RegistryUpdate> All { get; } = [];

    /// <summary>Reads until <paramref name="count"/> non-progress updates came, or fails after the timeout.</summary>
    public async Task<List<RegistryUpdate>> NextEventsAsync(int count, TimeSpan? timeout = null)
    {
        var events = new List<RegistryUpdate>();
        while (events.Count < count)
        {
            var next = await NextAsync(timeout);
            if (next.Kind != RegistryUpdateKind.Progress)
            {
                events.Add(next);
            }
        }

        return events;
    }

    /// <summary>Reads until a progress update at or above <paramref name="blockNumber"/>; returns the events before it.</summary>
    public async Task<List<RegistryUpdate>> UntilProgressAsync(ulong blockNumber, TimeSpan? timeout = null)
    {
        var events = new List<RegistryUpdate>();
        while (true)
        {
            var next = await NextAsync(timeout);
            if (next.Kind != RegistryUpdateKind.Progress)
            {
                events.Add(next);
            }
            else if (next.Checkpoint.BlockNumber >= blockNumber)
            {
                return events;
            }
        }
    }

    /// <summary>Whether the stream has nothing more within <paramref name="wait"/> (the pending read is abandoned).</summary>
    public async Task<RegistryUpdate?> TryNextAsync(TimeSpan wait)
    {
        var move = _pending ?? _updates.MoveNextAsync().AsTask();
        _pending = null;
        if (await Task.WhenAny(move, Task.Delay(wait)) != move)
        {
            _pending = move;
            return null;
        }

        return await Consume(move);
    }

    public async Task<RegistryUpdate> NextAsync(TimeSpan? timeout = null)
    {
        var move = _pending ?? _updates.MoveNextAsync().AsTask();
        _pending = null;
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (await Task.WhenAny(move, Task.Delay(limit)) != move)
        {
            throw new TimeoutException($"No update within {limit}; read so far: {string.Join("; ", All.Select(u => u.Kind + " " + u.Event + " " + u.Checkpoint))}");
        }

        return await Consume(move);
    }

    private Task<bool>? _pending;

    private async Task<RegistryUpdate> Consume(Task<bool> move)
    {
        if (!await move)
        {
            throw new InvalidOperationException("The stream ended.");
        }

        All.Add(_updates.Current);
        return _updates.Current;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_pending is not null)
            {
                await _pending;
            }

            await _updates.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // Stopping the stream cancels its pending read.
        }

        _stop.Dispose();
    }
}
