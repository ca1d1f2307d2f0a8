using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// Writes ABI-encoded data value by value, in declaration order, with no reflection: the typed path generated
/// bindings use. The writer starts inside the top-level parameter tuple; static values go to the head of the
/// enclosing tuple or array, dynamic ones (<c>bytes</c>, <c>string</c>, <c>T[]</c>, and tuples and fixed arrays
/// containing them) to its tail behind an offset that the writer patches when the enclosing container ends.
/// </summary>
/// <example>
/// <code>
/// using var writer = new AbiWriter();
/// writer.WriteAddress(to);
/// writer.WriteUInt256(amount);
/// byte[] calldata = writer.ToArray(selector);
/// </code>
/// </example>
/// <remarks>Buffers are rented from <see cref="ArrayPool{T}"/>; dispose the writer to return them.</remarks>
public sealed class AbiWriter : IDisposable
{
    private readonly List<Frame> _frames = [];
    private int _depth;

    /// <summary>Creates a writer positioned in the top-level parameter tuple.</summary>
    public AbiWriter()
    {
        _frames.Add(new Frame());
        _frames[0].Reset(FrameKind.Tuple, -1);
    }

    private Frame Current => _frames[_depth];

    /// <summary>Writes a <c>uint256</c>.</summary>
    public void WriteUInt256(UInt256 value)
    {
        Span<byte> word = stackalloc byte[32];
        value.WriteBigEndian(word);
        WriteStatic(word);
    }

    /// <summary>Writes a <c>uint&lt;bits&gt;</c>.</summary>
    /// <exception cref="AbiEncodingException">The value does not fit in <paramref name="bits"/> bits.</exception>
    public void WriteUInt(int bits, UInt256 value)
    {
        AbiType.CheckBits(bits);
        if (value.BitLength > bits)
        {
            throw new AbiEncodingException($"Value {value} does not fit in uint{bits}.");
        }

        WriteUInt256(value);
    }

    /// <summary>Writes a <c>uint&lt;bits&gt;</c> of at most 64 bits from a <see cref="ulong"/>.</summary>
    /// <exception cref="AbiEncodingException">The value does not fit in <paramref name="bits"/> bits.</exception>
    public void WriteUInt64(ulong value, int bits = 64)
    {
        AbiType.CheckBits(bits);
        if (bits < 64 && (value >> bits) != 0)
        {
            throw new AbiEncodingException($"Value {value} does not fit in uint{bits}.");
        }

        Span<byte> word = stackalloc byte[32];
        word.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(word[24..], value);
        WriteStatic(word);
    }

    /// <summary>Writes an <c>int&lt;bits&gt;</c> of at most 64 bits from a <see cref="long"/>.</summary>
    /// <exception cref="AbiEncodingException">The value does not fit in <paramref name="bits"/> bits.</exception>
    public void WriteInt64(long value, int bits = 64)
    {
        AbiType.CheckBits(bits);
        if (bits < 64 && (value < -(1L << (bits - 1)) || value >= (1L << (bits - 1))))
        {
            throw new AbiEncodingException($"Value {value} does not fit in int{bits}.");
        }

        Span<byte> word = stackalloc byte[32];
        word.Fill(value < 0 ? (byte)0xFF : (byte)0);
        BinaryPrimitives.WriteInt64BigEndian(word[24..], value);
        WriteStatic(word);
    }

    /// <summary>Writes an <c>int&lt;bits&gt;</c> in two's complement.</summary>
    /// <exception cref="AbiEncodingException">The value is outside -2^(bits-1) .. 2^(bits-1) - 1.</exception>
    public void WriteInt(int bits, BigInteger value)
    {
        AbiType.CheckBits(bits);
        var limit = BigInteger.One << (bits - 1);
        if (value < -limit || value >= limit)
        {
            throw new AbiEncodingException($"Value {value} does not fit in int{bits}.");
        }

        Span<byte> word = stackalloc byte[32];
        WriteSignedWord(value, word);
        WriteStatic(word);
    }

    /// <summary>Writes an <c>address</c>.</summary>
    public void WriteAddress(Address value)
    {
        Span<byte> word = stackalloc byte[32];
        word[..12].Clear();
        value.CopyTo(word[12..]);
        WriteStatic(word);
    }

    /// <summary>Writes a <c>bool</c>.</summary>
    public void WriteBool(bool value)
    {
        Span<byte> word = stackalloc byte[32];
        word.Clear();
        word[31] = value ? (byte)1 : (byte)0;
        WriteStatic(word);
    }

    /// <summary>Writes a <c>bytes32</c>.</summary>
    public void WriteBytes32(Bytes32 value) => WriteStatic(value.AsSpan());

    /// <summary>Writes a <c>bytes&lt;M&gt;</c> where M is the length of <paramref name="value"/> (1 to 32).</summary>
    /// <exception cref="AbiEncodingException">The value is empty or longer than 32 bytes.</exception>
    public void WriteFixedBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length is < 1 or > 32)
        {
            throw new AbiEncodingException($"A bytes<M> value has 1 to 32 bytes; got {value.Length}.");
        }

        Span<byte> word = stackalloc byte[32];
        word.Clear();
        value.CopyTo(word);
        WriteStatic(word);
    }

    /// <summary>Writes a dynamic <c>bytes</c> value.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        var tail = BeginDynamic();
        Span<byte> word = stackalloc byte[32];
        UInt256 length = (ulong)value.Length;
        length.WriteBigEndian(word);
        tail.Append(word);
        tail.Append(value);
        tail.AppendZeros(Padding(value.Length));
    }

    /// <summary>Writes a <c>string</c> as UTF-8.</summary>
    /// <exception cref="AbiEncodingException">The text contains an unpaired surrogate, which has no UTF-8 form.</exception>
    public void WriteString(ReadOnlySpan<char> value)
    {
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new AbiEncodingException("A string value contains an unpaired surrogate and has no UTF-8 encoding.", ex);
        }

        byte[]? rented = null;
        var bytes = length <= 256 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            StrictUtf8.GetBytes(value, bytes);
            WriteBytes(bytes);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Starts a tuple. Its members follow, then <see cref="EndTuple"/>; whether it is encoded in place (static) or behind
    /// an offset (dynamic) follows from its members.
    /// </summary>
    public void BeginTuple() => Push(FrameKind.Tuple, -1);

    /// <summary>Ends the tuple started by <see cref="BeginTuple"/>.</summary>
    /// <exception cref="InvalidOperationException">The innermost open container is not a tuple.</exception>
    public void EndTuple() => Pop(FrameKind.Tuple);

    /// <summary>Starts a dynamic-length array <c>T[]</c> of <paramref name="length"/> elements; then the elements, then <see cref="EndArray"/>.</summary>
    public void BeginArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Push(FrameKind.Array, length);
    }

    /// <summary>Ends the array started by <see cref="BeginArray"/>.</summary>
    /// <exception cref="InvalidOperationException">The innermost open container is not a dynamic array.</exception>
    /// <exception cref="AbiEncodingException">The number of elements written differs from the declared length.</exception>
    public void EndArray() => Pop(FrameKind.Array);

    /// <summary>Starts a fixed-length array <c>T[k]</c> of <paramref name="length"/> elements; then the elements, then <see cref="EndFixedArray"/>.</summary>
    public void BeginFixedArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Push(FrameKind.FixedArray, length);
    }

    /// <summary>Ends the array started by <see cref="BeginFixedArray"/>.</summary>
    /// <exception cref="InvalidOperationException">The innermost open container is not a fixed array.</exception>
    /// <exception cref="AbiEncodingException">The number of elements written differs from the declared length.</exception>
    public void EndFixedArray() => Pop(FrameKind.FixedArray);

    /// <summary>The encoded length so far of the top-level tuple, when no container is open.</summary>
    /// <exception cref="InvalidOperationException">A tuple or array is still open.</exception>
    public int Length
    {
        get
        {
            EnsureComplete();
            return _frames[0].Head.Length + _frames[0].Tail.Length;
        }
    }

    /// <summary>Copies the encoding, preceded by <paramref name="prefix"/> (a selector or bytecode), into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidOperationException">A tuple or array is still open.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public int WriteTo(Span<byte> destination, ReadOnlySpan<byte> prefix = default)
    {
        var total = prefix.Length + Length;
        if (destination.Length < total)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {total} are needed.", nameof(destination));
        }

        var root = _frames[0];
        root.PatchOffsets();
        prefix.CopyTo(destination);
        root.Head.Written.CopyTo(destination[prefix.Length..]);
        root.Tail.Written.CopyTo(destination[(prefix.Length + root.Head.Length)..]);
        return total;
    }

    /// <summary>Returns the encoding as a new array.</summary>
    /// <exception cref="InvalidOperationException">A tuple or array is still open.</exception>
    public byte[] ToArray() => ToArray(default);

    /// <summary>Returns <paramref name="prefix"/> (for example a 4-byte selector) followed by the encoding.</summary>
    /// <exception cref="InvalidOperationException">A tuple or array is still open.</exception>
    public byte[] ToArray(ReadOnlySpan<byte> prefix)
    {
        var result = new byte[prefix.Length + Length];
        WriteTo(result, prefix);
        return result;
    }

    /// <summary>Discards everything written so the writer can encode another value.</summary>
    public void Reset()
    {
        _depth = 0;
        _frames[0].Reset(FrameKind.Tuple, -1);
    }

    /// <summary>Returns the rented buffers.</summary>
    public void Dispose()
    {
        foreach (var frame in _frames)
        {
            frame.Dispose();
        }

        _frames.Clear();
        _frames.Add(new Frame());
        Reset();
    }

    internal static void WriteSignedWord(BigInteger value, Span<byte> word)
    {
        word.Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
        var count = value.GetByteCount();
        value.TryWriteBytes(word[(32 - count)..], out _, isUnsigned: false, isBigEndian: true);
    }

    internal static int Padding(int length) => (32 - (length % 32)) % 32;

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private void WriteStatic(ReadOnlySpan<byte> word)
    {
        var frame = Current;
        frame.Count++;
        frame.Head.Append(word);
    }

    // Reserves an offset word in the current head and returns the tail the dynamic content goes to.
    private PooledBuffer BeginDynamic()
    {
        var frame = Current;
        frame.Count++;
        frame.HasDynamic = true;
        frame.Offsets.Add((frame.Head.Length, frame.Tail.Length));
        frame.Head.AppendZeros(32);
        return frame.Tail;
    }

    private void Push(FrameKind kind, int length)
    {
        _depth++;
        if (_depth == _frames.Count)
        {
            _frames.Add(new Frame());
        }

        _frames[_depth].Reset(kind, length);
    }

    private void Pop(FrameKind kind)
    {
        var frame = Current;
        if (_depth == 0 || frame.Kind != kind)
        {
            var open = _depth == 0 ? "no container is open" : $"the innermost open container is a {Describe(frame.Kind)}";
            throw new InvalidOperationException($"Cannot end a {Describe(kind)}: {open}.");
        }

        if (frame.ExpectedCount >= 0 && frame.Count != frame.ExpectedCount)
        {
            throw new AbiEncodingException(
                $"A {Describe(kind)} was declared with {frame.ExpectedCount} elements but {frame.Count} were written.");
        }

        frame.PatchOffsets();
        _depth--;
        if (kind == FrameKind.Array || frame.HasDynamic)
        {
            var tail = BeginDynamic();
            if (kind == FrameKind.Array)
            {
                Span<byte> word = stackalloc byte[32];
                ((UInt256)(ulong)frame.Count).WriteBigEndian(word);
                tail.Append(word);
            }

            tail.Append(frame.Head.Written);
            tail.Append(frame.Tail.Written);
        }
        else
        {
            WriteStatic(frame.Head.Written);
        }
    }

    private void EnsureComplete()
    {
        if (_depth != 0)
        {
            throw new InvalidOperationException(
                $"{_depth} tuple or array container(s) are still open; end them before taking the encoding.");
        }
    }

    private static string Describe(FrameKind kind) => kind switch
    {
        FrameKind.Tuple => "tuple",
        FrameKind.Array => "dynamic array",
        _ => "fixed array",
    };

    private enum FrameKind
    {
        Tuple,
        Array,
        FixedArray,
    }

    private sealed class Frame : IDisposable
    {
        public PooledBuffer Head { get; } = new();

        public PooledBuffer Tail { get; } = new();

        public List<(int HeadPosition, int TailPosition)> Offsets { get; } = [];

        public FrameKind Kind { get; private set; }

        public int ExpectedCount { get; private set; }

        public int Count { get; set; }

        public bool HasDynamic { get; set; }

        public void Reset(FrameKind kind, int expectedCount)
        {
            Kind = kind;
            ExpectedCount = expectedCount;
            Count = 0;
            HasDynamic = false;
            Head.Clear();
            Tail.Clear();
            Offsets.Clear();
        }

        // Offsets count from the start of this container's head, which the tail follows.
        public void PatchOffsets()
        {
            Span<byte> word = stackalloc byte[32];
            foreach (var (headPosition, tailPosition) in Offsets)
            {
                ((UInt256)(ulong)(Head.Length + tailPosition)).WriteBigEndian(word);
                Head.WriteAt(headPosition, word);
            }
        }

        public void Dispose()
        {
            Head.Dispose();
            Tail.Dispose();
        }
    }
}

/// <summary>A growable byte buffer backed by <see cref="ArrayPool{T}"/>.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array = [];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _array.AsSpan(0, Length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_array.AsSpan(Length));
        Length += bytes.Length;
    }

    public void AppendZeros(int count)
    {
        Ensure(count);
        _array.AsSpan(Length, count).Clear();
        Length += count;
    }

    public void WriteAt(int position, ReadOnlySpan<byte> bytes) => bytes.CopyTo(_array.AsSpan(position));

    public void Clear() => Length = 0;

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }

        Length = 0;
    }

    private void Ensure(int extra)
    {
        var needed = checked(Length + extra);
        if (needed <= _array.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(256, _array.Length * 2)));
        _array.AsSpan(0, Length).CopyTo(larger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = larger;
    }
}
