using System.Globalization;

namespace TcrToolkit.Ethereum;

/// <summary>Whether hexadecimal text must, may or must not start with <c>0x</c>.</summary>
public enum HexPrefix
{
    /// <summary>The text must start with a lower-case <c>0x</c> (the Ethereum JSON-RPC convention).</summary>
    Required,

    /// <summary>A lower-case <c>0x</c> prefix is accepted but not needed.</summary>
    Optional,

    /// <summary>The text must be bare hex digits.</summary>
    Forbidden,
}

/// <summary>
/// Strict hexadecimal encoding and decoding. Output is lower-case; input accepts either case per digit.
/// Span-based overloads neither allocate nor copy, so binary decoders can work straight from JSON-RPC text.
/// </summary>
public static class Hex
{
    private const string LowerDigits = "0123456789abcdef";

    /// <summary>Returns the number of characters <see cref="EncodeTo(ReadOnlySpan{byte}, Span{char}, bool)"/> writes.</summary>
    public static int GetEncodedLength(int byteCount, bool withPrefix = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        return checked((byteCount * 2) + (withPrefix ? 2 : 0));
    }

    /// <summary>Encodes bytes as lower-case hex, by default with a <c>0x</c> prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes, bool withPrefix = true)
    {
        var length = GetEncodedLength(bytes.Length, withPrefix);
        if (length <= 512)
        {
            Span<char> buffer = stackalloc char[length];
            EncodeTo(bytes, buffer, withPrefix);
            return new string(buffer);
        }

        var bare = Convert.ToHexStringLower(bytes);
        return withPrefix ? "0x" + bare : bare;
    }

    /// <summary>Writes lower-case hex characters into <paramref name="destination"/>; returns the count written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int EncodeTo(ReadOnlySpan<byte> bytes, Span<char> destination, bool withPrefix = true)
    {
        var length = GetEncodedLength(bytes.Length, withPrefix);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} characters; {length} are needed.", nameof(destination));
        }

        var offset = 0;
        if (withPrefix)
        {
            destination[0] = '0';
            destination[1] = 'x';
            offset = 2;
        }

        foreach (var b in bytes)
        {
            destination[offset++] = LowerDigits[b >> 4];
            destination[offset++] = LowerDigits[b & 0xF];
        }

        return length;
    }

    /// <summary>Writes lower-case hex as UTF-8 bytes into <paramref name="destination"/>; returns the count written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int EncodeToUtf8(ReadOnlySpan<byte> bytes, Span<byte> destination, bool withPrefix = true)
    {
        var length = GetEncodedLength(bytes.Length, withPrefix);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {length} are needed.", nameof(destination));
        }

        var offset = 0;
        if (withPrefix)
        {
            destination[0] = (byte)'0';
            destination[1] = (byte)'x';
            offset = 2;
        }

        foreach (var b in bytes)
        {
            destination[offset++] = (byte)LowerDigits[b >> 4];
            destination[offset++] = (byte)LowerDigits[b & 0xF];
        }

        return length;
    }

    /// <summary>Decodes hex text into a new array.</summary>
    /// <exception cref="HexFormatException">The text is not valid hex under the <paramref name="prefix"/> rule.</exception>
    public static byte[] Decode(ReadOnlySpan<char> text, HexPrefix prefix = HexPrefix.Required)
    {
        var length = GetDecodedLength(text, prefix);
        var result = length == 0 ? [] : new byte[length];
        DecodeTo(text, result, prefix);
        return result;
    }

    /// <summary>Validates the prefix and length of hex text and returns the number of bytes it decodes to.</summary>
    /// <exception cref="HexFormatException">The prefix rule is broken or the digit count is odd.</exception>
    public static int GetDecodedLength(ReadOnlySpan<char> text, HexPrefix prefix = HexPrefix.Required)
    {
        var start = DigitsStart(text, prefix);
        return DigitCountToByteCount(text.Length - start, start);
    }

    /// <summary>Validates the prefix and length of UTF-8 hex text and returns the number of bytes it decodes to.</summary>
    /// <exception cref="HexFormatException">The prefix rule is broken or the digit count is odd.</exception>
    public static int GetDecodedLength(ReadOnlySpan<byte> utf8Text, HexPrefix prefix = HexPrefix.Required)
    {
        var start = DigitsStart(utf8Text, prefix);
        return DigitCountToByteCount(utf8Text.Length - start, start);
    }

    /// <summary>Decodes hex text into <paramref name="destination"/> without allocating; returns the byte count.</summary>
    /// <exception cref="HexFormatException">The text is not valid hex under the <paramref name="prefix"/> rule.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int DecodeTo(ReadOnlySpan<char> text, Span<byte> destination, HexPrefix prefix = HexPrefix.Required)
    {
        var start = DigitsStart(text, prefix);
        var count = DigitCountToByteCount(text.Length - start, start);
        EnsureDestination(destination, count);
        for (var i = 0; i < count; i++)
        {
            var position = start + (2 * i);
            var high = Nibble(text[position], position);
            var low = Nibble(text[position + 1], position + 1);
            destination[i] = (byte)((high << 4) | low);
        }

        return count;
    }

    /// <summary>Decodes UTF-8 hex text into <paramref name="destination"/> without allocating; returns the byte count.</summary>
    /// <exception cref="HexFormatException">The text is not valid hex under the <paramref name="prefix"/> rule.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int DecodeTo(ReadOnlySpan<byte> utf8Text, Span<byte> destination, HexPrefix prefix = HexPrefix.Required)
    {
        var start = DigitsStart(utf8Text, prefix);
        var count = DigitCountToByteCount(utf8Text.Length - start, start);
        EnsureDestination(destination, count);
        // The runtime's vectorised decoder for valid text; the loop below finds and reports the first bad digit.
        if (Convert.FromHexString(utf8Text[start..], destination[..count], out _, out var written) == System.Buffers.OperationStatus.Done && written == count)
        {
            return count;
        }

        for (var i = 0; i < count; i++)
        {
            var position = start + (2 * i);
            var high = Nibble((char)utf8Text[position], position);
            var low = Nibble((char)utf8Text[position + 1], position + 1);
            destination[i] = (byte)((high << 4) | low);
        }

        return count;
    }

    /// <summary>
    /// Decodes hex text that must represent exactly <paramref name="destination"/>.Length bytes, as used for fixed-size
    /// values such as hashes and addresses.
    /// </summary>
    /// <exception cref="HexFormatException">The text is malformed or has the wrong number of digits.</exception>
    public static void DecodeExact(ReadOnlySpan<char> text, Span<byte> destination, HexPrefix prefix = HexPrefix.Required)
    {
        var count = GetDecodedLength(text, prefix);
        if (count != destination.Length)
        {
            throw new HexFormatException(
                $"Expected {destination.Length} bytes ({destination.Length * 2} hex digits) but the text holds {count} bytes ({count * 2} digits).");
        }

        DecodeTo(text, destination, prefix);
    }

    /// <summary>
    /// Encodes an integer as a JSON-RPC quantity: <c>0x</c> followed by the hex digits with no leading zeros
    /// (<c>0x0</c> for zero).
    /// </summary>
    public static string EncodeQuantity(UInt256 value)
    {
        if (value.IsZero)
        {
            return "0x0";
        }

        return "0x" + value.ToString("x", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parses a JSON-RPC quantity strictly: <c>0x</c> prefix required, at least one digit, no leading zeros, and at
    /// most 256 bits.
    /// </summary>
    /// <exception cref="HexFormatException">The text breaks one of the quantity rules.</exception>
    public static UInt256 DecodeQuantity(ReadOnlySpan<char> text)
    {
        var start = DigitsStart(text, HexPrefix.Required);
        var digits = text[start..];
        if (digits.IsEmpty)
        {
            throw new HexFormatException("Quantity '0x' has no digits; zero is written '0x0'.", start);
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            throw new HexFormatException("Quantity has a leading zero digit; quantities are written without leading zeros.", start);
        }

        if (digits.Length > 64)
        {
            throw new HexFormatException($"Quantity has {digits.Length} hex digits; at most 64 fit in 256 bits.", start);
        }

        var value = UInt256.Zero;
        for (var i = 0; i < digits.Length; i++)
        {
            value = value.ShiftLeftNibble((uint)Nibble(digits[i], start + i));
        }

        return value;
    }

    internal static int Nibble(char c, int position)
    {
        return c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => throw new HexFormatException($"Invalid hex digit {Describe(c)} at position {position}.", position),
        };
    }

    internal static string Describe(char c) =>
        c is >= ' ' and <= '~' ? $"'{c}'" : $"U+{(int)c:X4}";

    private static int DigitsStart(ReadOnlySpan<char> text, HexPrefix prefix)
    {
        var hasPrefix = text.Length >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        return CheckPrefix(hasPrefix, hasPrefix && text[1] == 'X', prefix);
    }

    private static int DigitsStart(ReadOnlySpan<byte> text, HexPrefix prefix)
    {
        var hasPrefix = text.Length >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        return CheckPrefix(hasPrefix, hasPrefix && text[1] == 'X', prefix);
    }

    private static int CheckPrefix(bool hasPrefix, bool upperCasePrefix, HexPrefix prefix)
    {
        if (upperCasePrefix)
        {
            throw new HexFormatException("Hex prefix must be lower-case '0x', not '0X'.", 1);
        }

        switch (prefix)
        {
            case HexPrefix.Required when !hasPrefix:
                throw new HexFormatException("Hex text must start with '0x'.", 0);
            case HexPrefix.Forbidden when hasPrefix:
                throw new HexFormatException("Hex text must not start with '0x' here; pass bare hex digits.", 0);
            default:
                return hasPrefix ? 2 : 0;
        }
    }

    private static int DigitCountToByteCount(int digitCount, int start)
    {
        if ((digitCount & 1) != 0)
        {
            throw new HexFormatException(
                $"Hex text has an odd number of digits ({digitCount}); each byte needs two digits, so pad with a leading zero.",
                start + digitCount - 1);
        }

        return digitCount / 2;
    }

    private static void EnsureDestination(Span<byte> destination, int count)
    {
        if (destination.Length < count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {count} are needed.", nameof(destination));
        }
    }
}
