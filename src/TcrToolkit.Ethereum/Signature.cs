namespace TcrToolkit.Ethereum;

/// <summary>
/// A secp256k1 ECDSA signature with its recovery id: the pair (r, s) plus which of the up to four candidate public
/// keys signed. Signatures are public data; <see cref="ToString"/> prints the 65-byte r || s || v form.
/// </summary>
public readonly struct Signature : IEquatable<Signature>
{
    /// <summary>The length of the r || s || v encoding.</summary>
    public const int Size = 65;

    /// <summary>The length of the compact r || s encoding, without recovery id (discv5, ENR "v4").</summary>
    public const int CompactSize = 64;

    /// <summary>Creates a signature, checking that r and s are in 1 .. n-1 and the recovery id in 0 .. 3.</summary>
    /// <exception cref="SignatureFormatException">A component is out of range.</exception>
    public Signature(UInt256 r, UInt256 s, int recoveryId)
    {
        if (r.IsZero || r >= Secp256k1.Order)
        {
            throw new SignatureFormatException("Signature r must be between 1 and the secp256k1 group order minus one.");
        }

        if (s.IsZero || s >= Secp256k1.Order)
        {
            throw new SignatureFormatException("Signature s must be between 1 and the secp256k1 group order minus one.");
        }

        if (recoveryId is < 0 or > 3)
        {
            throw new SignatureFormatException($"Signature recovery id must be 0 to 3; got {recoveryId}.");
        }

        R = r;
        S = s;
        RecoveryId = (byte)recoveryId;
    }

    /// <summary>The x coordinate of the nonce point, reduced modulo the group order.</summary>
    public UInt256 R { get; }

    /// <summary>The proof scalar.</summary>
    public UInt256 S { get; }

    /// <summary>
    /// Bit 0: parity of the nonce point's y coordinate. Bit 1: the nonce point's x coordinate was at least the group
    /// order (probability about 2^-128), so r is x - n.
    /// </summary>
    public byte RecoveryId { get; }

    /// <summary>The y parity (0 or 1) that typed transactions carry.</summary>
    /// <exception cref="InvalidOperationException">The recovery id is 2 or 3, which Ethereum encodings cannot express.</exception>
    public int YParity => RecoveryId <= 1
        ? RecoveryId
        : throw new InvalidOperationException(
            "This signature's nonce point has x >= n (recovery id 2 or 3), which Ethereum's v/yParity cannot encode; sign again with a different message.");

    /// <summary>The legacy <c>v</c> value, 27 + y parity.</summary>
    public int V => 27 + YParity;

    /// <summary>Whether s is at most n/2, the canonical form Ethereum requires since EIP-2.</summary>
    public bool IsLowS => S <= Secp256k1.HalfOrder;

    /// <summary>Returns the equivalent signature with s replaced by n - s when s is high (and the y parity flipped).</summary>
    public Signature NormalizeS() => IsLowS ? this : new Signature(R, Secp256k1.Order - S, RecoveryId ^ 1);

    /// <summary>Writes r (32 bytes) || s (32 bytes) || v (27 or 28), the <c>eth_sign</c>/<c>personal_sign</c> form.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 65 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; 65 are needed.", nameof(destination));
        }

        R.WriteBigEndian(destination);
        S.WriteBigEndian(destination[32..]);
        destination[64] = (byte)V;
    }

    /// <summary>Writes the compact r (32 bytes) || s (32 bytes), the form discv5 and ENR identity scheme "v4" carry.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 64 bytes.</exception>
    public void WriteCompactTo(Span<byte> destination)
    {
        if (destination.Length < CompactSize)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; 64 are needed.", nameof(destination));
        }

        R.WriteBigEndian(destination);
        S.WriteBigEndian(destination[32..]);
    }

    /// <summary>Returns r || s || v as a new 65-byte array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Reads r || s || v where v is 27, 28, 0 or 1.</summary>
    /// <exception cref="SignatureFormatException">The input is not 65 bytes, v is unknown, or r or s is out of range.</exception>
    public static Signature FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new SignatureFormatException($"A signature is 65 bytes (r || s || v); got {bytes.Length}.");
        }

        var v = bytes[64];
        var recoveryId = v switch
        {
            0 or 1 => v,
            27 or 28 => v - 27,
            _ => throw new SignatureFormatException($"Signature v must be 27 or 28 (or 0 or 1); got {v}."),
        };
        return new Signature(UInt256.FromBigEndian(bytes[..32]), UInt256.FromBigEndian(bytes[32..64]), recoveryId);
    }

    /// <summary>Parses the <c>0x</c>-prefixed hex of r || s || v.</summary>
    /// <exception cref="HexFormatException">The text is not valid hex.</exception>
    /// <exception cref="SignatureFormatException">The bytes are not a valid signature.</exception>
    public static Signature Parse(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[Size];
        var length = Hex.GetDecodedLength(text);
        if (length != Size)
        {
            throw new SignatureFormatException($"A signature is 65 bytes (r || s || v); the hex holds {length}.");
        }

        Hex.DecodeTo(text, bytes);
        return FromBytes(bytes);
    }

    /// <summary>The hex of r || s || v, or r, s and the recovery id when the id cannot be expressed as v.</summary>
    public override string ToString() =>
        RecoveryId <= 1 ? Hex.Encode(ToBytes()) : $"Signature(r={R:x}, s={S:x}, recoveryId={RecoveryId})";

    /// <inheritdoc/>
    public bool Equals(Signature other) => R == other.R && S == other.S && RecoveryId == other.RecoveryId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Signature other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(R, S, RecoveryId);

    /// <summary>Equality.</summary>
    public static bool operator ==(Signature left, Signature right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Signature left, Signature right) => !left.Equals(right);
}
