using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// Factories for the typed JSON-RPC calls the toolkit uses. Each returns a fresh, unsent <see cref="RpcCall{T}"/>;
/// send one with <see cref="RpcClient.SendAsync{T}"/> or several in one request with <see cref="RpcClient.SendBatchAsync"/>.
/// </summary>
public static class EthCalls
{
    /// <summary><c>eth_chainId</c>.</summary>
    public static RpcCall<ulong> ChainId() => new("eth_chainId", null, RpcJson.UInt64, isReadOnly: true);

    /// <summary><c>eth_blockNumber</c>.</summary>
    public static RpcCall<ulong> BlockNumber() => new("eth_blockNumber", null, RpcJson.UInt64, isReadOnly: true);

    /// <summary><c>eth_gasPrice</c>: the node's legacy gas price suggestion.</summary>
    public static RpcCall<UInt256> GasPrice() => new("eth_gasPrice", null, RpcJson.Quantity, isReadOnly: true);

    /// <summary><c>eth_maxPriorityFeePerGas</c>: the node's priority fee suggestion.</summary>
    public static RpcCall<UInt256> MaxPriorityFeePerGas() =>
        new("eth_maxPriorityFeePerGas", null, RpcJson.Quantity, isReadOnly: true);

    /// <summary><c>eth_getBlockByNumber</c> with transaction hashes only; <c>null</c> when the block does not exist.</summary>
    public static RpcCall<Block?> GetBlock(BlockTag block) => new(
        "eth_getBlockByNumber",
        w =>
        {
            block.WriteTo(w);
            w.WriteBooleanValue(false);
        },
        ParseBlock,
        isReadOnly: true);

    /// <summary><c>eth_getBlockByHash</c> with transaction hashes only; <c>null</c> when the block is unknown.</summary>
    public static RpcCall<Block?> GetBlock(Bytes32 blockHash) => new(
        "eth_getBlockByHash",
        w =>
        {
            w.WriteBytes32Value(blockHash);
            w.WriteBooleanValue(false);
        },
        ParseBlock,
        isReadOnly: true);

    /// <summary><c>eth_getBalance</c> in wei.</summary>
    public static RpcCall<UInt256> GetBalance(Address account, BlockTag block = default) =>
        new("eth_getBalance", w => WriteAccountAt(w, account, block), RpcJson.Quantity, isReadOnly: true);

    /// <summary><c>eth_getTransactionCount</c>: the account's nonce at <paramref name="block"/> (use <see cref="BlockTag.Pending"/> to include queued transactions).</summary>
    public static RpcCall<ulong> GetTransactionCount(Address account, BlockTag block = default) =>
        new("eth_getTransactionCount", w => WriteAccountAt(w, account, block), RpcJson.UInt64, isReadOnly: true);

    /// <summary><c>eth_getCode</c>: the account's code (empty for an externally owned account).</summary>
    public static RpcCall<byte[]> GetCode(Address account, BlockTag block = default) =>
        new("eth_getCode", w => WriteAccountAt(w, account, block), RpcJson.Data, isReadOnly: true);

    /// <summary><c>eth_call</c>: the return data of a simulated call.</summary>
    public static RpcCall<byte[]> Call(CallRequest request, BlockTag block = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(
            "eth_call",
            w =>
            {
                request.WriteTo(w);
                block.WriteTo(w);
            },
            RpcJson.Data,
            isReadOnly: true);
    }

    /// <summary><c>eth_estimateGas</c> against the pending state.</summary>
    public static RpcCall<ulong> EstimateGas(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new("eth_estimateGas", request.WriteTo, RpcJson.UInt64, isReadOnly: true);
    }

    /// <summary>
    /// <c>eth_estimateGas</c> against the state at <paramref name="block"/>: <see cref="BlockTag.Latest"/> for a
    /// replacement, which runs instead of the pending transactions, not after them.
    /// </summary>
    public static RpcCall<ulong> EstimateGas(CallRequest request, BlockTag block)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(
            "eth_estimateGas",
            w =>
            {
                request.WriteTo(w);
                block.WriteTo(w);
            },
            RpcJson.UInt64,
            isReadOnly: true);
    }

    /// <summary><c>eth_feeHistory</c> over <paramref name="blockCount"/> blocks ending at <paramref name="newestBlock"/>.</summary>
    /// <param name="blockCount">How many blocks (1 to 1024).</param>
    /// <param name="newestBlock">The last block of the range.</param>
    /// <param name="rewardPercentiles">Priority fee percentiles to report per block, ascending, 0 to 100.</param>
    public static RpcCall<FeeHistory> FeeHistory(ulong blockCount, BlockTag newestBlock, IReadOnlyList<double>? rewardPercentiles = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(blockCount);
        var percentiles = rewardPercentiles?.ToArray() ?? [];
        return new(
            "eth_feeHistory",
            w =>
            {
                w.WriteQuantityValue(blockCount);
                newestBlock.WriteTo(w);
                w.WriteStartArray();
                foreach (var p in percentiles)
                {
                    w.WriteNumberValue(p);
                }

                w.WriteEndArray();
            },
            Rpc.FeeHistory.Parse,
            isReadOnly: true);
    }

    /// <summary><c>eth_sendRawTransaction</c>: submits a signed transaction and returns its hash. Never retried.</summary>
    public static RpcCall<Bytes32> SendRawTransaction(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var raw = transaction.RawBytes.ToArray();
        return new("eth_sendRawTransaction", w => w.WriteHexValue(raw), RpcJson.Bytes32, isReadOnly: false);
    }

    /// <summary><c>eth_getTransactionReceipt</c>; <c>null</c> while the transaction is not mined.</summary>
    public static RpcCall<TransactionReceipt?> GetTransactionReceipt(Bytes32 transactionHash) => new(
        "eth_getTransactionReceipt",
        w => w.WriteBytes32Value(transactionHash),
        e => RpcJson.IsNull(e) ? null : TransactionReceipt.Parse(e),
        isReadOnly: true);

    /// <summary><c>eth_getLogs</c>.</summary>
    /// <exception cref="ArgumentException">The filter sets both a block hash and a range.</exception>
    public static RpcCall<IReadOnlyList<Log>> GetLogs(LogFilter filter) => GetLogs(filter, static log => log);

    /// <summary>
    /// <c>eth_getLogs</c>, keeping each log as <paramref name="select"/> turns it into a <typeparamref name="T"/>
    /// (<c>null</c> drops it). Over HTTP the answer is read as it arrives and each log is selected as soon as its bytes
    /// are in, so neither the body nor the logs are ever held whole. An exception thrown by
    /// <paramref name="select"/> fails the call unchanged.
    /// </summary>
    public static RpcCall<IReadOnlyList<T>> GetLogs<T>(LogFilter filter, Func<Log, T?> select)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(select);
        filter.Validate();
        return new(
            "eth_getLogs",
            w => filter.WriteTo(w, includeRange: true),
            e => SelectLogs(e, select),
            () =>
            {
                var repeats = new LogRepeats();
                return new RpcStreamedArray<Log, T>((ref Utf8JsonReader reader, out Log? log) => StreamedLogReader.TryRead(ref reader, out log, repeats), select);
            },
            isReadOnly: true);
    }

    private static List<T> SelectLogs<T>(JsonElement array, Func<Log, T?> select)
        where T : class
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Expected a JSON array but found {array.ValueKind}.");
        }

        var list = new List<T>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            var log = Log.Parse(item);
            T? selected;
            try
            {
                selected = select(log);
            }
            catch (Exception ex)
            {
                throw new RpcResultSelectorException(ex);
            }

            if (selected is not null)
            {
                list.Add(selected);
            }
        }

        return list;
    }

    /// <summary><c>eth_getProof</c>: the account and the given storage slots with Merkle proofs.</summary>
    public static RpcCall<AccountProof> GetProof(Address account, IReadOnlyList<Bytes32> storageKeys, BlockTag block = default)
    {
        ArgumentNullException.ThrowIfNull(storageKeys);
        var keys = storageKeys.ToArray();
        return new(
            "eth_getProof",
            w =>
            {
                w.WriteAddressValue(account);
                w.WriteStartArray();
                foreach (var key in keys)
                {
                    w.WriteBytes32Value(key);
                }

                w.WriteEndArray();
                block.WriteTo(w);
            },
            AccountProof.Parse,
            isReadOnly: true);
    }

    /// <summary>Development nodes: <c>evm_increaseTime</c> moves the next block's timestamp forward.</summary>
    public static RpcCall<bool> IncreaseTime(ulong seconds) =>
        new("evm_increaseTime", w => w.WriteNumberValue(seconds), _ => true, isReadOnly: false);

    /// <summary>Development nodes: <c>evm_mine</c> mines one block.</summary>
    public static RpcCall<bool> Mine() => new("evm_mine", null, _ => true, isReadOnly: false);

    /// <summary>Development nodes: <c>evm_snapshot</c> saves the chain state and returns the snapshot id.</summary>
    public static RpcCall<string> Snapshot() =>
        new("evm_snapshot", null, e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(), isReadOnly: false);

    /// <summary>Development nodes: <c>evm_revert</c> restores a snapshot (which is then used up); returns whether it existed.</summary>
    public static RpcCall<bool> Revert(string snapshotId)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotId);
        return new("evm_revert", w => w.WriteStringValue(snapshotId), e => e.GetBoolean(), isReadOnly: false);
    }

    private static Block? ParseBlock(JsonElement e) => RpcJson.IsNull(e) ? null : Block.Parse(e);

    private static void WriteAccountAt(Utf8JsonWriter writer, Address account, BlockTag block)
    {
        writer.WriteAddressValue(account);
        block.WriteTo(writer);
    }
}
