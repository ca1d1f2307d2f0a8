using System.Security.Cryptography;

namespace TcrToolkit.Ethereum;

/// <summary>
/// A secp256k1 private key. The 32 secret bytes live in one pinned array that <see cref="Dispose"/> zeroes; they
/// never appear in <see cref="ToString"/>, exception messages or logs.
/// </summary>
/// <remarks>
/// Every operation runs in libsecp256k1 (see <c>bench/secp256k1-report.md</c> for the measured choice): signing is
/// deterministic (RFC 6979 with HMAC-SHA256), produces low-S signatures and takes the recovery id from the nonce point
/// itself; signing and <see cref="SharedSecretCompressed(PublicKey, Span{byte})"/> are constant time in the secret and
/// copy it nowhere but the native stack, which libsecp256k1 clears. They allocate nothing.
/// </remarks>
public sealed class PrivateKey : IDisposable, IAccountSigner
{
    /// <summary>The size of the secret in bytes.</summary>
    public const int Size = 32;

    private readonly byte[] _secret = GC.AllocateArray<byte>(Size, pinned: true);
    private readonly PublicKey _publicKey;
    private bool _disposed;

    private PrivateKey(ReadOnlySpan<byte> secret)
    {
        secret.CopyTo(_secret);
        Span<byte> native = stackalloc byte[Secp256k1.NativeSize];
        Secp256k1.CreatePublicKey(_secret, native);
        _publicKey = new PublicKey(native);
    }

    /// <summary>Creates a key from 32 bytes, which must encode a scalar in 1 .. n-1. The input is copied.</summary>
    /// <exception cref="KeyFormatException">The input is not 32 bytes or not a valid scalar.</exception>
    public static PrivateKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != Size)
        {
            throw new KeyFormatException($"A private key is 32 bytes; got {secret.Length}.");
        }

        if (!Secp256k1.IsValidSecret(secret))
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
                if (Secp256k1.IsValidSecret(secret))
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
        Span<byte> compact = stackalloc byte[Signature.CompactSize];
        Secp256k1.Sign(hash, _secret, compact, out var recoveryId);
        return new Signature(UInt256.FromBigEndian(compact[..32]), UInt256.FromBigEndian(compact[32..]), recoveryId);
    }

    /// <inheritdoc cref="Sign(ReadOnlySpan{byte})"/>
    public Signature Sign(Bytes32 hash) => Sign(hash.AsSpan());

    /// <inheritdoc/>
    ValueTask<Signature> IAccountSigner.SignTransactionAsync(Transaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return ValueTask.FromResult(Sign(transaction.GetSigningHash()));
    }

    /// <inheritdoc/>
    ValueTask<Signature> IAccountSigner.SignTypedDataAsync(Bytes32 domainSeparator, Bytes32 structHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Sign(Eip712.GetSigningHash(domainSeparator, structHash)));

    /// <summary>
    /// Elliptic-curve Diffie-Hellman: writes the shared point, this key's scalar times <paramref name="publicKey"/>, in
    /// compressed form (33 bytes: 0x02 or 0x03 by y parity, then x). This is the raw shared secret that discv5 feeds to
    /// HKDF (the spec's <c>ecdh</c> function); it is not hashed. Constant time in the secret; allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 33 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public void SharedSecretCompressed(PublicKey publicKey, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < PublicKey.CompressedSize)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; 33 are needed.", nameof(destination));
        }

        Secp256k1.MultiplyCompressed(publicKey.Native, _secret, destination);
    }

    /// <summary>Returns the 33-byte compressed ECDH shared point; see <see cref="SharedSecretCompressed(PublicKey, Span{byte})"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public byte[] SharedSecretCompressed(PublicKey publicKey)
    {
        var shared = new byte[PublicKey.CompressedSize];
        SharedSecretCompressed(publicKey, shared);
        return shared;
    }

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
