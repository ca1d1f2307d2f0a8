using System.Security.Cryptography;
using Org.BouncyCastle.Math;
using NativeContext = Secp256k1Net.Secp256k1;
using NativeEcFlags = Secp256k1Net.Secp256k1EcFlags;

namespace TcrToolkit.Ethereum;

/// <summary>
/// The secp256k1 curve constants, and every elliptic-curve operation of the toolkit, done by libsecp256k1 (the
/// bitcoin-core reference implementation, bundled for each platform by the Secp256k1.Net package).
/// </summary>
/// <remarks>
/// One context serves every thread: after creation, libsecp256k1 only reads it (we never randomise or reconfigure it).
/// Every call here works on caller-provided spans and allocates nothing. libsecp256k1's opaque 64-byte forms
/// (<c>secp256k1_pubkey</c>, <c>secp256k1_ecdsa_signature</c>, 65-byte <c>secp256k1_ecdsa_recoverable_signature</c>)
/// never leave this class and <see cref="PublicKey"/>; their layout is the library's own and may change between
/// versions, so nothing stores or compares them as bytes.
/// </remarks>
internal static class Secp256k1
{
    /// <summary>Size of libsecp256k1's opaque public key and signature structures.</summary>
    public const int NativeSize = 64;

    private const int RecoverableSize = 65;

    private static readonly NativeContext Context = new();

    public static readonly BigInteger N = new("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
    public static readonly BigInteger HalfN = N.ShiftRight(1);
    public static readonly BigInteger P = new("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16);

    public static bool IsValidScalar(BigInteger value) => value.SignValue > 0 && value.CompareTo(N) < 0;

    public static UInt256 ToUInt256(BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        var length = value.GetLengthofByteArrayUnsigned();
        value.ToByteArrayUnsigned(bytes[(32 - length)..]);
        return UInt256.FromBigEndian(bytes);
    }

    public static readonly UInt256 Order = ToUInt256(N);
    public static readonly UInt256 HalfOrder = ToUInt256(HalfN);
    public static readonly UInt256 FieldPrime = ToUInt256(P);

    /// <summary>Whether 32 big-endian bytes are a valid secret key: a scalar in 1 .. n-1.</summary>
    public static bool IsValidSecret(ReadOnlySpan<byte> secret) => secret.Length == 32 && Context.EcSeckeyVerify(secret);

    /// <summary>Derives the public key of a valid secret into its native form.</summary>
    public static void CreatePublicKey(ReadOnlySpan<byte> secret, Span<byte> native)
    {
        if (!Context.EcPubkeyCreate(native, secret))
        {
            throw new KeyFormatException("The private key is zero or not below the secp256k1 group order; it is not a valid key.");
        }
    }

    /// <summary>Parses a 33-byte compressed or 65-byte uncompressed encoding; false if it is not a point on the curve.</summary>
    public static bool TryParsePublicKey(ReadOnlySpan<byte> encoded, Span<byte> native) => Context.EcPubkeyParse(native, encoded);

    /// <summary>Writes the 64-byte x || y of a native public key.</summary>
    public static void WriteRaw(ReadOnlySpan<byte> native, Span<byte> raw)
    {
        Span<byte> uncompressed = stackalloc byte[PublicKey.UncompressedSize];
        nuint length = PublicKey.UncompressedSize;
        Context.EcPubkeySerialize(uncompressed, ref length, native, NativeEcFlags.Uncompressed);
        uncompressed[1..].CopyTo(raw);
    }

    /// <summary>Writes the 33-byte compressed encoding of a native public key.</summary>
    public static void WriteCompressed(ReadOnlySpan<byte> native, Span<byte> compressed)
    {
        nuint length = PublicKey.CompressedSize;
        Context.EcPubkeySerialize(compressed, ref length, native, NativeEcFlags.Compressed);
    }

    /// <summary>
    /// Signs a 32-byte hash with libsecp256k1's default nonce (RFC 6979, HMAC-SHA256, no extra data). The result is
    /// always low-S, with the recovery id of the nonce point (bit 1 set when its x overflowed the order).
    /// </summary>
    public static void Sign(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> secret, Span<byte> compact, out int recoveryId)
    {
        Span<byte> signature = stackalloc byte[RecoverableSize];
        if (!Context.EcdsaSignRecoverable(signature, hash, secret))
        {
            throw new InvalidOperationException("libsecp256k1 refused to sign with a key it had accepted.");
        }

        Context.EcdsaRecoverableSignatureSerializeCompact(compact, out recoveryId, signature);
    }

    /// <summary>
    /// Verifies r || s (both already known to be in 1 .. n-1) over a 32-byte hash. libsecp256k1 accepts only low-S, so
    /// a high-S signature is checked as its low-S twin (r, n - s), which is valid exactly when the original is.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> hash, UInt256 r, UInt256 s, ReadOnlySpan<byte> publicKey)
    {
        Span<byte> compact = stackalloc byte[64];
        r.WriteBigEndian(compact);
        (s <= HalfOrder ? s : Order - s).WriteBigEndian(compact[32..]);
        Span<byte> signature = stackalloc byte[NativeSize];
        return Context.EcdsaSignatureParseCompact(signature, compact) && Context.EcdsaVerify(signature, hash, publicKey);
    }

    /// <summary>Recovers the signer's native public key; false if r, s and the recovery id name no key.</summary>
    public static bool TryRecover(ReadOnlySpan<byte> hash, UInt256 r, UInt256 s, int recoveryId, Span<byte> native)
    {
        Span<byte> compact = stackalloc byte[64];
        r.WriteBigEndian(compact);
        s.WriteBigEndian(compact[32..]);
        Span<byte> signature = stackalloc byte[RecoverableSize];
        return Context.EcdsaRecoverableSignatureParseCompact(signature, compact, recoveryId)
               && Context.EcdsaRecover(native, signature, hash);
    }

    /// <summary>Writes the compressed encoding of secret · point (constant time in the secret).</summary>
    public static void MultiplyCompressed(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secret, Span<byte> compressed)
    {
        Span<byte> shared = stackalloc byte[NativeSize];
        publicKey.CopyTo(shared);
        if (!Context.EcPubkeyTweakMul(shared, secret))
        {
            throw new InvalidOperationException("libsecp256k1 refused a multiplication by a valid secret key.");
        }

        WriteCompressed(shared, compressed);
        CryptographicOperations.ZeroMemory(shared);
    }

    /// <summary>Computes point + tweak · G; false if the tweak is not below n or the sum is the point at infinity.</summary>
    public static bool TryAddTweak(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> tweak, Span<byte> native)
    {
        publicKey.CopyTo(native);
        return Context.EcPubkeyTweakAdd(native, tweak);
    }
}
