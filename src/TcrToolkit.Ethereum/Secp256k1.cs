using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace TcrToolkit.Ethereum;

/// <summary>The secp256k1 curve constants, from BouncyCastle's optimised custom curve implementation.</summary>
internal static class Secp256k1
{
    public static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");
    public static readonly ECDomainParameters Domain = new(Parameters.Curve, Parameters.G, Parameters.N, Parameters.H);
    public static readonly ECCurve Curve = Parameters.Curve;
    public static readonly ECPoint G = Parameters.G;
    public static readonly BigInteger N = Parameters.N;
    public static readonly BigInteger HalfN = N.ShiftRight(1);
    public static readonly BigInteger P = Curve.Field.Characteristic;
    public static readonly ECMultiplier BaseMultiplier = new FixedPointCombMultiplier();

    public static bool IsValidScalar(BigInteger value) => value.SignValue > 0 && value.CompareTo(N) < 0;

    public static BigInteger ToBigInteger(UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.WriteBigEndian(bytes);
        return new BigInteger(1, bytes);
    }

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
}
