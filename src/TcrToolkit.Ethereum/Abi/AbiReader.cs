using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// Reads ABI-encoded data value by value, in declaration order, without allocating (byte values come back as slices
/// of the input): the typed path generated bindings use. Every read is strict and bounds-checked; malformed data
/// raises <see cref="AbiDecodingException"/> naming the type, the offset and the problem, never garbage.
/// </summary>
/// <remarks>
/// A reader walks the head of one tuple or array. Static tuples and static fixed arrays are laid out in place, so
/// their members are read straight from the same reader. Dynamic containers sit behind an offset:
/// <see cref="EnterTuple"/>, <see cref="EnterArray"/> and <see cref="EnterFixedArray"/> return a reader for their
/// contents and advance this one past the offset word. Offsets in error messages count from the start of the data
/// given to the constructor (for calldata, after the selector). Trailing bytes after the encoding are allowed, as
/// Solidity and ethers allow them.
/// </remarks>
public ref struct AbiReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _base;
    private int _position;

    /// <summary>Creates a reader at the start of the top-level tuple in <paramref name="data"/>.</summary>
    public AbiReader(ReadOnlySpan<byte> data)
        : this(data, 0)
    {
    }

    private AbiReader(ReadOnlySpan<byte> data, int start)
    {
        _data = data;
        _base = start;
        _position = start;
    }

    /// <summary>The offset of the next head word from the start of the data.</summary>
    public readonly int Position => _position;

    /// <summary>The length of the whole data the reader was created on.</summary>
    public readonly int DataLength => _data.Length;

    /// <summary>Reads a <c>uint256</c>.</summary>
    public UInt256 ReadUInt256() => UInt256.FromBigEndian(ReadWord("uint256"));

    /// <summary>Reads a <c>uint&lt;bits&gt;</c>, rejecting non-zero high-order bytes.</summary>
    public UInt256 ReadUInt(int bits)
    {
        var size = (AbiType.CheckBits(bits) + 1);
        if (size == 32)
        {
            return ReadUInt256();
        }

        var word = ReadUnsignedWord(bits);
        return UInt256.FromBigEndian(word);
    }

    /// <summary>Reads a <c>uint&lt;bits&gt;</c> of at most 64 bits, rejecting non-zero high-order bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is above 64.</exception>
    public ulong ReadUInt64(int bits = 64)
    {
        AbiType.CheckBits(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        var word = ReadUnsignedWord(bits);
        return BinaryPrimitives.ReadUInt64BigEndian(word[24..]);
    }

    /// <summary>Reads an <c>int&lt;bits&gt;</c> of at most 64 bits, rejecting a value that is not sign-extended.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is above 64.</exception>
    public long ReadInt64(int bits = 64)
    {
        AbiType.CheckBits(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        var word = ReadSignedWord(bits);
        return BinaryPrimitives.ReadInt64BigEndian(word[24..]);
    }

    /// <summary>Reads an <c>int&lt;bits&gt;</c> (two's complement), rejecting a value that is not sign-extended.</summary>
    public BigInteger ReadInt(int bits)
    {
        AbiType.CheckBits(bits);
        var word = ReadSignedWord(bits);
        return new BigInteger(word, isUnsigned: false, isBigEndian: true);
    }

    /// <summary>Reads an <c>address</c>, rejecting non-zero high-order bytes.</summary>
    public Address ReadAddress()
    {
        var start = _position;
        var word = ReadWord("address");
        if (word[..12].ContainsAnyExcept((byte)0))
        {
            throw new AbiDecodingException("address", start, "the high-order 12 padding bytes are not zero");
        }

        return new Address(word[12..]);
    }

    /// <summary>Reads a <c>bool</c>, rejecting any word other than 0 or 1.</summary>
    public bool ReadBool()
    {
        var start = _position;
        var word = ReadWord("bool");
        if (word[..31].ContainsAnyExcept((byte)0) || word[31] > 1)
        {
            throw new AbiDecodingException("bool", start, "the word is neither 0 nor 1");
        }

        return word[31] == 1;
    }

    /// <summary>Reads a <c>bytes32</c>.</summary>
    public Bytes32 ReadBytes32() => new(ReadWord("bytes32"));

    /// <summary>Reads a <c>bytes&lt;size&gt;</c> as a slice of the input, rejecting non-zero low-order padding.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not from 1 to 32.</exception>
    public ReadOnlySpan<byte> ReadFixedBytes(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 32);
        var name = AbiType.FixedBytes(size).CanonicalName;
        var start = _position;
        var word = ReadWord(name);
        if (word[size..].ContainsAnyExcept((byte)0))
        {
            throw new AbiDecodingException(name, start + size, $"the low-order {32 - size} padding bytes are not zero");
        }

        return word[..size];
    }

    /// <summary>Reads a dynamic <c>bytes</c> value as a slice of the input.</summary>
    public ReadOnlySpan<byte> ReadBytes() => ReadDynamicBytes("bytes", out _);

    /// <summary>Reads a <c>string</c>, rejecting invalid UTF-8.</summary>
    public string ReadString()
    {
        var bytes = ReadDynamicBytes("string", out var content);
        try
        {
            return AbiWriter.StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new AbiDecodingException("string", content, "the content is not valid UTF-8");
        }
    }

    /// <summary>Reads a <c>string</c> as its raw UTF-8 bytes (a slice of the input), without validating them.</summary>
    public ReadOnlySpan<byte> ReadStringUtf8() => ReadDynamicBytes("string", out _);

    /// <summary>
    /// Follows the offset of a dynamic tuple and returns a reader for its members. Static tuples are not entered: read
    /// their members in place from this reader.
    /// </summary>
    /// <param name="typeName">The tuple's type, for error messages.</param>
    public AbiReader EnterTuple(string typeName = "tuple") => new(_data, FollowOffset(typeName));

    /// <summary>
    /// Follows the offset of a fixed-length array whose elements are dynamic and returns a reader for the elements.
    /// Arrays of static elements are not entered: read their elements in place from this reader.
    /// </summary>
    /// <param name="typeName">The array's type, for error messages.</param>
    public AbiReader EnterFixedArray(string typeName = "T[k]") => new(_data, FollowOffset(typeName));

    /// <summary>Follows the offset of a dynamic-length array, reads its length, and returns a reader for the elements.</summary>
    /// <param name="length">The number of elements.</param>
    /// <param name="elementHeadSize">
    /// Bytes each element takes in the array head (32 for dynamic elements and value types); the length is checked
    /// against the remaining data with it, so a corrupt length fails fast instead of allocating. Only arrays of
    /// empty tuples have elements of size 0.
    /// </param>
    /// <param name="typeName">The array's type, for error messages.</param>
    public AbiReader EnterArray(out int length, int elementHeadSize = 32, string typeName = "T[]")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementHeadSize);
        var target = FollowOffset(typeName);
        length = ReadLength(target, typeName, elementHeadSize);
        return new AbiReader(_data, target + 32);
    }

    /// <summary>Skips <paramref name="byteCount"/> bytes of head (for example a static member the caller ignores).</summary>
    public void Skip(int byteCount, string typeName = "value")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if ((long)_position + byteCount > _data.Length)
        {
            throw Truncated(typeName, _position, byteCount);
        }

        _position += byteCount;
    }

    private ReadOnlySpan<byte> ReadWord(string typeName)
    {
        if (_position > _data.Length - 32)
        {
            throw Truncated(typeName, _position, 32);
        }

        var word = _data.Slice(_position, 32);
        _position += 32;
        return word;
    }

    private ReadOnlySpan<byte> ReadSignedWord(int bits)
    {
        var name = AbiType.Int(bits).CanonicalName;
        var start = _position;
        var word = ReadWord(name);
        var size = bits / 8;
        var fill = (word[32 - size] & 0x80) != 0 ? (byte)0xFF : (byte)0;
        if (word[..(32 - size)].ContainsAnyExcept(fill))
        {
            throw new AbiDecodingException(name, start, $"the high-order {32 - size} bytes are not the sign extension of the value (it does not fit in {bits} bits)");
        }

        return word;
    }

    private ReadOnlySpan<byte> ReadDynamicBytes(string typeName, out int content)
    {
        var target = FollowOffset(typeName);
        var length = ReadLength(target, typeName, 1);
        content = target + 32;
        var padded = length + AbiWriter.Padding(length);
        if (padded > _data.Length - content)
        {
            throw new AbiDecodingException(
                typeName, content, $"the {length}-byte content padded to {padded} bytes runs past the end of the data ({_data.Length} bytes)");
        }

        var padding = _data.Slice(content + length, padded - length);
        var dirty = padding.IndexOfAnyExcept((byte)0);
        if (dirty >= 0)
        {
            throw new AbiDecodingException(typeName, content + length + dirty, "the padding after the content is not zero");
        }

        return _data.Slice(content, length);
    }

    // Reads the offset word at the head position and returns the absolute position it points to.
    private int FollowOffset(string typeName)
    {
        var start = _position;
        var word = ReadWord(typeName);
        if (word[..28].ContainsAnyExcept((byte)0) || BinaryPrimitives.ReadUInt32BigEndian(word[28..]) > int.MaxValue)
        {
            throw new AbiDecodingException(typeName, start, "the offset is out of range (larger than the data)");
        }

        var offset = BinaryPrimitives.ReadInt32BigEndian(word[28..]);
        if (offset % 32 != 0)
        {
            throw new AbiDecodingException(typeName, start, $"the offset {offset} is not a multiple of 32");
        }

        var target = (long)_base + offset;
        if (target > _data.Length - 32)
        {
            throw new AbiDecodingException(
                typeName, start, $"the offset {offset} points to {target}, past the end of the data ({_data.Length} bytes)");
        }

        return (int)target;
    }

    // Reads a length word at target; each unit needs unitSize bytes after it.
    private readonly int ReadLength(int target, string typeName, int unitSize)
    {
        var word = _data.Slice(target, 32);
        var available = _data.Length - target - 32;
        if (word[..28].ContainsAnyExcept((byte)0) || BinaryPrimitives.ReadUInt32BigEndian(word[28..]) > int.MaxValue)
        {
            throw new AbiDecodingException(typeName, target, $"the length is out of range (only {available} bytes follow it)");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(word[28..]);
        if ((long)length * unitSize > available)
        {
            throw new AbiDecodingException(
                typeName, target, $"the length {length} needs at least {(long)length * unitSize} bytes but only {available} follow it");
        }

        return length;
    }

    private ReadOnlySpan<byte> ReadUnsignedWord(int bits)
    {
        var name = AbiType.UInt(bits).CanonicalName;
        var start = _position;
        var word = ReadWord(name);
        var size = bits / 8;
        if (word[..(32 - size)].ContainsAnyExcept((byte)0))
        {
            throw new AbiDecodingException(name, start, $"the high-order {32 - size} padding bytes are not zero (the value does not fit in {bits} bits)");
        }

        return word;
    }

    private readonly AbiDecodingException Truncated(string typeName, int position, int needed) =>
        new(typeName, position, $"the data ends after {_data.Length} bytes, {needed} needed from here (truncated data)");
}
