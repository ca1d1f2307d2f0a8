using System.Buffers;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// Decodes the JSON-RPC hex form of a log (topics and data as <c>0x</c> strings) without allocating: topics into
/// values on the stack, data into a pooled buffer read with <see cref="AbiReader"/>. The hot path for event streams.
/// </summary>
/// <example>
/// <code>
/// if (!LogHex.TopicEquals(topics[0], AppliedTopic)) return;
/// var nodeId = LogHex.ReadBytes32Topic(topics[1]);
/// var owner = LogHex.ReadAddressTopic(topics[2]);
/// using var data = LogHex.DecodeData(dataHex);
/// var reader = data.CreateReader();
/// var deposit = reader.ReadUInt256();
/// </code>
/// </example>
public static class LogHex
{
    /// <summary>Whether a hex topic equals <paramref name="expected"/>.</summary>
    /// <exception cref="HexFormatException">The topic is not <c>0x</c> followed by 64 hex digits.</exception>
    public static bool TopicEquals(ReadOnlySpan<char> topic, Bytes32 expected)
    {
        Span<byte> bytes = stackalloc byte[Bytes32.Size];
        Hex.DecodeExact(topic, bytes);
        return bytes.SequenceEqual(expected.AsSpan());
    }

    /// <summary>Reads a <c>bytes32</c> topic.</summary>
    /// <exception cref="HexFormatException">The topic is not <c>0x</c> followed by 64 hex digits.</exception>
    public static Bytes32 ReadBytes32Topic(ReadOnlySpan<char> topic) => Bytes32.Parse(topic);

    /// <summary>Reads an indexed <c>address</c> topic, rejecting non-zero padding.</summary>
    /// <exception cref="HexFormatException">The topic is not <c>0x</c> followed by 64 hex digits.</exception>
    /// <exception cref="AbiDecodingException">The high-order 12 bytes are not zero.</exception>
    public static Address ReadAddressTopic(ReadOnlySpan<char> topic)
    {
        Span<byte> bytes = stackalloc byte[Bytes32.Size];
        Hex.DecodeExact(topic, bytes);
        return new AbiReader(bytes).ReadAddress();
    }

    /// <summary>Reads an indexed <c>uint256</c> topic.</summary>
    /// <exception cref="HexFormatException">The topic is not <c>0x</c> followed by 64 hex digits.</exception>
    public static UInt256 ReadUInt256Topic(ReadOnlySpan<char> topic) => Bytes32.Parse(topic).ToUInt256();

    /// <summary>
    /// Hex-decodes log data into a buffer rented from <see cref="ArrayPool{T}"/>; dispose the result to return it.
    /// </summary>
    /// <exception cref="HexFormatException">The text is not <c>0x</c>-prefixed hex with an even number of digits.</exception>
    public static PooledData DecodeData(ReadOnlySpan<char> data)
    {
        var length = Hex.GetDecodedLength(data);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            Hex.DecodeTo(data, buffer);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return new PooledData(buffer, length);
    }

    /// <summary>Decoded bytes in a rented buffer. Dispose exactly once, and do not use the bytes afterwards.</summary>
    public readonly struct PooledData : IDisposable
    {
        private readonly byte[] _buffer;
        private readonly int _length;

        internal PooledData(byte[] buffer, int length)
        {
            _buffer = buffer;
            _length = length;
        }

        /// <summary>The decoded bytes.</summary>
        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

        /// <summary>A reader at the start of the data.</summary>
        public AbiReader CreateReader() => new(Span);

        /// <summary>Returns the buffer to the pool.</summary>
        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
        }
    }
}
