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

/// <summary>The fields of an <c>eth_call</c> or <c>eth_estimateGas</c> request; unset fields are omitted.</summary>
public sealed record CallRequest
{
    /// <summary>The sender, or <c>null</c> for the node's default.</summary>
    public Address? From { get; init; }

    /// <summary>The contract or account called, or <c>null</c> to simulate a contract creation.</summary>
    public Address? To { get; init; }

    /// <summary>Call data (or init code).</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Wei sent with the call.</summary>
    public UInt256? Value { get; init; }

    /// <summary>A gas limit for the simulation.</summary>
    public ulong? Gas { get; init; }

    /// <summary>A legacy gas price.</summary>
    public UInt256? GasPrice { get; init; }

    /// <summary>An EIP-1559 fee cap.</summary>
    public UInt256? MaxFeePerGas { get; init; }

    /// <summary>An EIP-1559 priority fee.</summary>
    public UInt256? MaxPriorityFeePerGas { get; init; }

    /// <summary>An EIP-2930 access list; estimates include its cost. Empty lists are omitted.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (From is { } from)
        {
            writer.WriteHex("from", from.AsSpan());
        }

        if (To is { } to)
        {
            writer.WriteHex("to", to.AsSpan());
        }

        if (Gas is { } gas)
        {
            writer.WriteQuantity("gas", gas);
        }

        if (GasPrice is { } gasPrice)
        {
            writer.WriteQuantity("gasPrice", gasPrice);
        }

        if (MaxFeePerGas is { } maxFee)
        {
            writer.WriteQuantity("maxFeePerGas", maxFee);
        }

        if (MaxPriorityFeePerGas is { } priorityFee)
        {
            writer.WriteQuantity("maxPriorityFeePerGas", priorityFee);
        }

        if (Value is { } value)
        {
            writer.WriteQuantity("value", value);
        }

        if (!Data.IsEmpty)
        {
            writer.WriteHex("data", Data.Span);
        }

        if (AccessList.Count > 0)
        {
            writer.WriteStartArray("accessList");
            foreach (var entry in AccessList)
            {
                writer.WriteStartObject();
                writer.WriteHex("address", entry.Address.AsSpan());
                writer.WriteStartArray("storageKeys");
                foreach (var key in entry.StorageKeys)
                {
                    writer.WriteBytes32Value(key);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public bool Equals(CallRequest? other) =>
        other is not null && From == other.From && To == other.To && Data.Span.SequenceEqual(other.Data.Span) &&
        Value == other.Value && Gas == other.Gas && GasPrice == other.GasPrice && MaxFeePerGas == other.MaxFeePerGas &&
        MaxPriorityFeePerGas == other.MaxPriorityFeePerGas && AccessList.SequenceEqual(other.AccessList);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(From, To, Data.Length, Value, Gas);
}

/// <summary>The answer to <c>eth_feeHistory</c>.</summary>
/// <param name="OldestBlock">The first block of the range.</param>
/// <param name="BaseFeePerGas">Base fees of each block in the range plus the next block's (one more entry than blocks).</param>
/// <param name="GasUsedRatio">Gas used divided by gas limit, per block.</param>
/// <param name="Reward">Per block, the priority fees at the requested percentiles; empty when none were requested.</param>
public sealed record FeeHistory(
    ulong OldestBlock,
    IReadOnlyList<UInt256> BaseFeePerGas,
    IReadOnlyList<double> GasUsedRatio,
    IReadOnlyList<IReadOnlyList<UInt256>> Reward)
{
    /// <summary>The base fee of the block after the range: the next block's, when the range ends at <c>latest</c>.</summary>
    public UInt256 NextBaseFeePerGas => BaseFeePerGas.Count > 0 ? BaseFeePerGas[^1] : UInt256.Zero;

    internal static FeeHistory Parse(JsonElement e) => new(
        RpcJson.UInt64Of(e, "oldestBlock"),
        RpcJson.List(RpcJson.Get(e, "baseFeePerGas"), RpcJson.Quantity),
        RpcJson.TryGet(e, "gasUsedRatio", out var ratios) ? RpcJson.List(ratios, r => r.GetDouble()) : [],
        RpcJson.TryGet(e, "reward", out var rewards)
            ? RpcJson.List<IReadOnlyList<UInt256>>(rewards, r => RpcJson.List(r, RpcJson.Quantity))
            : []);
}

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

    /// <summary>
    /// Reads one log object from a reader on its <c>{</c>, as <see cref="Parse"/> reads it from a document. Returns
    /// <c>false</c> when the reader's data ends inside the object (the caller rewinds and reads again with more).
    /// </summary>
    /// <exception cref="FormatException">A member has the wrong shape, or a required one is missing.</exception>
    internal static bool TryRead(ref Utf8JsonReader reader, out Log? log) => TryRead(ref reader, out log, null);

    /// <summary>
    /// Reads one log object as <see cref="TryRead(ref Utf8JsonReader, out Log?)"/> does; <paramref name="repeats"/>
    /// remembers the last address, block hash and transaction hash read, whose text the next logs of an answer mostly
    /// repeat, so that a repeat is compared rather than decoded again.
    /// </summary>
    internal static bool TryRead(ref Utf8JsonReader reader, out Log? log, LogRepeats? repeats)
    {
        log = null;
        Address? address = null;
        Bytes32[]? topics = null;
        Span<Bytes32> topicBuffer = stackalloc Bytes32[4];
        byte[]? data = null;
        ulong blockNumber = 0, transactionIndex = 0, logIndex = 0;
        Bytes32 blockHash = default, transactionHash = default;
        var removed = false;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            if (!reader.Read())
            {
                return false;
            }

            if (escaped || reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !name.SequenceEqual("topics"u8))
            {
                // A member this reader does not know (or a name with escapes, which no node sends for these).
                if (!reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            var isNull = reader.TokenType == JsonTokenType.Null;
            if (name.SequenceEqual("address"u8))
            {
                address = repeats is null ? RpcJson.Address(RpcJson.Utf8(ref reader)) : repeats.Address(RpcJson.Utf8(ref reader));
            }
            else if (name.SequenceEqual("topics"u8))
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new FormatException($"Expected a JSON array but found {reader.TokenType}.");
                }

                // At most four topics in a valid log; more are read all the same, into a larger buffer.
                var read = topicBuffer;
                List<Bytes32>? more = null;
                var count = 0;
                while (true)
                {
                    if (!reader.Read())
                    {
                        return false;
                    }

                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    var topic = RpcJson.Bytes32(RpcJson.Utf8(ref reader));
                    if (count < read.Length)
                    {
                        read[count] = topic;
                    }
                    else
                    {
                        (more ??= [.. read]).Add(topic);
                    }

                    count++;
                }

                topics = more is null ? read[..count].ToArray() : [.. more];
            }
            else if (name.SequenceEqual("data"u8))
            {
                data = RpcJson.Data(RpcJson.Utf8(ref reader));
            }
            else if (isNull)
            {
                // Pending logs: no block, transaction or index yet.
            }
            else if (name.SequenceEqual("blockNumber"u8))
            {
                blockNumber = ReadUInt64(ref reader);
            }
            else if (name.SequenceEqual("blockHash"u8))
            {
                blockHash = repeats is null ? RpcJson.Bytes32(RpcJson.Utf8(ref reader)) : repeats.BlockHash.Read(RpcJson.Utf8(ref reader));
            }
            else if (name.SequenceEqual("transactionHash"u8))
            {
                transactionHash = repeats is null ? RpcJson.Bytes32(RpcJson.Utf8(ref reader)) : repeats.TransactionHash.Read(RpcJson.Utf8(ref reader));
            }
            else if (name.SequenceEqual("transactionIndex"u8))
            {
                transactionIndex = ReadUInt64(ref reader);
            }
            else if (name.SequenceEqual("logIndex"u8))
            {
                logIndex = ReadUInt64(ref reader);
            }
            else if (name.SequenceEqual("removed"u8))
            {
                removed = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw new FormatException($"Expected true or false for 'removed' but found {reader.TokenType}."),
                };
            }
        }

        log = new Log
        {
            Address = address ?? throw new FormatException("The member 'address' is missing."),
            Topics = topics ?? throw new FormatException("The member 'topics' is missing."),
            Data = data ?? throw new FormatException("The member 'data' is missing."),
            BlockNumber = blockNumber,
            BlockHash = blockHash,
            TransactionHash = transactionHash,
            TransactionIndex = transactionIndex,
            LogIndex = logIndex,
            Removed = removed,
        };
        return true;
    }

    private static ulong ReadUInt64(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number ? reader.GetUInt64() : RpcJson.UInt64(RpcJson.Utf8(ref reader));

    /// <inheritdoc/>
    public bool Equals(Log? other) =>
        other is not null && Address == other.Address && Topics.SequenceEqual(other.Topics) &&
        Data.Span.SequenceEqual(other.Data.Span) && BlockNumber == other.BlockNumber && BlockHash == other.BlockHash &&
        TransactionHash == other.TransactionHash && TransactionIndex == other.TransactionIndex &&
        LogIndex == other.LogIndex && Removed == other.Removed;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(BlockHash, TransactionHash, LogIndex, Removed);
}

/// <summary>
/// The last address, block hash and transaction hash read from one answer's logs: logs come grouped by block and
/// transaction, from a few contracts, so most repeat the previous log's text, and comparing 66 bytes costs less than
/// decoding them. One answer is read by one thread at a time.
/// </summary>
internal sealed class LogRepeats
{
    private readonly byte[] _addressText = new byte[Ethereum.Address.TextLength];
    private Address _address;
    private bool _hasAddress;

    public RepeatedBytes32 BlockHash { get; } = new();

    public RepeatedBytes32 TransactionHash { get; } = new();

    public Address Address(ReadOnlySpan<byte> text)
    {
        if (_hasAddress && text.SequenceEqual(_addressText))
        {
            return _address;
        }

        var address = RpcJson.Address(text);
        text.CopyTo(_addressText);
        (_address, _hasAddress) = (address, true);
        return address;
    }

    /// <summary>The last 32-byte value read from one member, and its text.</summary>
    internal sealed class RepeatedBytes32
    {
        private readonly byte[] _text = new byte[2 + (2 * Bytes32.Size)];
        private Bytes32 _value;
        private bool _hasValue;

        public Bytes32 Read(ReadOnlySpan<byte> text)
        {
            if (_hasValue && text.SequenceEqual(_text))
            {
                return _value;
            }

            // Decoded first: text of any other length throws here, so only valid text is remembered.
            var value = RpcJson.Bytes32(text);
            text.CopyTo(_text);
            (_value, _hasValue) = (value, true);
            return value;
        }
    }
}

/// <summary>
/// A log filter for <c>eth_getLogs</c> and the <c>logs</c> subscription. Each topic position is either <c>null</c>
/// (any value) or a list of alternatives (any of them matches).
/// </summary>
public sealed record LogFilter
{
    /// <summary>The emitting contracts (any of them); empty for all.</summary>
    public IReadOnlyList<Address> Addresses { get; init; } = [];

    /// <summary>Per topic position: <c>null</c> for any value, or the accepted values.</summary>
    public IReadOnlyList<IReadOnlyList<Bytes32>?> Topics { get; init; } = [];

    /// <summary>The first block of the range; ignored by subscriptions.</summary>
    public BlockTag? FromBlock { get; init; }

    /// <summary>The last block of the range; ignored by subscriptions.</summary>
    public BlockTag? ToBlock { get; init; }

    /// <summary>A single block by hash, instead of a range.</summary>
    public Bytes32? BlockHash { get; init; }

    /// <summary>Checks that the filter is consistent.</summary>
    /// <exception cref="ArgumentException">Both a block hash and a block range are set.</exception>
    public void Validate()
    {
        if (BlockHash is not null && (FromBlock is not null || ToBlock is not null))
        {
            throw new ArgumentException("A log filter takes either a BlockHash or a FromBlock/ToBlock range, not both.");
        }
    }

    internal void WriteTo(Utf8JsonWriter writer, bool includeRange)
    {
        Validate();
        writer.WriteStartObject();
        if (Addresses.Count == 1)
        {
            writer.WriteHex("address", Addresses[0].AsSpan());
        }
        else if (Addresses.Count > 1)
        {
            writer.WriteStartArray("address");
            foreach (var address in Addresses)
            {
                writer.WriteAddressValue(address);
            }

            writer.WriteEndArray();
        }

        if (Topics.Count > 0)
        {
            writer.WriteStartArray("topics");
            foreach (var position in Topics)
            {
                if (position is null)
                {
                    writer.WriteNullValue();
                }
                else if (position.Count == 1)
                {
                    writer.WriteBytes32Value(position[0]);
                }
                else
                {
                    writer.WriteStartArray();
                    foreach (var topic in position)
                    {
                        writer.WriteBytes32Value(topic);
                    }

                    writer.WriteEndArray();
                }
            }

            writer.WriteEndArray();
        }

        if (includeRange)
        {
            if (BlockHash is { } hash)
            {
                writer.WriteHex("blockHash", hash.AsSpan());
            }

            if (FromBlock is { } from)
            {
                writer.WritePropertyName("fromBlock");
                from.WriteTo(writer);
            }

            if (ToBlock is { } to)
            {
                writer.WritePropertyName("toBlock");
                to.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}

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

/// <summary>One storage slot's value and Merkle proof from <c>eth_getProof</c>.</summary>
/// <param name="Key">The slot.</param>
/// <param name="Value">The slot's value.</param>
/// <param name="Proof">The RLP-encoded trie nodes from the storage root to the slot.</param>
public sealed record StorageProof(Bytes32 Key, UInt256 Value, IReadOnlyList<byte[]> Proof);

/// <summary>An account's state and its Merkle proof from <c>eth_getProof</c>.</summary>
/// <param name="Address">The account.</param>
/// <param name="Balance">Its balance in wei.</param>
/// <param name="Nonce">Its transaction count.</param>
/// <param name="CodeHash">Keccak-256 of its code.</param>
/// <param name="StorageHash">Its storage trie root.</param>
/// <param name="AccountProofNodes">The RLP-encoded trie nodes from the state root to the account.</param>
/// <param name="StorageProofs">One proof per requested slot.</param>
public sealed record AccountProof(
    Address Address,
    UInt256 Balance,
    ulong Nonce,
    Bytes32 CodeHash,
    Bytes32 StorageHash,
    IReadOnlyList<byte[]> AccountProofNodes,
    IReadOnlyList<StorageProof> StorageProofs)
{
    internal static AccountProof Parse(JsonElement e) => new(
        RpcJson.AddressOf(e, "address"),
        RpcJson.QuantityOf(e, "balance"),
        RpcJson.UInt64Of(e, "nonce"),
        RpcJson.Bytes32Of(e, "codeHash"),
        RpcJson.Bytes32Of(e, "storageHash"),
        RpcJson.List(RpcJson.Get(e, "accountProof"), RpcJson.Data),
        RpcJson.List(RpcJson.Get(e, "storageProof"), s => new StorageProof(
            ParseKey(RpcJson.Get(s, "key")),
            RpcJson.QuantityOf(s, "value"),
            RpcJson.List(RpcJson.Get(s, "proof"), RpcJson.Data))));

    // Some nodes echo the key as a quantity ("0x0") rather than 32 bytes.
    private static Bytes32 ParseKey(JsonElement key) => RpcJson.Quantity(key).ToBytes32();
}
