using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Text;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>
/// An Ethereum Node Record (EIP-778) with the "v4" identity scheme: sorted unique keys, at most 300 bytes, signed over
/// keccak256(rlp([seq, k, v, ...])) with a 64-byte r || s signature. Records are immutable and verified on creation;
/// unknown keys and their values are kept and re-encoded byte for byte.
/// </summary>
public sealed class Enr : IEquatable<Enr>
{
    /// <summary>The largest encoded record the specification allows.</summary>
    public const int MaxSize = 300;

    /// <summary>The text form's prefix.</summary>
    public const string TextPrefix = "enr:";

    private static readonly byte[] V4SchemeItem = [0x82, (byte)'v', (byte)'4'];

    private readonly byte[] _encoded;
    private readonly byte[] _signature;
    private readonly KeyValuePair<string, byte[]>[] _pairs; // value = the full RLP item encoding

    private Enr(byte[] encoded, ulong sequence, byte[] signature, KeyValuePair<string, byte[]>[] pairs, PublicKey publicKey)
    {
        _encoded = encoded;
        Sequence = sequence;
        _signature = signature;
        _pairs = pairs;
        PublicKey = publicKey;
        NodeId = publicKey.NodeId;
    }

    /// <summary>The sequence number; a newer record of the same node has a larger one.</summary>
    public ulong Sequence { get; }

    /// <summary>The node id: keccak256 of the 64-byte public key.</summary>
    public Bytes32 NodeId { get; }

    /// <summary>The node's secp256k1 public key (the "secp256k1" entry).</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The 64-byte r || s signature.</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>The keys of the record, sorted.</summary>
    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    /// <summary>The IPv4 address ("ip"), if present and 4 bytes.</summary>
    public IPAddress? Ip => GetString("ip") is { Length: 4 } b ? new IPAddress(b) : null;

    /// <summary>The IPv6 address ("ip6"), if present and 16 bytes.</summary>
    public IPAddress? Ip6 => GetString("ip6") is { Length: 16 } b ? new IPAddress(b) : null;

    /// <summary>The UDP port ("udp").</summary>
    public int? Udp => GetPort("udp");

    /// <summary>The TCP port ("tcp").</summary>
    public int? Tcp => GetPort("tcp");

    /// <summary>The IPv6 UDP port ("udp6"), falling back to nothing when absent.</summary>
    public int? Udp6 => GetPort("udp6");

    /// <summary>The IPv6 TCP port ("tcp6").</summary>
    public int? Tcp6 => GetPort("tcp6");

    /// <summary>The Waku capabilities of RFC 31 ("waku2", one byte), or null when the record has none.</summary>
    public Waku2Capabilities? Waku2 => GetString("waku2") is { Length: 1 } b ? (Waku2Capabilities)b[0] : null;

    /// <summary>
    /// The binary multiaddrs of RFC 31 ("multiaddrs": each a uint16 big-endian length and the bytes), or an empty list
    /// when absent. A malformed field yields an empty list.
    /// </summary>
    public IReadOnlyList<byte[]> Multiaddrs
    {
        get
        {
            var raw = GetString("multiaddrs");
            return raw is null ? [] : EnrMultiaddrs.TrySplit(raw, out var list) ? list : [];
        }
    }

    /// <summary>The UDP endpoint to reach the node over IPv4 (or IPv6 when it has no IPv4 address), or null.</summary>
    public IPEndPoint? UdpEndPoint
    {
        get
        {
            if (Ip is { } ip && Udp is { } port)
            {
                return new IPEndPoint(ip, port);
            }

            if (Ip6 is { } ip6 && (Udp6 ?? Udp) is { } port6)
            {
                return new IPEndPoint(ip6, port6);
            }

            return null;
        }
    }

    /// <summary>The raw string value of <paramref name="key"/>, or null when absent or when the value is a list.</summary>
    public byte[]? GetString(string key)
    {
        var item = GetEncodedValue(key);
        if (item is null)
        {
            return null;
        }

        try
        {
            var reader = new RlpReader(item);
            return reader.NextIsList ? null : reader.ReadString().ToArray();
        }
        catch (RlpFormatException)
        {
            return null;
        }
    }

    /// <summary>The full RLP encoding of the value of <paramref name="key"/>, or null when absent.</summary>
    public byte[]? GetEncodedValue(string key)
    {
        foreach (var pair in _pairs)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>The record's RLP encoding.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>A copy of the record's RLP encoding.</summary>
    public byte[] ToBytes() => (byte[])_encoded.Clone();

    /// <summary>The text form: "enr:" and base64url without padding.</summary>
    public override string ToString() => TextPrefix + Base64Url.EncodeToString(_encoded);

    /// <summary>Parses the text form ("enr:" + base64url, no padding).</summary>
    /// <exception cref="EnrFormatException">The text or the record is invalid; the message says why.</exception>
    public static Enr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (!text.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            throw new EnrFormatException("the text form starts with \"enr:\".");
        }

        var body = text.AsSpan(TextPrefix.Length);
        if (body.Contains('='))
        {
            throw new EnrFormatException("the base64url text has padding, which the text form omits.");
        }

        if (body.Length > (MaxSize * 4 / 3) + 4)
        {
            throw new EnrFormatException($"the text is longer than a {MaxSize}-byte record.");
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(body);
        }
        catch (FormatException ex)
        {
            throw new EnrFormatException("the text after \"enr:\" is not base64url.", ex);
        }

        return Decode(bytes);
    }

    /// <summary>Decodes and verifies an RLP-encoded record.</summary>
    /// <exception cref="EnrFormatException">The record is invalid; <see cref="EnrFormatException.Reason"/> says why.</exception>
    public static Enr Decode(ReadOnlySpan<byte> encoded) =>
        TryDecode(encoded, out var record, out var reason) ? record : throw new EnrFormatException(reason);

    /// <summary>Decodes and verifies a record without throwing.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Enr? record, out string reason)
    {
        record = null;
        if (encoded.Length > MaxSize)
        {
            reason = $"the record is {encoded.Length} bytes; at most {MaxSize} are allowed.";
            return false;
        }

        try
        {
            var outer = new RlpReader(encoded);
            if (!outer.HasRemaining || !outer.NextIsList)
            {
                reason = "the record is not an RLP list.";
                return false;
            }

            var list = outer.ReadList();
            outer.EnsureEnd();
            if (!list.HasRemaining || list.NextIsList)
            {
                reason = "the record has no signature string.";
                return false;
            }

            var signature = list.ReadString().ToArray();
            if (!list.HasRemaining)
            {
                reason = "the record has no sequence number.";
                return false;
            }

            var sequence = list.ReadUInt64();
            var pairs = new List<KeyValuePair<string, byte[]>>();
            string? previous = null;
            while (list.HasRemaining)
            {
                if (list.NextIsList)
                {
                    reason = "a key is a list, not a string.";
                    return false;
                }

                var keyBytes = list.ReadString();
                if (!list.HasRemaining)
                {
                    reason = "the last key has no value.";
                    return false;
                }

                var key = Encoding.UTF8.GetString(keyBytes);
                if (previous is not null)
                {
                    var order = string.CompareOrdinal(previous, key);
                    if (order == 0)
                    {
                        reason = $"the key \"{key}\" appears twice.";
                        return false;
                    }

                    if (order > 0)
                    {
                        reason = $"the keys are not sorted (\"{key}\" after \"{previous}\").";
                        return false;
                    }
                }

                var value = list.ReadEncodedItem().ToArray();
                if (value[0] >= 0xc0)
                {
                    Rlp.Decode(value); // nested lists must be canonical too
                }

                pairs.Add(new(key, value));
                previous = key;
            }

            return TryVerify(encoded.ToArray(), sequence, signature, [.. pairs], out record, out reason);
        }
        catch (EthereumFormatException ex)
        {
            reason = $"the RLP is malformed or not canonical ({ex.Message})";
            return false;
        }
    }

    private static bool TryVerify(byte[] encoded, ulong sequence, byte[] signature, KeyValuePair<string, byte[]>[] pairs,
        out Enr? record, out string reason)
    {
        record = null;
        var scheme = Find(pairs, "id");
        if (scheme is null)
        {
            reason = "the record has no \"id\" (identity scheme) entry.";
            return false;
        }

        if (!scheme.AsSpan().SequenceEqual(V4SchemeItem))
        {
            reason = "the identity scheme is not \"v4\".";
            return false;
        }

        var keyItem = Find(pairs, "secp256k1");
        if (keyItem is null || keyItem.Length != 34 || keyItem[0] != 0xa1)
        {
            reason = "the \"secp256k1\" entry is missing or not a 33-byte compressed key.";
            return false;
        }

        if (signature.Length != V4Crypto.SignatureSize)
        {
            reason = $"the signature is {signature.Length} bytes; the v4 scheme uses 64.";
            return false;
        }

        PublicKey publicKey;
        try
        {
            publicKey = PublicKey.FromBytes(keyItem.AsSpan(1));
        }
        catch (KeyFormatException)
        {
            reason = "the \"secp256k1\" entry is not a point on the curve.";
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(ContentToSign(sequence, pairs), hash);
        if (!V4Crypto.Verify(publicKey, hash, signature))
        {
            reason = "the signature does not match the record's content and key.";
            return false;
        }

        record = new Enr(encoded, sequence, signature, pairs, publicKey);
        reason = string.Empty;
        return true;
    }

    private static byte[]? Find(KeyValuePair<string, byte[]>[] pairs, string key)
    {
        foreach (var pair in pairs)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> ContentToSign(ulong sequence, IEnumerable<KeyValuePair<string, byte[]>> pairs)
    {
        var writer = new RlpWriter(MaxSize);
        var marker = writer.StartList();
        writer.WriteUInt64(sequence);
        foreach (var pair in pairs)
        {
            writer.WriteString(Encoding.UTF8.GetBytes(pair.Key));
            writer.WriteEncoded(pair.Value);
        }

        writer.EndList(marker);
        return writer.WrittenSpan;
    }

    /// <summary>Signs a record with the "v4" scheme from already RLP-encoded values (keys are sorted here).</summary>
    internal static Enr Sign(PrivateKey key, ulong sequence, IEnumerable<KeyValuePair<string, byte[]>> encodedValues)
    {
        var pairs = encodedValues
            .Where(p => p.Key is not "id" and not "secp256k1")
            .Append(new("id", Rlp.EncodeString("v4"u8)))
            .Append(new("secp256k1", Rlp.EncodeString(key.PublicKey.ToCompressedBytes())))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToArray();
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(ContentToSign(sequence, pairs), hash);
        var signature = new byte[V4Crypto.SignatureSize];
        V4Crypto.Sign(key, hash, signature);

        var writer = new RlpWriter(MaxSize);
        var marker = writer.StartList();
        writer.WriteString(signature);
        writer.WriteUInt64(sequence);
        foreach (var pair in pairs)
        {
            writer.WriteString(Encoding.UTF8.GetBytes(pair.Key));
            writer.WriteEncoded(pair.Value);
        }

        writer.EndList(marker);
        if (writer.Length > MaxSize)
        {
            throw new EnrFormatException($"the record would be {writer.Length} bytes; at most {MaxSize} are allowed.");
        }

        return new Enr(writer.ToArray(), sequence, signature, pairs, key.PublicKey);
    }

    internal IEnumerable<KeyValuePair<string, byte[]>> EncodedPairs => _pairs;

    private int? GetPort(string key)
    {
        var raw = GetString(key);
        if (raw is null || raw.Length is 0 or > 2 || raw[0] == 0)
        {
            return null;
        }

        return raw.Length == 1 ? raw[0] : BinaryPrimitives.ReadUInt16BigEndian(raw);
    }

    /// <inheritdoc/>
    public bool Equals(Enr? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Enr);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(NodeId, Sequence);
}
