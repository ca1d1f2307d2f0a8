using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>
/// Chain reads over JSON-RPC. New blocks are noticed through a WebSocket <c>newHeads</c> subscription when an endpoint
/// is given, and by polling <c>eth_blockNumber</c> otherwise or once the subscription fails. A reconnect of the
/// subscription (its <see cref="SubscriptionEventKind.Reconnected"/> mark) wakes the stream like a new head does: the
/// stream always reads the missed range with <c>eth_getLogs</c>, so nothing sent while disconnected is lost.
/// </summary>
internal sealed class RpcRegistryChain : IRegistryChain
{
    private readonly RpcClient _client;
    private readonly LogFilter _filter;
    private readonly Uri? _webSocketEndpoint;
    private readonly WebSocketRpcTransportOptions? _webSocketOptions;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _newHead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RpcClient? _webSocket;
    private Task? _pump;
    private bool _webSocketFailed;

    public RpcRegistryChain(RpcClient client, Address registry, Uri? webSocketEndpoint, WebSocketRpcTransportOptions? webSocketOptions, TimeSpan pollInterval, TimeProvider time)
    {
        _client = client;
        _filter = RegistryEvents.CreateLogFilter(registry);
        _webSocketEndpoint = webSocketEndpoint;
        _webSocketOptions = webSocketOptions;
        _pollInterval = pollInterval;
        _time = time;
    }

    /// <summary>Whether new heads come from a live WebSocket subscription (rather than polling).</summary>
    public bool IsSubscribed => _pump is { IsCompleted: false };

    public Task<ulong> GetHeadAsync(CancellationToken cancellationToken) => _client.GetBlockNumberAsync(cancellationToken);

    public async Task<Bytes32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken) =>
        (await _client.GetBlockAsync(BlockTag.FromNumber(number), cancellationToken).ConfigureAwait(false))?.Hash;

    public async Task<IReadOnlyList<Bytes32?>> GetBlockHashesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken)
    {
        if (numbers.Count <= 1)
        {
            return numbers.Count == 0 ? [] : [await GetBlockHashAsync(numbers[0], cancellationToken).ConfigureAwait(false)];
        }

        var hashes = new List<Bytes32?>(numbers.Count);
        // Batches of 100 calls: providers cap batch sizes, and a batch is never retried as a whole.
        foreach (var chunk in numbers.Chunk(100))
        {
            var calls = chunk.Select(n => EthCalls.GetBlock(BlockTag.FromNumber(n))).ToList();
            await _client.SendBatchAsync(calls, cancellationToken).ConfigureAwait(false);
            foreach (var call in calls)
            {
                hashes.Add((await call.Task.ConfigureAwait(false))?.Hash);
            }
        }

        return hashes;
    }

    public Task<IReadOnlyList<Log>> GetLogsAsync(ulong from, ulong to, CancellationToken cancellationToken) =>
        _client.GetLogsAsync(_filter with { FromBlock = from, ToBlock = to }, cancellationToken);

    public Task<IReadOnlyList<RegistryEvent>> GetEventsAsync(ulong from, ulong to, CancellationToken cancellationToken) =>
        _client.GetLogsAsync(_filter with { FromBlock = from, ToBlock = to }, RegistryEvents.SelectEvent, cancellationToken);

    public async Task WaitForNewBlockAsync(ulong knownHead, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            signal = _newHead.Task;
        }

        await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        // A head announced before the signal was taken would otherwise wait for the next one.
        if (IsSubscribed && await GetHeadAsync(cancellationToken).ConfigureAwait(false) > knownHead)
        {
            return;
        }

        // The poll interval bounds the wait even with a subscription: a silent socket must not stall the stream.
        var delay = Task.Delay(_pollInterval, _time, cancellationToken);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_webSocket is not null)
        {
            await _webSocket.DisposeAsync().ConfigureAwait(false);
        }

        if (_pump is not null)
        {
            await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (_webSocketEndpoint is null || _webSocketFailed || _pump is not null)
        {
            return;
        }

        try
        {
            _webSocket = await RpcClient.ConnectWebSocketAsync(_webSocketEndpoint, new RpcClientOptions { MaxReadRetries = 0 }, _webSocketOptions, cancellationToken).ConfigureAwait(false);
            var subscription = await _webSocket.SubscribeNewHeadsAsync(cancellationToken).ConfigureAwait(false);
            _pump = PumpAsync(subscription);
        }
        catch (Exception ex) when (ex is RpcException or NotSupportedException)
        {
            // No subscription: polling carries on alone.
            _webSocketFailed = true;
            if (_webSocket is not null)
            {
                await _webSocket.DisposeAsync().ConfigureAwait(false);
                _webSocket = null;
            }
        }
    }

    private async Task PumpAsync(RpcSubscription<BlockHeader> subscription)
    {
        try
        {
            try
            {
                await foreach (var _ in subscription.WithCancellation(_stop.Token).ConfigureAwait(false))
                {
                    Signal();
                }
            }
            finally
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or ObjectDisposedException)
        {
            // The subscription ended; polling takes over.
        }
        finally
        {
            _webSocketFailed = true;
            Signal();
        }
    }

    private void Signal()
    {
        TaskCompletionSource fired;
        lock (_lock)
        {
            fired = _newHead;
            _newHead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }
}
