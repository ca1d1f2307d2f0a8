using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>A transaction receipt from <c>eth_getTransactionReceipt</c>.</summary>
public sealed record TransactionReceipt
{
    /// <summary>The transaction hash.</summary>
    public required Bytes32 TransactionHash { get; init; }

    /// <summary>The transaction's position in its block.</summary>
    public ulong TransactionIndex { get; init; }

    /// <summary>The including block's hash.</summary>
    public required Bytes32 BlockHash { get; init; }

    /// <summary>The including block's number.</summary>
    public required ulong BlockNumber { get; init; }

    /// <summary>The sender.</summary>
    public Address From { get; init; }

    /// <summary>The recipient, or <c>null</c> for a contract creation.</summary>
    public Address? To { get; init; }

    /// <summary>1 for success, 0 for a revert.</summary>
    public required ulong Status { get; init; }

    /// <summary>Whether execution succeeded (<see cref="Status"/> is 1).</summary>
    public bool Succeeded => Status == 1;

    /// <summary>Gas used by this transaction.</summary>
    public required ulong GasUsed { get; init; }

    /// <summary>Gas used by this and the earlier transactions in the block.</summary>
    public ulong CumulativeGasUsed { get; init; }

    /// <summary>The wei per gas actually paid.</summary>
    public UInt256 EffectiveGasPrice { get; init; }

    /// <summary>The created contract, for a contract creation.</summary>
    public Address? ContractAddress { get; init; }

    /// <summary>The envelope type.</summary>
    public TransactionType Type { get; init; }

    /// <summary>The logs the transaction emitted.</summary>
    public IReadOnlyList<Log> Logs { get; init; } = [];

    internal static TransactionReceipt Parse(JsonElement e) => new()
    {
        TransactionHash = RpcJson.Bytes32Of(e, "transactionHash"),
        TransactionIndex = RpcJson.UInt64OrZero(e, "transactionIndex"),
        BlockHash = RpcJson.Bytes32Of(e, "blockHash"),
        BlockNumber = RpcJson.UInt64Of(e, "blockNumber"),
        From = RpcJson.OptionalAddress(e, "from") ?? default,
        To = RpcJson.OptionalAddress(e, "to"),
        Status = RpcJson.UInt64OrZero(e, "status"),
        GasUsed = RpcJson.UInt64Of(e, "gasUsed"),
        CumulativeGasUsed = RpcJson.UInt64OrZero(e, "cumulativeGasUsed"),
        EffectiveGasPrice = RpcJson.OptionalQuantity(e, "effectiveGasPrice") ?? UInt256.Zero,
        ContractAddress = RpcJson.OptionalAddress(e, "contractAddress"),
        Type = (TransactionType)RpcJson.UInt64OrZero(e, "type"),
        Logs = RpcJson.TryGet(e, "logs", out var logs) ? RpcJson.List(logs, Log.Parse) : [],
    };
}
