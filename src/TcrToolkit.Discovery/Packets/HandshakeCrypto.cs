using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>The handshake's key agreement and identity proof (discv5-theory.md "Handshake Steps").</summary>
internal static class HandshakeCrypto
{
    private static readonly byte[] KdfInfoPrefix = "discovery v5 key agreement"u8.ToArray();
    private static readonly byte[] IdProofPrefix = "discovery v5 identity proof"u8.ToArray();

    /// <summary>HKDF-SHA256 with the challenge data as salt; returns (initiator-key, recipient-key).</summary>
    public static (byte[] InitiatorKey, byte[] RecipientKey) DeriveKeys(ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> challengeData, ReadOnlySpan<byte> nodeIdA, ReadOnlySpan<byte> nodeIdB)
    {
        Span<byte> prk = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, sharedSecret, challengeData, prk);
        var info = new byte[KdfInfoPrefix.Length + 64];
        KdfInfoPrefix.CopyTo(info, 0);
        nodeIdA[..32].CopyTo(info.AsSpan(KdfInfoPrefix.Length));
        nodeIdB[..32].CopyTo(info.AsSpan(KdfInfoPrefix.Length + 32));
        Span<byte> keyData = stackalloc byte[32];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, keyData, info);
        return (keyData[..16].ToArray(), keyData[16..].ToArray());
    }

    /// <summary>sha256("discovery v5 identity proof" || challenge-data || ephemeral-pubkey || node-id-B).</summary>
    public static byte[] IdProofHash(ReadOnlySpan<byte> challengeData, ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> nodeIdB)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(IdProofPrefix);
        sha.AppendData(challengeData);
        sha.AppendData(ephemeralPublicKey);
        sha.AppendData(nodeIdB);
        return sha.GetHashAndReset();
    }

    public static byte[] SignIdProof(PrivateKey staticKey, ReadOnlySpan<byte> challengeData, ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> nodeIdB)
    {
        var signature = new byte[V4Crypto.SignatureSize];
        V4Crypto.Sign(staticKey, IdProofHash(challengeData, ephemeralPublicKey, nodeIdB), signature);
        return signature;
    }

    public static bool VerifyIdProof(PublicKey staticKey, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> challengeData,
        ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> nodeIdB) =>
        V4Crypto.Verify(staticKey, IdProofHash(challengeData, ephemeralPublicKey, nodeIdB), signature);
}
