using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// Reads <c>eth_getLogs</c> answers log by log from a streamed response (see <see cref="RpcStreamedArray{TItem, T}"/>):
/// the same members as <see cref="Log.Parse"/>, read straight from the UTF-8 bytes as they arrive, without a document.
/// </summary>
internal static class StreamedLogReader
{
    /// <summary>
    /// Reads one log object from a reader on its <c>{</c>, as <see cref="Log.Parse"/> reads it from a document. Returns
    /// <c>false</c> when the reader's data ends inside the object (the caller rewinds and reads again with more).
    /// </summary>
    /// <exception cref="FormatException">A member has the wrong shape, or a required one is missing.</exception>
    public static bool TryRead(ref Utf8JsonReader reader, out Log? log) => TryRead(ref reader, out log, null);

    /// <summary>
    /// Reads one log object as <see cref="TryRead(ref Utf8JsonReader, out Log?)"/> does; <paramref name="repeats"/>
    /// remembers the last address, block hash and transaction hash read, whose text the next logs of an answer mostly
    /// repeat, so that a repeat is compared rather than decoded again.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, out Log? log, LogRepeats? repeats)
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
