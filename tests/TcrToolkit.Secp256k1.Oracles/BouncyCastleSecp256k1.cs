using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Utilities;

namespace TcrToolkit.Secp256k1.Oracles;

/// <summary>
/// The toolkit's secp256k1 code before libsecp256k1, on BouncyCastle's optimised custom curve, kept line for line
/// (same calls, same allocations) as an oracle and as the "today" column of the benchmark. Keys are x || y (64 bytes),
/// signatures r || s (64 bytes) plus a recovery id.
/// </summary>
public static class BouncyCastleSecp256k1
{
    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters Domain = new(Parameters.Curve, Parameters.G, Parameters.N, Parameters.H);
    private static readonly FixedPointCombMultiplier BaseMultiplier = new FixedPointCombMultiplier();
    private static readonly BigInteger N = Parameters.N;
    private static readonly BigInteger HalfN = N.ShiftRight(1);
    private static readonly BigInteger P = Parameters.Curve.Field.Characteristic;

    /// <summary>Decodes x || y (64 bytes) or a compressed key (33 bytes); null if it is not a point on the curve.</summary>
    public static ECPoint? ParsePoint(ReadOnlySpan<byte> key)
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

        try
        {
            var point = Parameters.Curve.DecodePoint(encoded.ToArray());
            return point.IsInfinity || !point.IsValid() ? null : point;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>x || y of a point, as the old <c>PublicKey</c> constructor encoded it.</summary>
    public static byte[] ToRaw(ECPoint point)
    {
        var normal = point.Normalize();
        var raw = new byte[64];
        normal.AffineXCoord.EncodeTo(raw.AsSpan(0, 32));
        normal.AffineYCoord.EncodeTo(raw.AsSpan(32, 32));
        return raw;
    }

    /// <summary>The public key of a secret: d·G with the fixed-point comb, as the old <c>PrivateKey</c> did.</summary>
    public static ECPoint DerivePublicKey(ReadOnlySpan<byte> secret) =>
        BaseMultiplier.Multiply(Parameters.G, new BigInteger(1, secret)).Normalize();

    /// <summary>RFC 6979 (HMAC-SHA256) signing, low-S, recovery id from the nonce point: the old <c>PrivateKey.Sign</c>.</summary>
    public static (byte[] Signature, int RecoveryId) Sign(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> secret)
    {
        var n = N;
        var d = new BigInteger(1, secret);
        var e = new BigInteger(1, hash);
        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(n, d, hash.ToArray());
        while (true)
        {
            var k = nonces.NextK();
            var noncePoint = BaseMultiplier.Multiply(Parameters.G, k).Normalize();
            var x = noncePoint.AffineXCoord.ToBigInteger();
            var r = x.Mod(n);
            if (r.SignValue == 0)
            {
                continue;
            }

            var s = BigIntegers.ModOddInverse(n, k).Multiply(e.Add(d.Multiply(r))).Mod(n);
            if (s.SignValue == 0)
            {
                continue;
            }

            var recoveryId = (noncePoint.AffineYCoord.TestBitZero() ? 1 : 0) | (x.CompareTo(n) >= 0 ? 2 : 0);
            if (s.CompareTo(HalfN) > 0)
            {
                s = n.Subtract(s);
                recoveryId ^= 1;
            }

            var signature = new byte[64];
            BigIntegers.AsUnsignedByteArray(r).CopyTo(signature.AsSpan(32 - r.GetLengthofByteArrayUnsigned()));
            BigIntegers.AsUnsignedByteArray(s).CopyTo(signature.AsSpan(64 - s.GetLengthofByteArrayUnsigned()));
            return (signature, recoveryId);
        }
    }

    /// <summary>The old <c>PublicKey.Verify</c>: BouncyCastle's ECDSA verifier, any s in 1 .. n-1 accepted.</summary>
    public static bool Verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, ECPoint publicKey)
    {
        var r = new BigInteger(1, signature[..32]);
        var s = new BigInteger(1, signature[32..64]);
        if (r.SignValue == 0 || s.SignValue == 0 || r.CompareTo(N) >= 0 || s.CompareTo(N) >= 0)
        {
            return false;
        }

        var signer = new ECDsaSigner();
        signer.Init(false, new ECPublicKeyParameters(publicKey, Domain));
        return signer.VerifySignature(hash.ToArray(), r, s);
    }

    /// <summary>The old <c>PublicKey.Recover</c> (SEC 1 v2, 4.1.6); null where it threw.</summary>
    public static ECPoint? Recover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, int recoveryId)
    {
        var n = N;
        var r = new BigInteger(1, signature[..32]);
        var s = new BigInteger(1, signature[32..64]);
        if (r.SignValue == 0 || s.SignValue == 0 || r.CompareTo(n) >= 0 || s.CompareTo(n) >= 0)
        {
            return null;
        }

        var x = (recoveryId & 2) != 0 ? r.Add(n) : r;
        if (x.CompareTo(P) >= 0)
        {
            return null;
        }

        Span<byte> encoded = stackalloc byte[33];
        encoded[0] = (byte)(0x02 | (recoveryId & 1));
        encoded[1..].Clear();
        x.ToByteArrayUnsigned(encoded[(33 - x.GetLengthofByteArrayUnsigned())..]);
        ECPoint noncePoint;
        try
        {
            noncePoint = Parameters.Curve.DecodePoint(encoded.ToArray());
        }
        catch (ArgumentException)
        {
            return null;
        }

        var e = new BigInteger(1, hash);
        var rInverse = r.ModInverse(n);
        var u1 = n.Subtract(e).Multiply(rInverse).Mod(n);
        var u2 = s.Multiply(rInverse).Mod(n);
        var q = ECAlgorithms.SumOfTwoMultiplies(Parameters.G, u1, noncePoint, u2).Normalize();
        return q.IsInfinity ? null : q;
    }

    /// <summary>ECDH the BouncyCastle way: d·Q, compressed (33 bytes).</summary>
    public static byte[] SharedSecretCompressed(ReadOnlySpan<byte> secret, ECPoint publicKey) =>
        publicKey.Multiply(new BigInteger(1, secret)).Normalize().GetEncoded(true);
}
