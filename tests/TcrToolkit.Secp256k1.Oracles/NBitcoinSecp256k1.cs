using NBitcoin.Secp256k1;

namespace TcrToolkit.Secp256k1.Oracles;

/// <summary>
/// NBitcoin.Secp256k1, the managed C# port of libsecp256k1, through its public API. Keys are x || y (64 bytes),
/// signatures r || s (64 bytes) plus a recovery id.
/// </summary>
public static class NBitcoinSecp256k1
{
    /// <summary>Parses x || y (64 bytes) or a compressed key (33 bytes); null if it is not a point on the curve.</summary>
    public static ECPubKey? ParsePublicKey(ReadOnlySpan<byte> key)
    {
        Span<byte> encoded = stackalloc byte[65];
        if (key.Length == 64)
        {
            encoded[0] = 0x04;
            key.CopyTo(encoded[1..]);
        }
        else
        {
            encoded = encoded[..key.Length];
            key.CopyTo(encoded);
        }

        return Context.Instance.TryCreatePubKey(encoded, out var publicKey) ? publicKey : null;
    }

    /// <summary>Parses a secret key; null unless it is in 1 .. n-1.</summary>
    public static ECPrivKey? ParseSecret(ReadOnlySpan<byte> secret) =>
        Context.Instance.TryCreateECPrivKey(secret, out var key) ? key : null;

    /// <summary>x || y of a public key.</summary>
    public static byte[] ToRaw(ECPubKey publicKey)
    {
        Span<byte> encoded = stackalloc byte[65];
        publicKey.WriteToSpan(false, encoded, out _);
        return encoded[1..].ToArray();
    }

    /// <summary>Writes r || s (64 bytes) of a recoverable RFC 6979 signature and returns the recovery id.</summary>
    public static int Sign(ReadOnlySpan<byte> hash, ECPrivKey secret, Span<byte> signature)
    {
        if (!secret.TrySignRecoverable(hash, out var recoverable) || recoverable is null)
        {
            throw new InvalidOperationException("NBitcoin.Secp256k1 refused to sign.");
        }

        recoverable.WriteToSpanCompact(signature, out var recoveryId);
        return recoveryId;
    }

    /// <summary>Verifies r || s; like libsecp256k1, NBitcoin accepts only low-S.</summary>
    public static bool Verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, ECPubKey publicKey) =>
        SecpECDSASignature.TryCreateFromCompact(signature, out var parsed) && parsed is not null && publicKey.SigVerify(parsed, hash);

    /// <summary>Recovers the signer; null if r, s and the recovery id name no key.</summary>
    public static ECPubKey? Recover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, int recoveryId) =>
        SecpRecoverableECDSASignature.TryCreateFromCompact(signature, recoveryId, out var parsed) && parsed is not null
        && ECPubKey.TryRecover(Context.Instance, parsed, hash, out var publicKey)
            ? publicKey
            : null;

    /// <summary>Writes the compressed shared point secret·Q (33 bytes).</summary>
    public static void SharedSecretCompressed(ECPrivKey secret, ECPubKey publicKey, Span<byte> shared) =>
        publicKey.GetSharedPubkey(secret).WriteToSpan(true, shared, out _);
}
