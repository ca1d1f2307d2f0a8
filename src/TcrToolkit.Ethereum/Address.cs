using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TcrToolkit.Ethereum;

/// <summary>
/// A 20-byte Ethereum account address. <see cref="ToString()"/> gives the EIP-55 checksummed form; parsing accepts
/// all-lower-case and all-upper-case hex, and mixed case only when the checksum matches.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Address : IEquatable<Address>, ISpanFormattable, ISpanParsable<Address>
{
    /// <summary>The size in bytes.</summary>
    public const int Size = 20;

    /// <summary>The length of the text form, <c>0x</c> plus 40 hex digits.</summary>
    public const int TextLength = 42;

    private readonly Buffer20 _bytes;

    /// <summary>Copies exactly 20 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 20 bytes long.</exception>
    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"An address needs exactly 20 bytes; got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    /// <summary>The zero address.</summary>
    public static Address Zero => default;

    /// <summary>The bytes, without copying.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    /// <summary>Copies the bytes into the first 20 bytes of <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => AsSpan().CopyTo(destination);

    /// <summary>Returns the bytes as a new array.</summary>
    public byte[] ToArray() => AsSpan().ToArray();

    /// <summary>Returns the address left-padded with zeros to a 32-byte word, as ABI and EIP-712 encode it.</summary>
    public Bytes32 ToBytes32()
    {
        Span<byte> word = stackalloc byte[Bytes32.Size];
        word[..12].Clear();
        CopyTo(word[12..]);
        return new Bytes32(word);
    }

    /// <summary>
    /// Parses <c>0x</c> followed by 40 hex digits. All-lower-case and all-upper-case digits are accepted as they are;
    /// mixed case must be a correct EIP-55 checksum.
    /// </summary>
    /// <exception cref="AddressFormatException">The text is malformed or its mixed-case checksum is wrong.</exception>
    public static Address Parse(ReadOnlySpan<char> text)
    {
        var error = TryParseCore(text, out var address);
        return error is null ? address : throw error;
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static Address Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static Address Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <summary>Tries to parse an address under the rules of <see cref="Parse(ReadOnlySpan{char})"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Address result) => TryParseCore(s, out result) is null;

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Address)"/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Address result) => TryParse(s, out result);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Address)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Address result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParse(s.AsSpan(), out result);
    }

    private static AddressFormatException? TryParseCore(ReadOnlySpan<char> text, out Address address)
    {
        address = default;
        if (!text.StartsWith("0x", StringComparison.Ordinal))
        {
            return new AddressFormatException("Address must start with '0x'.", 0);
        }

        if (text.Length != TextLength)
        {
            return new AddressFormatException(
                $"Address must be '0x' followed by 40 hex digits; got {text.Length - 2} digits.", Math.Min(text.Length, TextLength));
        }

        var hasLower = false;
        var hasUpper = false;
        Span<byte> bytes = stackalloc byte[Size];
        for (var i = 0; i < Size; i++)
        {
            var hi = text[2 + (2 * i)];
            var lo = text[3 + (2 * i)];
            var h = NibbleOrMinusOne(hi);
            if (h < 0)
            {
                return new AddressFormatException($"Invalid hex digit {Hex.Describe(hi)} at position {2 + (2 * i)} of the address.", 2 + (2 * i));
            }

            var l = NibbleOrMinusOne(lo);
            if (l < 0)
            {
                return new AddressFormatException($"Invalid hex digit {Hex.Describe(lo)} at position {3 + (2 * i)} of the address.", 3 + (2 * i));
            }

            hasLower |= hi is >= 'a' and <= 'f' || lo is >= 'a' and <= 'f';
            hasUpper |= hi is >= 'A' and <= 'F' || lo is >= 'A' and <= 'F';
            bytes[i] = (byte)((h << 4) | l);
        }

        address = new Address(bytes);
        if (hasLower && hasUpper)
        {
            Span<char> expected = stackalloc char[TextLength];
            address.FormatChecksummed(expected);
            for (var i = 2; i < TextLength; i++)
            {
                if (expected[i] != text[i])
                {
                    address = default;
                    return new AddressFormatException(
                        $"Address has mixed case but an invalid EIP-55 checksum (first wrong case at position {i}); " +
                        "check the address for typos, or pass it all lower-case to skip the checksum.",
                        i);
                }
            }
        }

        return null;
    }

    private static int NibbleOrMinusOne(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Formats the EIP-55 checksummed text, for example <c>0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed</c>.</summary>
    public override string ToString()
    {
        Span<char> text = stackalloc char[TextLength];
        FormatChecksummed(text);
        return new string(text);
    }

    /// <summary>Formats <c>0x</c> followed by 40 lower-case hex digits.</summary>
    public string ToLowerHex() => Hex.Encode(AsSpan());

    /// <inheritdoc cref="ToString()"/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Writes the EIP-55 checksummed text (42 characters) without allocating.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < TextLength)
        {
            charsWritten = 0;
            return false;
        }

        FormatChecksummed(destination);
        charsWritten = TextLength;
        return true;
    }

    private void FormatChecksummed(Span<char> destination)
    {
        // EIP-55: hash the lower-case hex digits (as ASCII); a letter is upper-case when its hash nibble is >= 8.
        Span<byte> ascii = stackalloc byte[2 * Size];
        Hex.EncodeToUtf8(AsSpan(), ascii, withPrefix: false);
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(ascii, hash);
        destination[0] = '0';
        destination[1] = 'x';
        for (var i = 0; i < ascii.Length; i++)
        {
            var c = (char)ascii[i];
            var nibble = (i & 1) == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0xF;
            destination[2 + i] = c >= 'a' && nibble >= 8 ? (char)(c - 32) : c;
        }
    }

    /// <inheritdoc/>
    public bool Equals(Address other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <inheritdoc/>
    /// <remarks>All 20 bytes, with the process's random seed, so chosen addresses cannot crowd one bucket.</remarks>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(AsSpan());
        return hash.ToHashCode();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Address left, Address right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Address left, Address right) => !left.Equals(right);

    [InlineArray(Size)]
    private struct Buffer20
    {
        private byte _element;
    }
}
