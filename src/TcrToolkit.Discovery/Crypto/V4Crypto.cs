using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>
/// The "v4" identity scheme's primitives that the Ethereum key types do not expose: 64-byte r || s signatures (RFC 6979,
/// low-S, through <see cref="PrivateKey.Sign(ReadOnlySpan{byte})"/>) and ECDH returning the 33-byte compressed shared
/// point, as discv5 requires (<see cref="PrivateKey.SharedSecretCompressed(PublicKey)"/>, libsecp256k1).
/// </summary>
internal static class V4Crypto
{
    public const int SignatureSize = 64;

    /// <summary>Signs a 32-byte hash and writes r || s.</summary>
    public static void Sign(PrivateKey key, ReadOnlySpan<byte> hash, Span<byte> destination)
    {
        var signature = key.Sign(hash);
        signature.R.WriteBigEndian(destination[..32]);
        signature.S.WriteBigEndian(destination.Slice(32, 32));
    }

    /// <summary>Verifies a 64-byte r || s signature over a 32-byte hash; any malformed input is a plain false.</summary>
    public static bool Verify(PublicKey key, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize || hash.Length != 32)
        {
            return false;
        }

        var r = UInt256.FromBigEndian(signature[..32]);
        var s = UInt256.FromBigEndian(signature[32..]);
        Signature parsed;
        try
        {
            parsed = new Signature(r, s, 0);
        }
        catch (SignatureFormatException)
        {
            return false;
        }

        return key.Verify(hash, parsed);
    }

    /// <summary>ECDH: the compressed encoding (33 bytes) of secret × public point (libsecp256k1, constant time).</summary>
    public static byte[] Ecdh(PublicKey publicKey, PrivateKey privateKey) => privateKey.SharedSecretCompressed(publicKey);

    /// <summary>AES-128-CTR over <paramref name="data"/> in place, counter starting at the 16-byte big-endian <paramref name="iv"/>.</summary>
    public static void AesCtr(Aes aes, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Span<byte> counter = stackalloc byte[16];
        Span<byte> stream = stackalloc byte[16];
        iv[..16].CopyTo(counter);
        for (var offset = 0; offset < data.Length; offset += 16)
        {
            aes.EncryptEcb(counter, stream, PaddingMode.None);
            var n = Math.Min(16, data.Length - offset);
            for (var i = 0; i < n; i++)
            {
                data[offset + i] ^= stream[i];
            }

            for (var i = 15; i >= 0; i--)
            {
                if (++counter[i] != 0)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Creates an AES-128 cipher for the 16-byte <paramref name="key"/>.</summary>
    public static Aes CreateAes(ReadOnlySpan<byte> key)
    {
        var aes = Aes.Create();
        aes.Key = key[..16].ToArray();
        return aes;
    }
}
