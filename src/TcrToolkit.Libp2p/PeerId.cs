using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Libp2p;

/// <summary>
/// A libp2p peer id: the multihash of the protobuf-encoded public key — the identity multihash for keys of at most 42
/// encoded bytes (secp256k1 and Ed25519), SHA-256 otherwise. Its text form is base58btc (<c>16Uiu2…</c> for
/// secp256k1, <c>12D3KooW…</c> for Ed25519); <see cref="ToCidString"/> gives the CIDv1 form (<c>bafz…</c>).
/// </summary>
public sealed class PeerId : IEquatable<PeerId>
{
    /// <summary>The longest multihash accepted as a peer id.</summary>
    public const int MaxLength = 128;

    private const byte IdentityHash = 0x00;
    private const byte Sha256Hash = 0x12;
    private const int LibP2pKeyCodec = 0x72;

    private readonly byte[] _multihash;
    private readonly IdentityKey? _key;

    private PeerId(byte[] multihash, IdentityKey? key)
    {
        _multihash = multihash;
        _key = key;
    }

    /// <summary>The peer id of a secp256k1 node key.</summary>
    public static PeerId FromPublicKey(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return FromIdentityKey(IdentityKey.FromSecp256k1(publicKey));
    }

    internal static PeerId FromIdentityKey(IdentityKey key)
    {
        var encoded = key.Marshal();
        if (encoded.Length <= 42)
        {
            var multihash = new byte[2 + encoded.Length];
            multihash[0] = IdentityHash;
            multihash[1] = (byte)encoded.Length;
            encoded.CopyTo(multihash, 2);
            return new PeerId(multihash, key);
        }

        var digest = SHA256.HashData(encoded);
        return new PeerId([Sha256Hash, 32, .. digest], key);
    }

    /// <summary>Reads a peer id from its binary multihash.</summary>
    /// <exception cref="FormatException">The bytes are not an identity or SHA-256 multihash of a valid key.</exception>
    public static PeerId FromBytes(ReadOnlySpan<byte> multihash)
    {
        if (!TryFromBytes(multihash, out var peerId))
        {
            throw new FormatException("The bytes are not a peer id (an identity or SHA-256 multihash of a public key).");
        }

        return peerId;
    }

    /// <summary>Tries to read a peer id from its binary multihash.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> multihash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PeerId? peerId)
    {
        peerId = null;
        if (multihash.Length < 2 || multihash.Length > MaxLength)
        {
            return false;
        }

        if (UnsignedVarint.TryRead(multihash, out var code, out var codeLength) != UnsignedVarint.ReadResult.Done
            || UnsignedVarint.TryRead(multihash[codeLength..], out var length, out var lengthLength) != UnsignedVarint.ReadResult.Done
            || (ulong)(multihash.Length - codeLength - lengthLength) != length)
        {
            return false;
        }

        var digest = multihash[(codeLength + lengthLength)..];
        if (code == IdentityHash)
        {
            try
            {
                peerId = new PeerId(multihash.ToArray(), IdentityKey.Unmarshal(digest));
                return true;
            }
            catch (Libp2pProtocolException)
            {
                return false;
            }
        }

        if (code == Sha256Hash && length == 32)
        {
            peerId = new PeerId(multihash.ToArray(), null);
            return true;
        }

        return false;
    }

    /// <summary>Parses base58btc text (<c>16Uiu2…</c>, <c>12D3KooW…</c>, <c>Qm…</c>) or CIDv1 text (<c>b…</c>, libp2p-key).</summary>
    /// <exception cref="FormatException">The text is not a peer id.</exception>
    public static PeerId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var peerId) ? peerId : throw new FormatException($"'{Truncate(text)}' is not a peer id.");
    }

    /// <summary>Tries to parse base58btc or CIDv1 text.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PeerId? peerId)
    {
        peerId = null;
        if (string.IsNullOrEmpty(text) || text.Length > 256)
        {
            return false;
        }

        if (text.StartsWith("Qm", StringComparison.Ordinal) || text.StartsWith('1'))
        {
            return Base58.TryDecode(text, out var bytes) && TryFromBytes(bytes, out peerId);
        }

        if (text[0] is 'b' or 'B')
        {
            if (!Base32.TryDecode(text.AsSpan(1), out var cid)
                || UnsignedVarint.TryRead(cid, out var version, out var versionLength) != UnsignedVarint.ReadResult.Done
                || version != 1
                || UnsignedVarint.TryRead(cid.AsSpan(versionLength), out var codec, out var codecLength) != UnsignedVarint.ReadResult.Done
                || codec != LibP2pKeyCodec)
            {
                return false;
            }

            return TryFromBytes(cid.AsSpan(versionLength + codecLength), out peerId);
        }

        return false;
    }

    /// <summary>The secp256k1 public key inlined in the peer id, or null for another key type or a hashed key.</summary>
    public PublicKey? Secp256k1PublicKey => _key?.Secp256k1;

    /// <summary>The type of the inlined key, or null when the peer id is a SHA-256 hash of the key.</summary>
    public IdentityKeyType? KeyType => _key?.Type;

    internal IdentityKey? IdentityKey => _key;

    /// <summary>The binary multihash (as in the <c>/p2p/</c> multiaddr component).</summary>
    public byte[] ToBytes() => (byte[])_multihash.Clone();

    internal ReadOnlySpan<byte> Span => _multihash;

    /// <summary>The base58btc text form.</summary>
    public override string ToString() => Base58.Encode(_multihash);

    /// <summary>The CIDv1 text form: multibase base32 of version 1, codec libp2p-key (0x72) and the multihash.</summary>
    public string ToCidString()
    {
        var cid = new byte[2 + _multihash.Length];
        cid[0] = 1;
        cid[1] = LibP2pKeyCodec;
        _multihash.CopyTo(cid, 2);
        return "b" + Base32.Encode(cid);
    }

    /// <inheritdoc />
    public bool Equals(PeerId? other) => other is not null && _multihash.AsSpan().SequenceEqual(other._multihash);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PeerId);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_multihash);
        return hash.ToHashCode();
    }

    /// <summary>Compares by value.</summary>
    public static bool operator ==(PeerId? left, PeerId? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares by value.</summary>
    public static bool operator !=(PeerId? left, PeerId? right) => !(left == right);

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
