using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>An event log, from a receipt, <c>eth_getLogs</c> or a <c>logs</c> subscription.</summary>
public sealed record Log
{
    /// <summary>The emitting contract.</summary>
    public required Address Address { get; init; }

    /// <summary>The indexed topics; the first is the event signature hash unless the event is anonymous.</summary>
    public required IReadOnlyList<Bytes32> Topics { get; init; }

    /// <summary>The non-indexed, ABI-encoded event arguments.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The block number (zero for a pending log).</summary>
    public ulong BlockNumber { get; init; }

    /// <summary>The block hash (zero for a pending log).</summary>
    public Bytes32 BlockHash { get; init; }

    /// <summary>The transaction that emitted the log.</summary>
    public Bytes32 TransactionHash { get; init; }

    /// <summary>The transaction's position in its block.</summary>
    public ulong TransactionIndex { get; init; }

    /// <summary>The log's position in its block.</summary>
    public ulong LogIndex { get; init; }

    /// <summary>Whether a reorganisation removed the log (subscriptions report removals).</summary>
    public bool Removed { get; init; }

    internal static Log Parse(JsonElement e) => new()
    {
        Address = RpcJson.AddressOf(e, "address"),
        Topics = RpcJson.List(RpcJson.Get(e, "topics"), RpcJson.Bytes32),
        Data = RpcJson.DataOf(e, "data"),
        BlockNumber = RpcJson.UInt64OrZero(e, "blockNumber"),
        BlockHash = RpcJson.Bytes32OrZero(e, "blockHash"),
        TransactionHash = RpcJson.Bytes32OrZero(e, "transactionHash"),
        TransactionIndex = RpcJson.UInt64OrZero(e, "transactionIndex"),
        LogIndex = RpcJson.UInt64OrZero(e, "logIndex"),
        Removed = RpcJson.TryGet(e, "removed", out var removed) && removed.GetBoolean(),
    };

    /// <inheritdoc/>
    public bool Equals(Log? other) =>
        other is not null && Address == other.Address && Topics.SequenceEqual(other.Topics) &&
        Data.Span.SequenceEqual(other.Data.Span) && BlockNumber == other.BlockNumber && BlockHash == other.BlockHash &&
        TransactionHash == other.TransactionHash && TransactionIndex == other.TransactionIndex &&
        LogIndex == other.LogIndex && Removed == other.Removed;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(BlockHash, TransactionHash, LogIndex, Removed);
}
