using System.Buffers.Binary;

namespace TcrToolkit.Ethereum;

/// <summary>
/// Builds RLP encodings into one growing buffer. Lists are opened with <see cref="StartList"/> and closed with
/// <see cref="EndList"/>, which inserts the list header once the payload length is known.
/// </summary>
/// <example>
/// <code>
/// var writer = new RlpWriter();
/// var list = writer.StartList();
/// writer.WriteString("cat"u8);
/// writer.WriteString("dog"u8);
/// writer.EndList(list);
/// byte[] rlp = writer.ToArray(); // c8 83 63 61 74 83 64 6f 67
/// </code>
/// </example>
public sealed class RlpWriter
{
    private byte[] _buffer;
    private int _length;
    private int _openLists;

    /// <summary>Creates a writer with the given initial capacity in bytes.</summary>
    public RlpWriter(int initialCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = new byte[Math.Max(initialCapacity, 16)];
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The number of bytes written so far.</summary>
    public int Length => _length;

    /// <summary>Returns the encoding as a new array.</summary>
    /// <exception cref="InvalidOperationException">A list is still open.</exception>
    public byte[] ToArray()
    {
        if (_openLists != 0)
        {
            throw new InvalidOperationException($"{_openLists} RLP list(s) are still open; call EndList for each StartList.");
        }

        return WrittenSpan.ToArray();
    }

    /// <summary>Clears the writer for reuse, keeping its buffer.</summary>
    public void Reset()
    {
        _length = 0;
        _openLists = 0;
    }

    /// <summary>Writes a byte string with its header (a single byte below 0x80 is its own encoding).</summary>
    public void WriteString(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80)
        {
            EnsureCapacity(1);
            _buffer[_length++] = bytes[0];
            return;
        }

        WriteHeader(0x80, bytes.Length);
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes an unsigned integer in canonical form: minimal big-endian bytes, zero as the empty string.</summary>
    public void WriteUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        var skip = value == 0 ? 8 : System.Numerics.BitOperations.LeadingZeroCount(value) / 8;
        WriteString(bytes[skip..]);
    }

    /// <summary>Writes a 256-bit unsigned integer in canonical form.</summary>
    public void WriteUInt256(UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[UInt256.Size];
        var count = value.WriteMinimalBigEndian(bytes);
        WriteString(bytes[..count]);
    }

    /// <summary>Writes a 20-byte address string.</summary>
    public void WriteAddress(Address address) => WriteString(address.AsSpan());

    /// <summary>Writes an item that is already RLP-encoded, unchanged.</summary>
    public void WriteEncoded(ReadOnlySpan<byte> encodedItem)
    {
        EnsureCapacity(encodedItem.Length);
        encodedItem.CopyTo(_buffer.AsSpan(_length));
        _length += encodedItem.Length;
    }

    /// <summary>Opens a list; pass the returned marker to <see cref="EndList"/>.</summary>
    public int StartList()
    {
        _openLists++;
        return _length;
    }

    /// <summary>Closes the list opened at <paramref name="marker"/>, inserting its header before the payload.</summary>
    /// <exception cref="InvalidOperationException">No list is open, or the marker is not an open list's.</exception>
    public void EndList(int marker)
    {
        if (_openLists == 0 || marker < 0 || marker > _length)
        {
            throw new InvalidOperationException("EndList was called without a matching StartList.");
        }

        var payloadLength = _length - marker;
        var headerLength = HeaderLength(payloadLength);
        EnsureCapacity(headerLength);
        Buffer.BlockCopy(_buffer, marker, _buffer, marker + headerLength, payloadLength);
        WriteHeaderAt(_buffer.AsSpan(marker), 0xc0, payloadLength);
        _length += headerLength;
        _openLists--;
    }

    /// <summary>The length of the header for a string or list payload of the given length (1 for a single byte below 0x80 is not included).</summary>
    internal static int HeaderLength(int payloadLength) =>
        payloadLength < 56 ? 1 : 1 + ByteCount((ulong)payloadLength);

    private void WriteHeader(byte offset, int payloadLength)
    {
        var headerLength = HeaderLength(payloadLength);
        EnsureCapacity(headerLength);
        WriteHeaderAt(_buffer.AsSpan(_length), offset, payloadLength);
        _length += headerLength;
    }

    private static void WriteHeaderAt(Span<byte> destination, byte offset, int payloadLength)
    {
        if (payloadLength < 56)
        {
            destination[0] = (byte)(offset + payloadLength);
            return;
        }

        var lengthOfLength = ByteCount((ulong)payloadLength);
        destination[0] = (byte)(offset + 55 + lengthOfLength);
        for (var i = lengthOfLength; i >= 1; i--)
        {
            destination[i] = (byte)payloadLength;
            payloadLength >>= 8;
        }
    }

    private static int ByteCount(ulong value) => value == 0 ? 0 : 8 - (System.Numerics.BitOperations.LeadingZeroCount(value) / 8);

    private void EnsureCapacity(int extra)
    {
        var needed = checked(_length + extra);
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
    }
}
