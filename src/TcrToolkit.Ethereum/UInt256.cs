using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace TcrToolkit.Ethereum;

// Over 500 lines: one value type with its arithmetic, comparisons, parsing and formatting (decimal and hex), each a
// small member that the operators and interfaces of .NET numeric types ask for; splitting it would scatter one type.
/// <summary>
/// An unsigned 256-bit integer: the EVM word, used for wei amounts, fees, token balances and ABI <c>uint256</c>.
/// </summary>
/// <remarks>
/// A fixed 32-byte value type rather than <see cref="BigInteger"/>: the type itself enforces the 0 .. 2^256-1 range
/// (a negative or oversized value cannot reach an encoder), and reading or writing the big-endian word allocates
/// nothing, which the ABI decoder relies on. Arithmetic is always checked: <c>+</c>, <c>-</c> and <c>*</c> throw
/// <see cref="OverflowException"/> instead of wrapping, because a silently wrapped amount is a lost fund.
/// Division and remainder go through <see cref="BigInteger"/>; they are not on any hot path.
/// </remarks>
public readonly struct UInt256 :
    IEquatable<UInt256>,
    IComparable<UInt256>,
    IComparable,
    ISpanFormattable,
    ISpanParsable<UInt256>
{
    /// <summary>The size of the big-endian encoding in bytes.</summary>
    public const int Size = 32;

    private readonly ulong _u0; // least significant limb
    private readonly ulong _u1;
    private readonly ulong _u2;
    private readonly ulong _u3; // most significant limb

    /// <summary>Creates a value from four 64-bit limbs, most significant first.</summary>
    public UInt256(ulong u3, ulong u2, ulong u1, ulong u0)
    {
        _u0 = u0;
        _u1 = u1;
        _u2 = u2;
        _u3 = u3;
    }

    /// <summary>Zero.</summary>
    public static UInt256 Zero => default;

    /// <summary>One.</summary>
    public static UInt256 One => new(0, 0, 0, 1);

    /// <summary>2^256 - 1.</summary>
    public static UInt256 MaxValue => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>Whether the value is zero.</summary>
    public bool IsZero => (_u0 | _u1 | _u2 | _u3) == 0;

    /// <summary>The number of significant bits (0 for zero).</summary>
    public int BitLength =>
        _u3 != 0 ? 256 - BitOperations.LeadingZeroCount(_u3)
        : _u2 != 0 ? 192 - BitOperations.LeadingZeroCount(_u2)
        : _u1 != 0 ? 128 - BitOperations.LeadingZeroCount(_u1)
        : 64 - BitOperations.LeadingZeroCount(_u0);

    /// <summary>The number of bytes in the minimal big-endian encoding (0 for zero).</summary>
    public int MinimalByteCount => (BitLength + 7) / 8;

    /// <summary>Whether the value fits in a <see cref="ulong"/>.</summary>
    public bool FitsInUInt64 => (_u1 | _u2 | _u3) == 0;

    /// <summary>Reads a big-endian unsigned integer of at most 32 bytes (shorter input is zero-extended on the left).</summary>
    /// <exception cref="ArgumentException">The input is longer than 32 bytes.</exception>
    public static UInt256 FromBigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length > Size)
        {
            throw new ArgumentException($"A 256-bit integer is at most 32 bytes; got {source.Length}.", nameof(source));
        }

        if (source.Length == Size)
        {
            return new UInt256(
                BinaryPrimitives.ReadUInt64BigEndian(source),
                BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
                BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
                BinaryPrimitives.ReadUInt64BigEndian(source[24..]));
        }

        Span<byte> padded = stackalloc byte[Size];
        padded.Clear();
        source.CopyTo(padded[(Size - source.Length)..]);
        return FromBigEndian(padded);
    }

    /// <summary>Writes the full 32-byte big-endian word into the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; 32 are needed.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _u3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _u2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _u1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _u0);
    }

    /// <summary>
    /// Writes the minimal big-endian encoding (no leading zero bytes; nothing for zero), as RLP integers use;
    /// returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public int WriteMinimalBigEndian(Span<byte> destination)
    {
        var count = MinimalByteCount;
        if (destination.Length < count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {count} are needed.", nameof(destination));
        }

        Span<byte> full = stackalloc byte[Size];
        WriteBigEndian(full);
        full[(Size - count)..].CopyTo(destination);
        return count;
    }

    /// <summary>Returns the full 32-byte big-endian word as a new array.</summary>
    public byte[] ToBigEndianBytes()
    {
        var bytes = new byte[Size];
        WriteBigEndian(bytes);
        return bytes;
    }

    /// <summary>Returns the value as a 32-byte word.</summary>
    public Bytes32 ToBytes32()
    {
        Span<byte> word = stackalloc byte[Size];
        WriteBigEndian(word);
        return new Bytes32(word);
    }

    /// <summary>Parses a decimal integer, or hex when prefixed with <c>0x</c>. No sign, spaces or separators.</summary>
    /// <exception cref="NumberFormatException">The text is malformed or the value exceeds 2^256 - 1.</exception>
    public static UInt256 Parse(ReadOnlySpan<char> text) => Parse(text, null);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static UInt256 Parse(string text) => Parse(text.AsSpan(), null);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static UInt256 Parse(ReadOnlySpan<char> s, IFormatProvider? provider)
    {
        var error = TryParseCore(s, out var result);
        return error is null ? result : throw error;
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static UInt256 Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <summary>Tries to parse a decimal integer, or hex when prefixed with <c>0x</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out UInt256 result) =>
        TryParseCore(s, out result) is null;

    /// <summary>Tries to parse a decimal integer, or hex when prefixed with <c>0x</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out UInt256 result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParseCore(s, out result) is null;
    }

    private static NumberFormatException? TryParseCore(ReadOnlySpan<char> text, out UInt256 result)
    {
        result = Zero;
        if (text.IsEmpty)
        {
            return new NumberFormatException("Integer text is empty.");
        }

        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            var digits = text[2..];
            if (digits.IsEmpty)
            {
                return new NumberFormatException("Hex integer '0x' has no digits.", 2);
            }

            var start = 0;
            while (start < digits.Length - 1 && digits[start] == '0')
            {
                start++;
            }

            if (digits.Length - start > 64)
            {
                return new NumberFormatException("Hex integer exceeds 2^256 - 1.", 2);
            }

            for (var i = start; i < digits.Length; i++)
            {
                var c = digits[i];
                var nibble = c switch
                {
                    >= '0' and <= '9' => c - '0',
                    >= 'a' and <= 'f' => c - 'a' + 10,
                    >= 'A' and <= 'F' => c - 'A' + 10,
                    _ => -1,
                };
                if (nibble < 0)
                {
                    return new NumberFormatException($"Invalid hex digit {Hex.Describe(c)} at position {i + 2}.", i + 2);
                }

                result = result.ShiftLeftNibble((uint)nibble);
            }

            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return new NumberFormatException(
                    $"Invalid decimal digit {Hex.Describe(c)} at position {i}; expected digits 0-9 (no sign, spaces or separators), or a 0x-prefixed hex number.",
                    i);
            }

            if (!result.TryMultiplyAdd(10, (ulong)(c - '0'), out result))
            {
                return new NumberFormatException("Decimal integer exceeds 2^256 - 1.", i);
            }
        }

        return null;
    }

    /// <summary>Formats the value in decimal.</summary>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>
    /// Formats the value: <c>null</c>, <c>"D"</c> or <c>"G"</c> for decimal, <c>"x"</c> or <c>"X"</c> for hex without a
    /// prefix and without leading zeros.
    /// </summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        Span<char> buffer = stackalloc char[80];
        if (!TryFormat(buffer, out var written, format, formatProvider))
        {
            throw new FormatException($"Unsupported UInt256 format '{format}'; use D, G, x or X.");
        }

        return new string(buffer[..written]);
    }

    /// <inheritdoc cref="ToString(string?, IFormatProvider?)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        Span<char> scratch = stackalloc char[80];
        int length;
        if (format.IsEmpty || format is "D" or "d" or "G" or "g")
        {
            length = FormatDecimal(scratch);
        }
        else if (format is "x" or "X")
        {
            length = FormatHex(scratch, format[0] == 'X');
        }
        else
        {
            charsWritten = 0;
            return false;
        }

        if (destination.Length < length)
        {
            charsWritten = 0;
            return false;
        }

        scratch[(scratch.Length - length)..].CopyTo(destination);
        charsWritten = length;
        return true;
    }

    // Writes right-aligned into scratch; returns the count.
    private int FormatDecimal(Span<char> scratch)
    {
        const ulong Chunk = 10_000_000_000_000_000_000; // 10^19, the largest power of ten below 2^64
        var position = scratch.Length;
        var value = this;
        do
        {
            value = value.DivRem(Chunk, out var chunk);
            var digits = 0;
            do
            {
                scratch[--position] = (char)('0' + (int)(chunk % 10));
                chunk /= 10;
                digits++;
            }
            while (value.IsZero ? chunk != 0 : digits < 19);
        }
        while (!value.IsZero);

        return scratch.Length - position;
    }

    private int FormatHex(Span<char> scratch, bool upper)
    {
        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        var count = Math.Max(1, (BitLength + 3) / 4);
        var position = scratch.Length;
        for (var i = 0; i < count; i++)
        {
            var limb = (i / 16) switch { 0 => _u0, 1 => _u1, 2 => _u2, _ => _u3 };
            scratch[--position] = digits[(int)((limb >> ((i % 16) * 4)) & 0xF)];
        }

        return count;
    }

    internal UInt256 ShiftLeftNibble(uint nibble)
    {
        if ((_u3 >> 60) != 0)
        {
            throw new OverflowException("Value exceeds 2^256 - 1.");
        }

        return new UInt256(
            (_u3 << 4) | (_u2 >> 60),
            (_u2 << 4) | (_u1 >> 60),
            (_u1 << 4) | (_u0 >> 60),
            (_u0 << 4) | nibble);
    }

    internal bool TryMultiplyAdd(ulong multiplier, ulong addend, out UInt256 result)
    {
        UInt128 t = ((UInt128)_u0 * multiplier) + addend;
        var r0 = (ulong)t;
        t = ((UInt128)_u1 * multiplier) + (ulong)(t >> 64);
        var r1 = (ulong)t;
        t = ((UInt128)_u2 * multiplier) + (ulong)(t >> 64);
        var r2 = (ulong)t;
        t = ((UInt128)_u3 * multiplier) + (ulong)(t >> 64);
        var r3 = (ulong)t;
        result = new UInt256(r3, r2, r1, r0);
        return (t >> 64) == 0;
    }

    internal UInt256 DivRem(ulong divisor, out ulong remainder)
    {
        UInt128 r = _u3;
        var q3 = (ulong)(r / divisor);
        r = ((r % divisor) << 64) | _u2;
        var q2 = (ulong)(r / divisor);
        r = ((r % divisor) << 64) | _u1;
        var q1 = (ulong)(r / divisor);
        r = ((r % divisor) << 64) | _u0;
        var q0 = (ulong)(r / divisor);
        remainder = (ulong)(r % divisor);
        return new UInt256(q3, q2, q1, q0);
    }

    /// <summary>Converts from a <see cref="BigInteger"/>.</summary>
    /// <exception cref="OverflowException">The value is negative or exceeds 2^256 - 1.</exception>
    public static explicit operator UInt256(BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > Size)
        {
            throw new OverflowException($"Value {value} is outside the 256-bit unsigned range 0 .. 2^256 - 1.");
        }

        Span<byte> bytes = stackalloc byte[Size];
        value.TryWriteBytes(bytes, out var written, isUnsigned: true, isBigEndian: true);
        return FromBigEndian(bytes[..written]);
    }

    /// <summary>Converts to a <see cref="BigInteger"/> (always exact).</summary>
    public static implicit operator BigInteger(UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[Size];
        value.WriteBigEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Converts from a <see cref="ulong"/> (always exact).</summary>
    public static implicit operator UInt256(ulong value) => new(0, 0, 0, value);

    /// <summary>Converts to a <see cref="ulong"/>.</summary>
    /// <exception cref="OverflowException">The value exceeds <see cref="ulong.MaxValue"/>.</exception>
    public static explicit operator ulong(UInt256 value) =>
        value.FitsInUInt64 ? value._u0 : throw new OverflowException($"Value {value} does not fit in 64 bits.");

    /// <summary>Checked addition.</summary>
    /// <exception cref="OverflowException">The sum exceeds 2^256 - 1.</exception>
    public static UInt256 operator +(UInt256 left, UInt256 right)
    {
        var r0 = left._u0 + right._u0;
        var c = r0 < left._u0 ? 1UL : 0UL;
        var (r1, c1) = AddCarry(left._u1, right._u1, c);
        var (r2, c2) = AddCarry(left._u2, right._u2, c1);
        var (r3, c3) = AddCarry(left._u3, right._u3, c2);
        return c3 != 0 ? throw new OverflowException("UInt256 addition overflowed.") : new UInt256(r3, r2, r1, r0);
    }

    /// <summary>Checked subtraction.</summary>
    /// <exception cref="OverflowException">The result would be negative.</exception>
    public static UInt256 operator -(UInt256 left, UInt256 right)
    {
        if (left < right)
        {
            throw new OverflowException("UInt256 subtraction underflowed.");
        }

        var r0 = left._u0 - right._u0;
        var b = left._u0 < right._u0 ? 1UL : 0UL;
        var (r1, b1) = SubBorrow(left._u1, right._u1, b);
        var (r2, b2) = SubBorrow(left._u2, right._u2, b1);
        var (r3, _) = SubBorrow(left._u3, right._u3, b2);
        return new UInt256(r3, r2, r1, r0);
    }

    /// <summary>Checked multiplication.</summary>
    /// <exception cref="OverflowException">The product exceeds 2^256 - 1.</exception>
    public static UInt256 operator *(UInt256 left, UInt256 right)
    {
        Span<ulong> a = [left._u0, left._u1, left._u2, left._u3];
        Span<ulong> b = [right._u0, right._u1, right._u2, right._u3];
        Span<ulong> r = stackalloc ulong[8];
        r.Clear();
        for (var i = 0; i < 4; i++)
        {
            ulong carry = 0;
            for (var j = 0; j < 4; j++)
            {
                UInt128 t = ((UInt128)a[i] * b[j]) + r[i + j] + carry;
                r[i + j] = (ulong)t;
                carry = (ulong)(t >> 64);
            }

            r[i + 4] = carry;
        }

        if ((r[4] | r[5] | r[6] | r[7]) != 0)
        {
            throw new OverflowException("UInt256 multiplication overflowed.");
        }

        return new UInt256(r[3], r[2], r[1], r[0]);
    }

    /// <summary>Integer division.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="right"/> is zero.</exception>
    public static UInt256 operator /(UInt256 left, UInt256 right) =>
        right.FitsInUInt64 && !right.IsZero ? left.DivRem(right._u0, out _) : (UInt256)((BigInteger)left / (BigInteger)right);

    /// <summary>Remainder of integer division.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="right"/> is zero.</exception>
    public static UInt256 operator %(UInt256 left, UInt256 right)
    {
        if (right.FitsInUInt64 && !right.IsZero)
        {
            left.DivRem(right._u0, out var remainder);
            return remainder;
        }

        return (UInt256)((BigInteger)left % (BigInteger)right);
    }

    private static (ulong Sum, ulong Carry) AddCarry(ulong a, ulong b, ulong carry)
    {
        var s = a + b;
        var c = s < a ? 1UL : 0UL;
        var s2 = s + carry;
        c += s2 < s ? 1UL : 0UL;
        return (s2, c);
    }

    private static (ulong Difference, ulong Borrow) SubBorrow(ulong a, ulong b, ulong borrow)
    {
        var d = a - b;
        var bo = a < b ? 1UL : 0UL;
        var d2 = d - borrow;
        bo += d < borrow ? 1UL : 0UL;
        return (d2, bo);
    }

    /// <inheritdoc/>
    public bool Equals(UInt256 other) =>
        _u0 == other._u0 && _u1 == other._u1 && _u2 == other._u2 && _u3 == other._u3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_u0, _u1, _u2, _u3);

    /// <inheritdoc/>
    public int CompareTo(UInt256 other) =>
        _u3 != other._u3 ? _u3.CompareTo(other._u3)
        : _u2 != other._u2 ? _u2.CompareTo(other._u2)
        : _u1 != other._u1 ? _u1.CompareTo(other._u1)
        : _u0.CompareTo(other._u0);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        UInt256 other => CompareTo(other),
        _ => throw new ArgumentException("Object is not a UInt256.", nameof(obj)),
    };

    /// <summary>Equality.</summary>
    public static bool operator ==(UInt256 left, UInt256 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(UInt256 left, UInt256 right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(UInt256 left, UInt256 right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(UInt256 left, UInt256 right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(UInt256 left, UInt256 right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(UInt256 left, UInt256 right) => left.CompareTo(right) >= 0;
}
