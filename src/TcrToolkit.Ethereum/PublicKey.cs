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

    // x || y (64 bytes), then libsecp256k1's opaque form of the same point (64 bytes): one array per key.
    private readonly byte[] _data = new byte[RawSize + Secp256k1.NativeSize];

    /// <summary>Wraps a point in libsecp256k1's opaque form, which the caller has validated.</summary>
    internal PublicKey(ReadOnlySpan<byte> native)
    {
        native.CopyTo(_data.AsSpan(RawSize));
        Secp256k1.WriteRaw(native, _data.AsSpan(0, RawSize));
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(Raw, hash);
        Address = new Address(hash[12..]);
    }

    private ReadOnlySpan<byte> Raw => _data.AsSpan(0, RawSize);

    /// <summary>The point in libsecp256k1's opaque form, for the calls in <see cref="Secp256k1"/>.</summary>
    internal ReadOnlySpan<byte> Native => _data.AsSpan(RawSize);

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

        Span<byte> native = stackalloc byte[Secp256k1.NativeSize];
        if (!Secp256k1.TryParsePublicKey(encoded, native))
        {
            throw new KeyFormatException("The public key is not a point on the secp256k1 curve.");
        }

        return new PublicKey(native);
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
    public Bytes32 NodeId => Keccak256.Hash(Raw);

    /// <summary>Writes x || y (64 bytes).</summary>
    public void WriteRaw(Span<byte> destination) => Raw.CopyTo(destination);

    /// <summary>Returns x || y (64 bytes).</summary>
    public byte[] ToRawBytes() => Raw.ToArray();

    /// <summary>Returns 0x04 || x || y (65 bytes).</summary>
    public byte[] ToUncompressedBytes()
    {
        var bytes = new byte[UncompressedSize];
        bytes[0] = 0x04;
        Raw.CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>Returns (0x02 or 0x03 by y parity) || x (33 bytes).</summary>
    public byte[] ToCompressedBytes()
    {
        var bytes = new byte[CompressedSize];
        WriteCompressed(bytes);
        return bytes;
    }

    /// <summary>Writes (0x02 or 0x03 by y parity) || x (33 bytes).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 33 bytes.</exception>
    public void WriteCompressed(Span<byte> destination)
    {
        if (destination.Length < CompressedSize)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; 33 are needed.", nameof(destination));
        }

        destination[0] = (byte)(0x02 | (Raw[63] & 1));
        Raw[..32].CopyTo(destination[1..]);
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

        return Secp256k1.Verify(hash, signature.R, signature.S, Native);
    }

    /// <inheritdoc cref="Verify(ReadOnlySpan{byte}, Signature, bool)"/>
    public bool Verify(Bytes32 hash, Signature signature, bool requireLowS = false) =>
        Verify(hash.AsSpan(), signature, requireLowS);

    /// <summary>
    /// Verifies a 64-byte r || s signature (no recovery id), the form discv5 handshakes and ENR identity scheme "v4" use.
    /// Malformed signatures (not 64 bytes, r or s zero or not below the group order) are invalid, not errors, so the
    /// method can be called on untrusted input as it arrives. With <paramref name="requireLowS"/>, s above n/2 is rejected.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hash"/> is not 32 bytes.</exception>
    public bool VerifyCompact(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, bool requireLowS = false)
    {
        EnsureHash(hash);
        if (signature.Length != Signature.CompactSize)
        {
            return false;
        }

        var r = UInt256.FromBigEndian(signature[..32]);
        var s = UInt256.FromBigEndian(signature[32..]);
        if (r.IsZero || s.IsZero || r >= Secp256k1.Order || s >= Secp256k1.Order || (requireLowS && s > Secp256k1.HalfOrder))
        {
            return false;
        }

        return Secp256k1.Verify(hash, r, s, Native);
    }

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

        if ((signature.RecoveryId & 2) != 0 && signature.R >= Secp256k1.FieldPrime - Secp256k1.Order)
        {
            throw new SignatureRecoveryException("Signature recovery id says r + n, but that is not a valid field element.");
        }

        Span<byte> native = stackalloc byte[Secp256k1.NativeSize];
        if (!Secp256k1.TryRecover(hash, signature.R, signature.S, signature.RecoveryId, native))
        {
            throw RecoveryFailure(signature);
        }

        return new PublicKey(native);
    }

    // Only on failure: libsecp256k1 says no without saying why, so tell the two causes apart here.
    private static SignatureRecoveryException RecoveryFailure(Signature signature)
    {
        Span<byte> noncePoint = stackalloc byte[CompressedSize];
        noncePoint[0] = (byte)(0x02 | (signature.RecoveryId & 1));
        ((signature.RecoveryId & 2) != 0 ? signature.R + Secp256k1.Order : signature.R).WriteBigEndian(noncePoint[1..]);
        Span<byte> native = stackalloc byte[Secp256k1.NativeSize];
        return Secp256k1.TryParsePublicKey(noncePoint, native)
            ? new SignatureRecoveryException("Signature recovers to the point at infinity.")
            : new SignatureRecoveryException("Signature r is not the x coordinate of a point on secp256k1.");
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
    public bool Equals(PublicKey? other) => other is not null && Raw.SequenceEqual(other.Raw);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_data, 28);
}
