using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>A block header as <c>eth_getBlockBy*</c> and the <c>newHeads</c> subscription report it.</summary>
public record BlockHeader
{
    /// <summary>The block number.</summary>
    public required ulong Number { get; init; }

    /// <summary>The block hash.</summary>
    public required Bytes32 Hash { get; init; }

    /// <summary>The parent block's hash.</summary>
    public required Bytes32 ParentHash { get; init; }

    /// <summary>Seconds since the Unix epoch.</summary>
    public required ulong Timestamp { get; init; }

    /// <summary>The block's gas limit.</summary>
    public required ulong GasLimit { get; init; }

    /// <summary>Gas used by all transactions in the block.</summary>
    public required ulong GasUsed { get; init; }

    /// <summary>The EIP-1559 base fee in wei per gas, or <c>null</c> before London.</summary>
    public UInt256? BaseFeePerGas { get; init; }

    /// <summary>The fee recipient.</summary>
    public Address Miner { get; init; }

    /// <summary>The state trie root after the block.</summary>
    public Bytes32 StateRoot { get; init; }

    /// <summary>The transactions trie root.</summary>
    public Bytes32 TransactionsRoot { get; init; }

    /// <summary>The receipts trie root.</summary>
    public Bytes32 ReceiptsRoot { get; init; }

    internal static BlockHeader Parse(JsonElement e) => new()
    {
        Number = RpcJson.UInt64Of(e, "number"),
        Hash = RpcJson.Bytes32Of(e, "hash"),
        ParentHash = RpcJson.Bytes32Of(e, "parentHash"),
        Timestamp = RpcJson.UInt64Of(e, "timestamp"),
        GasLimit = RpcJson.UInt64Of(e, "gasLimit"),
        GasUsed = RpcJson.UInt64Of(e, "gasUsed"),
        BaseFeePerGas = RpcJson.OptionalQuantity(e, "baseFeePerGas"),
        Miner = RpcJson.OptionalAddress(e, "miner") ?? default,
        StateRoot = RpcJson.Bytes32OrZero(e, "stateRoot"),
        TransactionsRoot = RpcJson.Bytes32OrZero(e, "transactionsRoot"),
        ReceiptsRoot = RpcJson.Bytes32OrZero(e, "receiptsRoot"),
    };
}

/// <summary>A block: its header and the hashes of its transactions.</summary>
public sealed record Block : BlockHeader
{
    [SetsRequiredMembers]
    private Block(BlockHeader header)
        : base(header)
    {
    }

    /// <summary>The hashes of the block's transactions, in order.</summary>
    public IReadOnlyList<Bytes32> TransactionHashes { get; init; } = [];

    internal static new Block Parse(JsonElement e)
    {
        var header = BlockHeader.Parse(e);
        var hashes = RpcJson.TryGet(e, "transactions", out var txs)
            ? RpcJson.List(txs, t => t.ValueKind == JsonValueKind.Object ? RpcJson.Bytes32Of(t, "hash") : RpcJson.Bytes32(t))
            : [];
        return new Block(header) { TransactionHashes = hashes };
    }
}
