using System.Buffers.Binary;

namespace TcrToolkit.Ethereum;

/// <summary>
/// Reads RLP items from a span without allocating, rejecting every non-canonical encoding: a single byte below 0x80
/// wrapped as a string, a long-form length below 56, a length with leading zero bytes, a declared length running
/// past the end, and (via <see cref="EnsureEnd"/>) trailing bytes. Error positions are offsets into the original input.
/// </summary>
public ref struct RlpReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _origin;
    private int _position;

    /// <summary>Creates a reader over a complete RLP input.</summary>
    public RlpReader(ReadOnlySpan<byte> data)
        : this(data, 0)
    {
    }

    private RlpReader(ReadOnlySpan<byte> data, int origin)
    {
        _data = data;
        _origin = origin;
        _position = 0;
    }

    /// <summary>Whether unread bytes remain (at this nesting level).</summary>
    public readonly bool HasRemaining => _position < _data.Length;

    /// <summary>The current offset into the original input.</summary>
    public readonly int Position => _origin + _position;

    /// <summary>Whether the next item is a list.</summary>
    /// <exception cref="RlpFormatException">No item remains.</exception>
    public readonly bool NextIsList
    {
        get
        {
            EnsureItem();
            return _data[_position] >= 0xc0;
        }
    }

    /// <summary>Reads a byte string item and returns its payload.</summary>
    /// <exception cref="RlpFormatException">The next item is a list or is malformed.</exception>
    public ReadOnlySpan<byte> ReadString()
    {
        var start = _position;
        var (isList, payloadOffset, payloadLength) = ReadHeader();
        if (isList)
        {
            throw Error("Expected an RLP string but found a list.", start);
        }

        return _data.Slice(payloadOffset, payloadLength);
    }

    /// <summary>Reads a list item and returns a reader over its payload; the caller reads the elements.</summary>
    /// <exception cref="RlpFormatException">The next item is a string or is malformed.</exception>
    public RlpReader ReadList()
    {
        var start = _position;
        var (isList, payloadOffset, payloadLength) = ReadHeader();
        if (!isList)
        {
            throw Error("Expected an RLP list but found a string.", start);
        }

        return new RlpReader(_data.Slice(payloadOffset, payloadLength), _origin + payloadOffset);
    }

    /// <summary>Reads the next item (string or list) and returns its full encoding, header included.</summary>
    /// <exception cref="RlpFormatException">The item is malformed.</exception>
    public ReadOnlySpan<byte> ReadEncodedItem()
    {
        var start = _position;
        ReadHeader();
        return _data[start.._position];
    }

    /// <summary>Reads a canonical unsigned integer of at most 8 bytes (no leading zero bytes; zero is the empty string).</summary>
    /// <exception cref="RlpFormatException">The item is a list, too long, or has a leading zero byte.</exception>
    public ulong ReadUInt64()
    {
        var start = _position;
        var bytes = ReadIntegerBytes(8, "64-bit integer", start);
        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        bytes.CopyTo(padded[(8 - bytes.Length)..]);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    /// <summary>Reads a canonical unsigned integer of at most 32 bytes.</summary>
    /// <exception cref="RlpFormatException">The item is a list, too long, or has a leading zero byte.</exception>
    public UInt256 ReadUInt256()
    {
        var start = _position;
        return UInt256.FromBigEndian(ReadIntegerBytes(32, "256-bit integer", start));
    }

    /// <summary>Reads a 20-byte address string.</summary>
    /// <exception cref="RlpFormatException">The item is not a 20-byte string.</exception>
    public Address ReadAddress()
    {
        var start = _position;
        var bytes = ReadString();
        return bytes.Length == Address.Size
            ? new Address(bytes)
            : throw Error($"Expected a 20-byte address but found a {bytes.Length}-byte string.", start);
    }

    /// <summary>Reads a 20-byte address, or the empty string as <c>null</c> (a contract-creation recipient).</summary>
    /// <exception cref="RlpFormatException">The item is neither empty nor a 20-byte string.</exception>
    public Address? ReadOptionalAddress()
    {
        var start = _position;
        var bytes = ReadString();
        return bytes.Length switch
        {
            0 => null,
            Address.Size => new Address(bytes),
            _ => throw Error($"Expected a 20-byte address or an empty string but found a {bytes.Length}-byte string.", start),
        };
    }

    /// <summary>Reads a 32-byte string.</summary>
    /// <exception cref="RlpFormatException">The item is not a 32-byte string.</exception>
    public Bytes32 ReadBytes32()
    {
        var start = _position;
        var bytes = ReadString();
        return bytes.Length == Bytes32.Size
            ? new Bytes32(bytes)
            : throw Error($"Expected a 32-byte string but found a {bytes.Length}-byte string.", start);
    }

    /// <summary>Throws unless every byte at this nesting level has been read.</summary>
    /// <exception cref="RlpFormatException">Unread bytes remain.</exception>
    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            throw Error($"{_data.Length - _position} unexpected trailing byte(s) after the last RLP item.", _position);
        }
    }

    private ReadOnlySpan<byte> ReadIntegerBytes(int maxLength, string what, int start)
    {
        var bytes = ReadString();
        if (bytes.Length > maxLength)
        {
            throw Error($"Expected a {what} (at most {maxLength} bytes) but found {bytes.Length} bytes.", start);
        }

        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw Error($"Non-canonical {what}: leading zero byte (zero is encoded as the empty string 0x80).", start);
        }

        return bytes;
    }

    private readonly void EnsureItem()
    {
        if (_position >= _data.Length)
        {
            throw Error("Expected an RLP item but the input ended.", _position);
        }
    }

    private (bool IsList, int PayloadOffset, int PayloadLength) ReadHeader()
    {
        EnsureItem();
        var start = _position;
        var prefix = _data[start];
        bool isList;
        int headerLength;
        int payloadLength;
        if (prefix < 0x80)
        {
            _position++;
            return (false, start, 1);
        }

        if (prefix <= 0xb7 || (prefix >= 0xc0 && prefix <= 0xf7))
        {
            isList = prefix >= 0xc0;
            headerLength = 1;
            payloadLength = prefix - (isList ? 0xc0 : 0x80);
        }
        else
        {
            isList = prefix >= 0xf8;
            var lengthOfLength = prefix - (isList ? 0xf7 : 0xb7);
            headerLength = 1 + lengthOfLength;
            if (start + headerLength > _data.Length)
            {
                throw Error($"Truncated RLP: the {lengthOfLength}-byte length field runs past the end of the input.", start);
            }

            var lengthBytes = _data.Slice(start + 1, lengthOfLength);
            if (lengthBytes[0] == 0)
            {
                throw Error("Non-canonical RLP: the length field has a leading zero byte.", start + 1);
            }

            ulong length = 0;
            foreach (var b in lengthBytes)
            {
                length = (length << 8) | b;
            }

            if (length < 56)
            {
                throw Error($"Non-canonical RLP: length {length} uses the long form, which is only for lengths of 56 or more.", start);
            }

            if (length > (ulong)(_data.Length - start - headerLength))
            {
                throw Error($"Truncated RLP: the item declares {length} payload bytes but only {_data.Length - start - headerLength} remain.", start);
            }

            payloadLength = (int)length;
        }

        if (start + headerLength + payloadLength > _data.Length)
        {
            throw Error($"Truncated RLP: the item declares {payloadLength} payload bytes but only {_data.Length - start - headerLength} remain.", start);
        }

        if (!isList && payloadLength == 1 && _data[start + 1] < 0x80)
        {
            throw Error($"Non-canonical RLP: the single byte 0x{_data[start + 1]:x2} must be encoded as itself, not as a one-byte string.", start);
        }

        _position = start + headerLength + payloadLength;
        return (isList, start + headerLength, payloadLength);
    }

    private readonly RlpFormatException Error(string message, int localPosition) =>
        new($"{message} (at byte {_origin + localPosition})", _origin + localPosition);
}
