using Org.BouncyCastle.Crypto.Digests;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// Bitcoin's Base58Check: Base58 (no 0, O, I, l) of the payload followed by the first four bytes of its double
/// SHA-256. Used here for BIP-32 extended keys.
/// </summary>
internal static class Base58Check
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> payload)
    {
        var data = new byte[payload.Length + 4];
        payload.CopyTo(data);
        Checksum(payload, data.AsSpan(payload.Length));
        try
        {
            return EncodeBase58(data);
        }
        finally
        {
            Array.Clear(data);
        }
    }

    /// <summary>Decodes and checks the checksum; returns the payload without it.</summary>
    /// <exception cref="ExtendedKeyFormatException">Not Base58, shorter than a checksum, or the checksum does not match.</exception>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        var data = DecodeBase58(text);
        if (data.Length < 4)
        {
            throw new ExtendedKeyFormatException($"Base58Check text decodes to {data.Length} bytes, too short to hold its 4-byte checksum.");
        }

        Span<byte> checksum = stackalloc byte[4];
        Checksum(data.AsSpan(0, data.Length - 4), checksum);
        if (!checksum.SequenceEqual(data.AsSpan(data.Length - 4)))
        {
            Array.Clear(data);
            throw new ExtendedKeyFormatException("The Base58Check checksum does not match: the text is mistyped or truncated.");
        }

        var payload = data[..^4];
        Array.Clear(data);
        return payload;
    }

    private static void Checksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        var digest = new Sha256Digest();
        Span<byte> hash = stackalloc byte[32];
        digest.BlockUpdate(payload);
        digest.DoFinal(hash);
        digest.BlockUpdate(hash);
        digest.DoFinal(hash);
        hash[..4].CopyTo(destination);
    }

    private static string EncodeBase58(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        // log(256) / log(58) < 1.37: the base-58 digits, least significant first.
        var digits = new byte[(data.Length * 137 / 100) + 1];
        var length = 0;
        foreach (var b in data[zeros..])
        {
            var carry = (int)b;
            for (var i = 0; i < length; i++)
            {
                carry += digits[i] << 8;
                digits[i] = (byte)(carry % 58);
                carry /= 58;
            }

            while (carry > 0)
            {
                digits[length++] = (byte)(carry % 58);
                carry /= 58;
            }
        }

        var chars = new char[zeros + length];
        chars.AsSpan(0, zeros).Fill('1');
        for (var i = 0; i < length; i++)
        {
            chars[zeros + i] = Alphabet[digits[length - 1 - i]];
        }

        Array.Clear(digits);
        return new string(chars);
    }

    private static byte[] DecodeBase58(ReadOnlySpan<char> text)
    {
        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        // log(58) / log(256) < 0.74: the bytes, least significant first.
        var bytes = new byte[(text.Length * 74 / 100) + 1];
        var length = 0;
        for (var position = zeros; position < text.Length; position++)
        {
            var value = Alphabet.IndexOf(text[position], StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ExtendedKeyFormatException(
                    $"Invalid Base58 character {Hex.Describe(text[position])} at position {position}; Base58 has no 0, O, I or l.", position);
            }

            var carry = value;
            for (var i = 0; i < length; i++)
            {
                carry += bytes[i] * 58;
                bytes[i] = (byte)carry;
                carry >>= 8;
            }

            while (carry > 0)
            {
                bytes[length++] = (byte)carry;
                carry >>= 8;
            }
        }

        var result = new byte[zeros + length];
        for (var i = 0; i < length; i++)
        {
            result[zeros + i] = bytes[length - 1 - i];
        }

        Array.Clear(bytes);
        return result;
    }
}
