using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// A BIP-32 extended private key: a secp256k1 private key, a chain code, and its place in the tree (depth, parent
/// fingerprint, child number). Derives private children (hardened and normal), its <see cref="ExtendedPublicKey"/>,
/// and serializes as <c>xprv…</c>. The key and chain code are zeroed by <see cref="Dispose"/> and never appear in
/// <see cref="ToString"/>.
/// </summary>
/// <remarks>
/// As with <see cref="PrivateKey"/>, BouncyCastle's HMAC and big-integer arithmetic keep short-lived copies of key
/// material that cannot be zeroed; they are unreachable once a call returns.
/// </remarks>
public sealed class ExtendedPrivateKey : IDisposable
{
    private static readonly byte[] s_masterKeyHmacKey = "Bitcoin seed"u8.ToArray();

    private readonly PrivateKey _key;
    private readonly byte[] _chainCode = GC.AllocateArray<byte>(Bip32.ChainCodeSize, pinned: true);
    private bool _disposed;

    private ExtendedPrivateKey(PrivateKey key, ReadOnlySpan<byte> chainCode, byte depth, uint parentFingerprint, uint childNumber)
    {
        _key = key;
        chainCode.CopyTo(_chainCode);
        Depth = depth;
        ParentFingerprint = parentFingerprint;
        ChildNumber = childNumber;
    }

    /// <summary>The number of derivations from the master key (0 for the master key).</summary>
    public byte Depth { get; }

    /// <summary>The parent key's <see cref="Fingerprint"/>, or 0 for the master key.</summary>
    public uint ParentFingerprint { get; }

    /// <summary>The index this key was derived with, <see cref="HdPath.HardenedBit"/> included; 0 for the master key.</summary>
    public uint ChildNumber { get; }

    /// <summary>The first four bytes of HASH160 of the compressed public key, as BIP-32 identifies keys.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public uint Fingerprint => Bip32.Fingerprint(PublicKey);

    /// <summary>The public key.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public PublicKey PublicKey => _key.PublicKey;

    /// <summary>The Ethereum address of the key.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public Address Address => _key.Address;

    /// <summary>
    /// Derives the master key from a seed (16–64 bytes; a BIP-39 seed is 64): HMAC-SHA512 keyed with
    /// <c>"Bitcoin seed"</c>, the left half the key and the right half the chain code.
    /// </summary>
    /// <exception cref="ArgumentException">The seed is shorter than 16 or longer than 64 bytes.</exception>
    /// <exception cref="HdKeyDerivationException">The seed gives an invalid key (probability below 2^-127); use another seed.</exception>
    public static ExtendedPrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length is < 16 or > 64)
        {
            throw new ArgumentException($"A BIP-32 seed is 16 to 64 bytes; got {seed.Length}.", nameof(seed));
        }

        Span<byte> i = stackalloc byte[64];
        try
        {
            Bip32.HmacSha512(s_masterKeyHmacKey, seed, i);
            return FromHmacOutput(i, depth: 0, parentFingerprint: 0, childNumber: 0, index: null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(i);
        }
    }

    /// <summary>
    /// Parses a serialized <c>xprv…</c> key, checking its checksum, version, key prefix and the depth-0 rules.
    /// </summary>
    /// <exception cref="ExtendedKeyFormatException">The text is not a valid mainnet extended private key.</exception>
    public static ExtendedPrivateKey Parse(ReadOnlySpan<char> text)
    {
        var data = Bip32.Deserialize(text, out var version, out var depth, out var parentFingerprint, out var childNumber);
        try
        {
            if (version != Bip32.PrivateVersion)
            {
                throw new ExtendedKeyFormatException("This is an extended public key (xpub); parse it with ExtendedPublicKey.Parse.");
            }

            if (data[45] != 0)
            {
                throw new ExtendedKeyFormatException(
                    $"An extended private key's key field starts with 0x00; got 0x{data[45].ToString("x2", CultureInfo.InvariantCulture)}.");
            }

            PrivateKey key;
            try
            {
                key = PrivateKey.FromBytes(data.AsSpan(46, 32));
            }
            catch (KeyFormatException ex)
            {
                throw new ExtendedKeyFormatException("The extended key's private key is zero or not below the secp256k1 group order.", -1, ex);
            }

            return new ExtendedPrivateKey(key, data.AsSpan(13, 32), depth, parentFingerprint, childNumber);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>
    /// Derives the child at <paramref name="index"/>: hardened (from the private key) when <see cref="HdPath.HardenedBit"/>
    /// is set, normal (from the public key) otherwise.
    /// </summary>
    /// <exception cref="HdKeyDerivationException">The child is invalid (probability below 2^-127); BIP-32 says to use the next index.</exception>
    /// <exception cref="InvalidOperationException">This key is at depth 255 and cannot have children.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public ExtendedPrivateKey DeriveChild(uint index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Depth == byte.MaxValue)
        {
            throw new InvalidOperationException("This key is at depth 255, the deepest BIP-32 allows; it cannot have children.");
        }

        Span<byte> data = stackalloc byte[37];
        Span<byte> i = stackalloc byte[64];
        try
        {
            if ((index & HdPath.HardenedBit) != 0)
            {
                data[0] = 0;
                _key.ExportSecret(data[1..33]);
            }
            else
            {
                _key.PublicKey.ToCompressedBytes().CopyTo(data);
            }

            BinaryPrimitives.WriteUInt32BigEndian(data[33..], index);
            Bip32.HmacSha512(_chainCode, data, i);
            return DeriveChildFromHmacOutput(index, i);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
            CryptographicOperations.ZeroMemory(i);
        }
    }

    /// <summary>Derives every index of <paramref name="path"/> in turn, starting from this key.</summary>
    /// <remarks>The path's <c>m</c> stands for this key; pass a path relative to it (usually this is the master key).</remarks>
    /// <exception cref="HdKeyDerivationException">A step gives an invalid key (probability below 2^-127).</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public ExtendedPrivateKey Derive(HdPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var current = new ExtendedPrivateKey(CopyKey(_key), _chainCode, Depth, ParentFingerprint, ChildNumber);
        foreach (var index in path.Indices)
        {
            using var parent = current;
            current = parent.DeriveChild(index);
        }

        return current;
    }

    /// <inheritdoc cref="Derive(HdPath)"/>
    /// <exception cref="HdPathFormatException"><paramref name="path"/> is not a valid path.</exception>
    public ExtendedPrivateKey Derive(string path) => Derive(HdPath.Parse(path));

    /// <summary>Returns a copy of the private key, which the caller disposes.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public PrivateKey ToPrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CopyKey(_key);
    }

    /// <summary>Returns the matching extended public key (BIP-32 "neutering").</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public ExtendedPublicKey ToExtendedPublicKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new ExtendedPublicKey(_key.PublicKey, _chainCode, Depth, ParentFingerprint, ChildNumber);
    }

    /// <summary>
    /// Serializes as a mainnet <c>xprv…</c> string. This is the secret key and everything below it: store it like a
    /// private key, never log it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public string ToBase58()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> key = stackalloc byte[33];
        try
        {
            key[0] = 0;
            _key.ExportSecret(key[1..]);
            return Bip32.Serialize(Bip32.PrivateVersion, Depth, ParentFingerprint, ChildNumber, _chainCode, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Zeroes the key and chain code. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _key.Dispose();
            CryptographicOperations.ZeroMemory(_chainCode);
            _disposed = true;
        }
    }

    /// <summary>Names the key by depth, child number and address; never reveals the key or chain code.</summary>
    public override string ToString() =>
        _disposed ? "ExtendedPrivateKey(disposed)" : $"ExtendedPrivateKey(depth {Depth}, child {Bip32.DescribeChild(ChildNumber)}, address {Address})";

    /// <summary>The second half of child derivation, given the HMAC-SHA512 output; separate so tests can feed edge cases.</summary>
    internal ExtendedPrivateKey DeriveChildFromHmacOutput(uint index, ReadOnlySpan<byte> i)
    {
        var il = new BigInteger(1, i[..32]);
        if (il.CompareTo(Secp256k1.N) >= 0)
        {
            throw InvalidChild(index, "the HMAC output's left half is not below the curve order");
        }

        Span<byte> parent = stackalloc byte[32];
        Span<byte> child = stackalloc byte[32];
        try
        {
            _key.ExportSecret(parent);
            var k = il.Add(new BigInteger(1, parent)).Mod(Secp256k1.N);
            if (k.SignValue == 0)
            {
                throw InvalidChild(index, "the child key is zero");
            }

            k.ToByteArrayUnsigned(child[(32 - k.GetLengthofByteArrayUnsigned())..]);
            return new ExtendedPrivateKey(PrivateKey.FromBytes(child), i[32..], (byte)(Depth + 1), Fingerprint, index);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parent);
            CryptographicOperations.ZeroMemory(child);
        }
    }

    internal static ExtendedPrivateKey FromHmacOutput(ReadOnlySpan<byte> i, byte depth, uint parentFingerprint, uint childNumber, uint? index)
    {
        if (!Secp256k1.IsValidScalar(new BigInteger(1, i[..32])))
        {
            throw index is null
                ? new HdKeyDerivationException("The seed gives an invalid master key (zero or not below the curve order); use another seed.", null)
                : InvalidChild(index.Value, "the key is zero or not below the curve order");
        }

        return new ExtendedPrivateKey(PrivateKey.FromBytes(i[..32]), i[32..], depth, parentFingerprint, childNumber);
    }

    private static PrivateKey CopyKey(PrivateKey key)
    {
        Span<byte> secret = stackalloc byte[PrivateKey.Size];
        try
        {
            key.ExportSecret(secret);
            return PrivateKey.FromBytes(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    internal static HdKeyDerivationException InvalidChild(uint index, string reason) =>
        new($"Child {Bip32.DescribeChild(index)} is invalid ({reason}; probability below 2^-127). BIP-32 says to skip it and use the next index.", index);
}
