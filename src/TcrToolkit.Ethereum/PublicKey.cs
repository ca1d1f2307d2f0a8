using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace TcrToolkit.Ethereum;

/// <summary>
/// A secp256k1 public key: a validated curve point. Reads the compressed (33-byte), uncompressed (65-byte, 0x04
/// prefix) and raw (64-byte x || y) forms; derives the Ethereum address and the discv5 node id.
/// </summary>
public sealed class PublicKey : IEquatable<PublicKey>
{
    /// <summary>The length of the compressed encoding.</summary>
    public const int CompressedSize = 33;

    /// <summary>The length of the uncompressed encoding with its 0x04 prefix.</summary>
    public const int UncompressedSize = 65;

    /// <summary>The length of the raw x || y encoding.</summary>
    public const int RawSize = 64;

    private readonly byte[] _raw; // x || y, 64 bytes

    internal PublicKey(ECPoint point)
    {
        Point = point.Normalize();
        _raw = new byte[RawSize];
        Point.AffineXCoord.EncodeTo(_raw.AsSpan(0, 32));
        Point.AffineYCoord.EncodeTo(_raw.AsSpan(32, 32));
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(_raw, hash);
        Address = new Address(hash[12..]);
    }

    internal ECPoint Point { get; }

    /// <summary>Reads a public key in compressed (33 bytes), uncompressed (65 bytes) or raw x || y (64 bytes) form.</summary>
    /// <exception cref="KeyFormatException">The length or prefix is wrong, or the point is not on secp256k1.</exception>
    public static PublicKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        Span<byte> encoded = stackalloc byte[UncompressedSize];
        switch (bytes.Length)
        {
            case CompressedSize when bytes[0] is 0x02 or 0x03:
            case UncompressedSize when bytes[0] == 0x04:
                encoded = encoded[..bytes.Length];
                bytes.CopyTo(encoded);
                break;
            case RawSize:
                encoded[0] = 0x04;
                bytes.CopyTo(encoded[1..]);
                break;
            case CompressedSize:
                throw new KeyFormatException($"A compressed public key starts with 0x02 or 0x03; got 0x{bytes[0]:x2}.");
            case UncompressedSize:
                throw new KeyFormatException($"An uncompressed public key starts with 0x04; got 0x{bytes[0]:x2}.");
            default:
                throw new KeyFormatException(
                    $"A public key is 33 bytes (compressed), 65 bytes (uncompressed) or 64 bytes (x || y); got {bytes.Length}.");
        }

        ECPoint point;
        try
        {
            point = Secp256k1.Curve.DecodePoint(encoded);
        }
        catch (ArgumentException ex)
        {
            throw new KeyFormatException("The public key is not a point on the secp256k1 curve.", ex);
        }

        if (point.IsInfinity || !point.IsValid())
        {
            throw new KeyFormatException("The public key is not a valid point on the secp256k1 curve.");
        }

        return new PublicKey(point);
    }

    /// <summary>Parses the <c>0x</c>-prefixed hex of any form accepted by <see cref="FromBytes"/>.</summary>
    /// <exception cref="HexFormatException">The text is not valid hex.</exception>
    /// <exception cref="KeyFormatException">The bytes are not a valid public key.</exception>
    public static PublicKey Parse(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[UncompressedSize];
        var length = Hex.GetDecodedLength(text);
        if (length > UncompressedSize)
        {
            throw new KeyFormatException($"A public key is at most 65 bytes; the hex holds {length}.");
        }

        Hex.DecodeTo(text, bytes);
        return FromBytes(bytes[..length]);
    }

    /// <summary>The Ethereum address: the last 20 bytes of Keccak-256 of the 64-byte x || y.</summary>
    public Address Address { get; }

    /// <summary>The discv5 / devp2p node id: Keccak-256 of the 64-byte x || y.</summary>
    public Bytes32 NodeId => Keccak256.Hash(_raw);

    /// <summary>Writes x || y (64 bytes).</summary>
    public void WriteRaw(Span<byte> destination) => _raw.CopyTo(destination);

    /// <summary>Returns x || y (64 bytes).</summary>
    public byte[] ToRawBytes() => (byte[])_raw.Clone();

    /// <summary>Returns 0x04 || x || y (65 bytes).</summary>
    public byte[] ToUncompressedBytes()
    {
        var bytes = new byte[UncompressedSize];
        bytes[0] = 0x04;
        _raw.CopyTo(bytes, 1);
        return bytes;
    }

    /// <summary>Returns (0x02 or 0x03 by y parity) || x (33 bytes).</summary>
    public byte[] ToCompressedBytes()
    {
        var bytes = new byte[CompressedSize];
        bytes[0] = (byte)(0x02 | (_raw[63] & 1));
        _raw.AsSpan(0, 32).CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>Computes the discv5 node id from a public key in any form accepted by <see cref="FromBytes"/>.</summary>
    /// <exception cref="KeyFormatException">The bytes are not a valid public key.</exception>
    public static Bytes32 ComputeNodeId(ReadOnlySpan<byte> publicKey) => FromBytes(publicKey).NodeId;

    /// <summary>
    /// Verifies a signature over a 32-byte hash. With <paramref name="requireLowS"/>, a signature whose s is above
    /// n/2 is rejected, as Ethereum transactions require.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hash"/> is not 32 bytes.</exception>
    public bool Verify(ReadOnlySpan<byte> hash, Signature signature, bool requireLowS = false)
    {
        EnsureHash(hash);
        if (signature.R.IsZero || signature.S.IsZero || (requireLowS && !signature.IsLowS))
        {
            return false;
        }

        var signer = new ECDsaSigner();
        signer.Init(false, new ECPublicKeyParameters(Point, Secp256k1.Domain));
        return signer.VerifySignature(hash.ToArray(), Secp256k1.ToBigInteger(signature.R), Secp256k1.ToBigInteger(signature.S));
    }

    /// <inheritdoc cref="Verify(ReadOnlySpan{byte}, Signature, bool)"/>
    public bool Verify(Bytes32 hash, Signature signature, bool requireLowS = false) =>
        Verify(hash.AsSpan(), signature, requireLowS);

    /// <summary>
    /// Recovers the public key that produced <paramref name="signature"/> over <paramref name="hash"/>, using the
    /// recovery id to pick the nonce point (SEC 1 v2, section 4.1.6).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hash"/> is not 32 bytes.</exception>
    /// <exception cref="SignatureRecoveryException">No public key corresponds to the signature.</exception>
    public static PublicKey Recover(ReadOnlySpan<byte> hash, Signature signature)
    {
        EnsureHash(hash);
        if (signature.R.IsZero || signature.S.IsZero)
        {
            throw new SignatureRecoveryException("Cannot recover from a signature with r or s equal to zero.");
        }

        var n = Secp256k1.N;
        var r = Secp256k1.ToBigInteger(signature.R);
        var s = Secp256k1.ToBigInteger(signature.S);
        var x = (signature.RecoveryId & 2) != 0 ? r.Add(n) : r;
        if (x.CompareTo(Secp256k1.P) >= 0)
        {
            throw new SignatureRecoveryException("Signature recovery id says r + n, but that is not a valid field element.");
        }

        Span<byte> encoded = stackalloc byte[CompressedSize];
        encoded[0] = (byte)(0x02 | (signature.RecoveryId & 1));
        encoded[1..].Clear();
        x.ToByteArrayUnsigned(encoded[(CompressedSize - x.GetLengthofByteArrayUnsigned())..]);
        ECPoint noncePoint;
        try
        {
            noncePoint = Secp256k1.Curve.DecodePoint(encoded);
        }
        catch (ArgumentException)
        {
            throw new SignatureRecoveryException("Signature r is not the x coordinate of a point on secp256k1.");
        }

        var e = new BigInteger(1, hash);
        var rInverse = r.ModInverse(n);
        var u1 = n.Subtract(e).Multiply(rInverse).Mod(n);
        var u2 = s.Multiply(rInverse).Mod(n);
        var q = ECAlgorithms.SumOfTwoMultiplies(Secp256k1.G, u1, noncePoint, u2).Normalize();
        if (q.IsInfinity)
        {
            throw new SignatureRecoveryException("Signature recovers to the point at infinity.");
        }

        return new PublicKey(q);
    }

    /// <inheritdoc cref="Recover(ReadOnlySpan{byte}, Signature)"/>
    public static PublicKey Recover(Bytes32 hash, Signature signature) => Recover(hash.AsSpan(), signature);

    internal static void EnsureHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != Keccak256.Size)
        {
            throw new ArgumentException($"Signing works on a 32-byte hash; got {hash.Length} bytes.", nameof(hash));
        }
    }

    /// <summary>The compressed public key in hex.</summary>
    public override string ToString() => Hex.Encode(ToCompressedBytes());

    /// <inheritdoc/>
    public bool Equals(PublicKey? other) => other is not null && _raw.AsSpan().SequenceEqual(other._raw);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_raw, 28);
}
