using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// A BIP-32 extended public key: a public key, a chain code and its place in the tree. Derives normal (non-hardened)
/// children without any private key, and serializes as <c>xpub…</c>.
/// </summary>
/// <remarks>
/// Not a secret on its own, but an extended public key together with any normal child's private key reveals the
/// parent private key: share it with care.
/// </remarks>
public sealed class ExtendedPublicKey
{
    private readonly byte[] _chainCode;

    internal ExtendedPublicKey(PublicKey publicKey, ReadOnlySpan<byte> chainCode, byte depth, uint parentFingerprint, uint childNumber)
    {
        PublicKey = publicKey;
        _chainCode = chainCode.ToArray();
        Depth = depth;
        ParentFingerprint = parentFingerprint;
        ChildNumber = childNumber;
    }

    /// <summary>The public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The Ethereum address of the key.</summary>
    public Address Address => PublicKey.Address;

    /// <summary>The number of derivations from the master key (0 for the master key).</summary>
    public byte Depth { get; }

    /// <summary>The parent key's <see cref="Fingerprint"/>, or 0 for the master key.</summary>
    public uint ParentFingerprint { get; }

    /// <summary>The index this key was derived with, <see cref="HdPath.HardenedBit"/> included; 0 for the master key.</summary>
    public uint ChildNumber { get; }

    /// <summary>The first four bytes of HASH160 of the compressed public key, as BIP-32 identifies keys.</summary>
    public uint Fingerprint => Bip32.Fingerprint(PublicKey);

    /// <summary>Parses a serialized <c>xpub…</c> key, checking its checksum, version, point and the depth-0 rules.</summary>
    /// <exception cref="ExtendedKeyFormatException">The text is not a valid mainnet extended public key.</exception>
    public static ExtendedPublicKey Parse(ReadOnlySpan<char> text)
    {
        var data = Bip32.Deserialize(text, out var version, out var depth, out var parentFingerprint, out var childNumber);
        try
        {
            if (version != Bip32.PublicVersion)
            {
                throw new ExtendedKeyFormatException("This is an extended private key (xprv); parse it with ExtendedPrivateKey.Parse.");
            }

            if (data[45] is not (0x02 or 0x03))
            {
                throw new ExtendedKeyFormatException(
                    $"An extended public key holds a compressed point starting with 0x02 or 0x03; got 0x{data[45].ToString("x2", CultureInfo.InvariantCulture)}.");
            }

            PublicKey publicKey;
            try
            {
                publicKey = PublicKey.FromBytes(data.AsSpan(45, 33));
            }
            catch (KeyFormatException ex)
            {
                throw new ExtendedKeyFormatException("The extended key's public key is not a point on secp256k1.", -1, ex);
            }

            return new ExtendedPublicKey(publicKey, data.AsSpan(13, 32), depth, parentFingerprint, childNumber);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>Derives the normal child at <paramref name="index"/> (below 2^31) from the public key alone.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is hardened; that needs the private key.</exception>
    /// <exception cref="HdKeyDerivationException">The child is invalid (probability below 2^-127); BIP-32 says to use the next index.</exception>
    /// <exception cref="InvalidOperationException">This key is at depth 255 and cannot have children.</exception>
    public ExtendedPublicKey DeriveChild(uint index)
    {
        if ((index & HdPath.HardenedBit) != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index), index, $"Child {Bip32.DescribeChild(index)} is hardened; hardened children can only be derived from the extended private key.");
        }

        if (Depth == byte.MaxValue)
        {
            throw new InvalidOperationException("This key is at depth 255, the deepest BIP-32 allows; it cannot have children.");
        }

        Span<byte> data = stackalloc byte[37];
        Span<byte> i = stackalloc byte[64];
        PublicKey.ToCompressedBytes().CopyTo(data);
        BinaryPrimitives.WriteUInt32BigEndian(data[33..], index);
        Bip32.HmacSha512(_chainCode, data, i);
        return DeriveChildFromHmacOutput(index, i);
    }

    /// <summary>Derives every index of <paramref name="path"/> in turn from this key; all must be normal (not hardened).</summary>
    /// <remarks>The path's <c>m</c> stands for this key.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The path has a hardened index.</exception>
    /// <exception cref="HdKeyDerivationException">A step gives an invalid key (probability below 2^-127).</exception>
    public ExtendedPublicKey Derive(HdPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = this;
        foreach (var index in path.Indices)
        {
            current = current.DeriveChild(index);
        }

        return current;
    }

    /// <summary>Serializes as a mainnet <c>xpub…</c> string.</summary>
    public string ToBase58() =>
        Bip32.Serialize(Bip32.PublicVersion, Depth, ParentFingerprint, ChildNumber, _chainCode, PublicKey.ToCompressedBytes());

    /// <summary>Names the key by depth, child number and address.</summary>
    public override string ToString() => $"ExtendedPublicKey(depth {Depth}, child {Bip32.DescribeChild(ChildNumber)}, address {Address})";

    /// <summary>The second half of public child derivation, given the HMAC-SHA512 output; separate so tests can feed edge cases.</summary>
    internal ExtendedPublicKey DeriveChildFromHmacOutput(uint index, ReadOnlySpan<byte> i)
    {
        var il = new BigInteger(1, i[..32]);
        if (il.CompareTo(Secp256k1.N) >= 0)
        {
            throw ExtendedPrivateKey.InvalidChild(index, "the HMAC output's left half is not below the curve order");
        }

        Span<byte> child = stackalloc byte[Secp256k1.NativeSize];
        if (!Secp256k1.TryAddTweak(PublicKey.Native, i[..32], child))
        {
            // il is below n (checked above), so the only way left to fail is il·G + parent = infinity.
            throw ExtendedPrivateKey.InvalidChild(index, "the child key is the point at infinity");
        }

        return new ExtendedPublicKey(new PublicKey(child), i[32..], (byte)(Depth + 1), Fingerprint, index);
    }
}
