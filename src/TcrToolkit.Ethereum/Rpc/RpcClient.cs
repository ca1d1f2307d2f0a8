using TcrToolkit.Ethereum.Abi;
using System.Collections.Concurrent;
using Polly;
using Polly.Retry;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>Settings for <see cref="RpcClient"/>.</summary>
public sealed class RpcClientOptions
{
    /// <summary>
    /// How many times a read-only call is repeated after a transport fault or timeout (0 disables retries). Calls that
    /// change state, <c>eth_sendRawTransaction</c> above all, are never repeated.
    /// </summary>
    public int MaxReadRetries { get; set; } = 3;

    /// <summary>The first retry delay; it doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Decodes revert data for <see cref="ContractRevertedException"/>; <c>null</c> leaves reverts undecoded.</summary>
    public RevertDecoder? RevertDecoder { get; set; } = RevertDecoder.Standard;

    /// <summary>The clock for retry delays; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Typed Ethereum JSON-RPC calls over an <see cref="IRpcTransport"/>. Read-only calls are retried on transport faults
/// (Polly, exponential backoff); state-changing calls never are. Reverts surface as
/// <see cref="ContractRevertedException"/> with the raw revert data, decoded by <see cref="RpcClientOptions.RevertDecoder"/>.
/// </summary>
public sealed class RpcClient : IAsyncDisposable
{
    private readonly ResiliencePipeline _readPipeline;
    private readonly bool _ownsTransport;
    private readonly ConcurrentDictionary<Address, NonceTracker> _nonceTrackers = new();

    /// <summary>Creates a client over a transport.</summary>
    /// <param name="transport">The transport; see <see cref="HttpRpcTransport"/> and <see cref="WebSocketRpcTransport"/>.</param>
    /// <param name="options">Retry and decoding settings; <c>null</c> for the defaults.</param>
    /// <param name="ownsTransport">Whether disposing the client disposes the transport.</param>
    public RpcClient(IRpcTransport transport, RpcClientOptions? options = null, bool ownsTransport = true)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new RpcClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxReadRetries, nameof(options));
        Transport = transport;
        RevertDecoder = options.RevertDecoder;
        TimeProvider = options.TimeProvider;
        _ownsTransport = ownsTransport;
        _readPipeline = options.MaxReadRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<RpcUnavailableException>(),
                    MaxRetryAttempts = options.MaxReadRetries,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                })
                .Build();
    }

    /// <summary>Creates a client over HTTP(S).</summary>
    /// <param name="endpoint">The node's URL.</param>
    /// <param name="options">Retry and decoding settings.</param>
    /// <param name="transportOptions">Timeouts for the HTTP transport.</param>
    public static RpcClient CreateHttp(Uri endpoint, RpcClientOptions? options = null, HttpRpcTransportOptions? transportOptions = null) =>
        new(new HttpRpcTransport(endpoint, null, transportOptions), options);

    /// <summary>Connects a client over a WebSocket, which also serves subscriptions.</summary>
    /// <param name="endpoint">The node's ws or wss URL.</param>
    /// <param name="options">Retry and decoding settings.</param>
    /// <param name="transportOptions">Timeouts and reconnect backoff for the WebSocket transport.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <exception cref="RpcUnavailableException">The node could not be reached.</exception>
    public static async Task<RpcClient> ConnectWebSocketAsync(
        Uri endpoint,
        RpcClientOptions? options = null,
        WebSocketRpcTransportOptions? transportOptions = null,
        CancellationToken cancellationToken = default) =>
        new(await WebSocketRpcTransport.ConnectAsync(endpoint, transportOptions, cancellationToken).ConfigureAwait(false), options);

    /// <summary>The transport the client sends through.</summary>
    public IRpcTransport Transport { get; }

    /// <summary>The decoder used for revert data, or <c>null</c>.</summary>
    public RevertDecoder? RevertDecoder { get; }

    /// <summary>The client's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Sends one call made by <paramref name="createCall"/> and returns its result. A read-only call is created and sent
    /// again after a transport fault, up to <see cref="RpcClientOptions.MaxReadRetries"/> times.
    /// </summary>
    /// <exception cref="RpcUnavailableException">The node could not be reached or did not answer in time.</exception>
    /// <exception cref="RpcErrorException">The node refused the call.</exception>
    /// <exception cref="ContractRevertedException">The call reverted.</exception>
    /// <exception cref="RpcProtocolException">The answer was malformed.</exception>
    public async Task<T> SendAsync<T>(Func<RpcCall<T>> createCall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createCall);
        try
        {
            var probe = createCall();
            if (!probe.IsReadOnly)
            {
                return await SendOnceAsync(probe, cancellationToken).ConfigureAwait(false);
            }

            var first = true;
            return await _readPipeline.ExecuteAsync(
                async ct =>
                {
                    var call = first ? probe : createCall();
                    first = false;
                    return await SendOnceAsync(call, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RpcErrorException ex) when (AsRevert(ex) is { } revert)
        {
            throw revert;
        }
    }

    /// <summary>
    /// Sends the calls in one request (a JSON-RPC batch array) and waits until each has completed; then read each
    /// call's <see cref="RpcCall{T}.Task"/>. A batch is never retried; calls fail independently.
    /// </summary>
    public Task SendBatchAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken = default) =>
        Transport.SendAsync(calls, cancellationToken);

    /// <summary>The chain id (<c>eth_chainId</c>).</summary>
    public Task<ulong> GetChainIdAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthCalls.ChainId, cancellationToken);

    /// <summary>The latest block number (<c>eth_blockNumber</c>).</summary>
    public Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthCalls.BlockNumber, cancellationToken);

    /// <summary>A block by number or tag, or <c>null</c> when it does not exist.</summary>
    public Task<Block?> GetBlockAsync(BlockTag block, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetBlock(block), cancellationToken);

    /// <summary>A block by hash, or <c>null</c> when the node does not know it.</summary>
    public Task<Block?> GetBlockAsync(Bytes32 blockHash, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetBlock(blockHash), cancellationToken);

    /// <summary>An account's balance in wei.</summary>
    public Task<UInt256> GetBalanceAsync(Address account, BlockTag block = default, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetBalance(account, block), cancellationToken);

    /// <summary>An account's transaction count (nonce); <see cref="BlockTag.Pending"/> includes queued transactions.</summary>
    public Task<ulong> GetTransactionCountAsync(Address account, BlockTag block = default, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetTransactionCount(account, block), cancellationToken);

    /// <summary>An account's code.</summary>
    public Task<byte[]> GetCodeAsync(Address account, BlockTag block = default, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetCode(account, block), cancellationToken);

    /// <summary>Simulates a call and returns its return data.</summary>
    /// <exception cref="ContractRevertedException">The call reverted.</exception>
    public Task<byte[]> CallAsync(CallRequest request, BlockTag block = default, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.Call(request, block), cancellationToken);

    /// <summary>Estimates the gas a transaction needs.</summary>
    /// <exception cref="ContractRevertedException">The transaction would revert.</exception>
    public Task<ulong> EstimateGasAsync(CallRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.EstimateGas(request), cancellationToken);

    /// <summary>Base fees, gas use and priority fee percentiles over recent blocks.</summary>
    public Task<FeeHistory> GetFeeHistoryAsync(
        ulong blockCount, BlockTag newestBlock = default, IReadOnlyList<double>? rewardPercentiles = null, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.FeeHistory(blockCount, newestBlock, rewardPercentiles), cancellationToken);

    /// <summary>The node's suggested priority fee in wei per gas.</summary>
    public Task<UInt256> GetMaxPriorityFeePerGasAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthCalls.MaxPriorityFeePerGas, cancellationToken);

    /// <summary>The node's suggested legacy gas price in wei per gas.</summary>
    public Task<UInt256> GetGasPriceAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthCalls.GasPrice, cancellationToken);

    /// <summary>Submits a signed transaction; never retried, because a repeat could be a second send.</summary>
    /// <exception cref="RpcUnavailableException">The outcome is unknown: the node may or may not have received it.</exception>
    /// <exception cref="RpcErrorException">The node rejected it (bad nonce, fees, balance…).</exception>
    /// <exception cref="ContractRevertedException">
    /// An automining development node (Hardhat) executed it on submission and it reverted; it is mined all the same.
    /// </exception>
    public Task<Bytes32> SendRawTransactionAsync(SignedTransaction transaction, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.SendRawTransaction(transaction), cancellationToken);

    /// <summary>A transaction's receipt, or <c>null</c> while it is not mined.</summary>
    public Task<TransactionReceipt?> GetTransactionReceiptAsync(Bytes32 transactionHash, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetTransactionReceipt(transactionHash), cancellationToken);

    /// <summary>Logs matching a filter.</summary>
    public Task<IReadOnlyList<Log>> GetLogsAsync(LogFilter filter, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetLogs(filter), cancellationToken);

    /// <summary>
    /// Logs matching a filter, each kept as <paramref name="select"/> turns it into a <typeparamref name="T"/> as soon
    /// as it is read (<c>null</c> drops it): over HTTP the answer is parsed while it arrives, so only the selected
    /// values are held. After a transport fault the call is sent again and the selection starts over.
    /// </summary>
    /// <exception cref="RpcErrorException">The node refused the call (for example, too many results).</exception>
    /// <exception cref="RpcProtocolException">The answer was malformed or cut short.</exception>
    public Task<IReadOnlyList<T>> GetLogsAsync<T>(LogFilter filter, Func<Log, T?> select, CancellationToken cancellationToken = default)
        where T : class =>
        SendAsync(() => EthCalls.GetLogs(filter, select), cancellationToken);

    /// <summary>An account and storage slots with Merkle proofs.</summary>
    public Task<AccountProof> GetProofAsync(
        Address account, IReadOnlyList<Bytes32> storageKeys, BlockTag block = default, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.GetProof(account, storageKeys, block), cancellationToken);

    /// <summary>Development nodes: moves the next block's timestamp forward.</summary>
    public Task IncreaseTimeAsync(TimeSpan delta, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delta.Ticks, nameof(delta));
        return SendAsync(() => EthCalls.IncreaseTime((ulong)delta.TotalSeconds), cancellationToken);
    }

    /// <summary>Development nodes: mines one block.</summary>
    public Task MineAsync(CancellationToken cancellationToken = default) => SendAsync(EthCalls.Mine, cancellationToken);

    /// <summary>Development nodes: saves the chain state; returns the id for <see cref="RevertToSnapshotAsync"/>.</summary>
    public Task<string> SnapshotAsync(CancellationToken cancellationToken = default) => SendAsync(EthCalls.Snapshot, cancellationToken);

    /// <summary>Development nodes: restores a snapshot (using it up); returns whether it existed.</summary>
    public Task<bool> RevertToSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        SendAsync(() => EthCalls.Revert(snapshotId), cancellationToken);

    /// <summary>Subscribes to new block headers. Needs a subscription transport (WebSocket).</summary>
    /// <exception cref="NotSupportedException">The transport cannot subscribe (HTTP).</exception>
    public Task<RpcSubscription<BlockHeader>> SubscribeNewHeadsAsync(CancellationToken cancellationToken = default) =>
        SubscriptionTransport.SubscribeAsync("newHeads", null, BlockHeader.Parse, cancellationToken);

    /// <summary>Subscribes to logs matching the filter's addresses and topics. Needs a subscription transport (WebSocket).</summary>
    /// <exception cref="NotSupportedException">The transport cannot subscribe (HTTP).</exception>
    public Task<RpcSubscription<Log>> SubscribeLogsAsync(LogFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Validate();
        return SubscriptionTransport.SubscribeAsync("logs", w => filter.WriteTo(w, includeRange: false), Log.Parse, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsTransport)
        {
            await Transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The shared nonce state of one account, so that all senders for it on this client serialise.</summary>
    internal NonceTracker GetNonceTracker(Address account) => _nonceTrackers.GetOrAdd(account, static _ => new NonceTracker());

    internal ContractRevertedException? AsRevert(RpcErrorException error)
    {
        var looksLikeRevert = error.RevertData is not null || error.Code == 3 ||
            (error.Method is "eth_call" or "eth_estimateGas" && error.RpcMessage.Contains("revert", StringComparison.OrdinalIgnoreCase));
        return looksLikeRevert
            ? new ContractRevertedException(error.RevertData ?? [], error.RpcMessage, error.Endpoint, error.Method, RevertDecoder, null, error)
            : null;
    }

    private IRpcSubscriptionTransport SubscriptionTransport => Transport as IRpcSubscriptionTransport ??
        throw new NotSupportedException($"The transport to {Transport.Endpoint} cannot hold subscriptions; connect with RpcClient.ConnectWebSocketAsync.");

    private async Task<T> SendOnceAsync<T>(RpcCall<T> call, CancellationToken cancellationToken)
    {
        await Transport.SendAsync([call], cancellationToken).ConfigureAwait(false);
        return await call.Task.ConfigureAwait(false);
    }
}

/// <summary>One account's next nonce and the lock that orders its sends.</summary>
internal sealed class NonceTracker
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The next nonce to use, or <c>null</c> to read the pending count from the node.</summary>
    public ulong? Next { get; set; }
}
