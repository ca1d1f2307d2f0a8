using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Utilities;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace TcrToolkit.Ethereum;

/// <summary>
/// A secp256k1 private key. The 32 secret bytes live in one pinned array that <see cref="Dispose"/> zeroes; they
/// never appear in <see cref="ToString"/>, exception messages or logs.
/// </summary>
/// <remarks>
/// Signing is deterministic (RFC 6979 with HMAC-SHA256, BouncyCastle's <see cref="HMacDsaKCalculator"/>), produces
/// low-S signatures, and takes the recovery id from the nonce point itself. BouncyCastle works on immutable
/// big integers, so each signing briefly holds a copy of the scalar that cannot be zeroed; it is unreachable once the
/// call returns.
/// </remarks>
public sealed class PrivateKey : IDisposable
{
    /// <summary>The size of the secret in bytes.</summary>
    public const int Size = 32;

    private readonly byte[] _secret = GC.AllocateArray<byte>(Size, pinned: true);
    private readonly PublicKey _publicKey;
    private bool _disposed;

    private PrivateKey(ReadOnlySpan<byte> secret)
    {
        secret.CopyTo(_secret);
        var d = new BigInteger(1, _secret);
        _publicKey = new PublicKey(Secp256k1.BaseMultiplier.Multiply(Secp256k1.G, d));
    }

    /// <summary>Creates a key from 32 bytes, which must encode a scalar in 1 .. n-1. The input is copied.</summary>
    /// <exception cref="KeyFormatException">The input is not 32 bytes or not a valid scalar.</exception>
    public static PrivateKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != Size)
        {
            throw new KeyFormatException($"A private key is 32 bytes; got {secret.Length}.");
        }

        if (!Secp256k1.IsValidScalar(new BigInteger(1, secret)))
        {
            throw new KeyFormatException("The private key is zero or not below the secp256k1 group order; it is not a valid key.");
        }

        return new PrivateKey(secret);
    }

    /// <summary>
    /// Creates a key from 64 hex digits, with or without <c>0x</c>. Meant for test fixtures and environment variables;
    /// prefer a keystore for real keys. Errors never echo the input.
    /// </summary>
    /// <exception cref="KeyFormatException">The text is not 32 bytes of hex or not a valid scalar.</exception>
    public static PrivateKey ParseHex(ReadOnlySpan<char> text)
    {
        Span<byte> secret = stackalloc byte[Size];
        try
        {
            var length = Hex.GetDecodedLength(text, HexPrefix.Optional);
            if (length != Size)
            {
                throw new KeyFormatException($"A private key is 32 bytes (64 hex digits); the text holds {length} bytes.");
            }

            Hex.DecodeTo(text, secret, HexPrefix.Optional);
            return FromBytes(secret);
        }
        catch (HexFormatException ex)
        {
            // The hex error names only a non-hex character or a length, never key material.
            throw new KeyFormatException($"The private key is not valid hex: {ex.Message}", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Creates a new random key from the operating system's cryptographic random number generator.</summary>
    public static PrivateKey Generate()
    {
        Span<byte> secret = stackalloc byte[Size];
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(secret);
                if (Secp256k1.IsValidScalar(new BigInteger(1, secret)))
                {
                    return new PrivateKey(secret);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The matching public key.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public PublicKey PublicKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _publicKey;
        }
    }

    /// <summary>The Ethereum address of this key.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public Address Address => PublicKey.Address;

    /// <summary>
    /// Signs a 32-byte hash: RFC 6979 deterministic nonce, low-S, recovery id from the nonce point's y parity and
    /// whether its x coordinate overflowed the group order.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hash"/> is not 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public Signature Sign(ReadOnlySpan<byte> hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PublicKey.EnsureHash(hash);
        var n = Secp256k1.N;
        var d = new BigInteger(1, _secret);
        var e = new BigInteger(1, hash);
        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(n, d, hash.ToArray());
        while (true)
        {
            var k = nonces.NextK();
            var noncePoint = Secp256k1.BaseMultiplier.Multiply(Secp256k1.G, k).Normalize();
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
            if (s.CompareTo(Secp256k1.HalfN) > 0)
            {
                // (r, n - s) is the signature of the negated nonce point -R, whose y has the opposite parity.
                s = n.Subtract(s);
                recoveryId ^= 1;
            }

            return new Signature(Secp256k1.ToUInt256(r), Secp256k1.ToUInt256(s), recoveryId);
        }
    }

    /// <inheritdoc cref="Sign(ReadOnlySpan{byte})"/>
    public Signature Sign(Bytes32 hash) => Sign(hash.AsSpan());

    /// <summary>
    /// Copies the 32 secret bytes into <paramref name="destination"/>, for writing a keystore. The caller owns
    /// zeroing the copy.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public void ExportSecret(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < Size)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; 32 are needed.", nameof(destination));
        }

        _secret.CopyTo(destination);
    }

    /// <summary>Zeroes the secret bytes. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_secret);
            _disposed = true;
        }
    }

    /// <summary>Names the key by its address only; never reveals the secret.</summary>
    public override string ToString() => _disposed ? "PrivateKey(disposed)" : $"PrivateKey(address {_publicKey.Address})";

    internal ReadOnlySpan<byte> SecretForTests => _secret;
}
