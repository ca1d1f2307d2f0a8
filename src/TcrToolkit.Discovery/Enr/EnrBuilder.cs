using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>Capabilities a Waku node advertises in its record's "waku2" byte (RFC 31/WAKU2-ENR).</summary>
[Flags]
public enum Waku2Capabilities : byte
{
    /// <summary>No capability.</summary>
    None = 0,

    /// <summary>Bit 0: relay.</summary>
    Relay = 1,

    /// <summary>Bit 1: store (history), the seed's "mailserver" capability.</summary>
    Store = 2,

    /// <summary>Bit 2: filter.</summary>
    Filter = 4,

    /// <summary>Bit 3: light push.</summary>
    LightPush = 8,
}

/// <summary>
/// Builds a signed record. Start from <see cref="EnrBuilder()"/> or from an existing record with
/// <see cref="From(Enr)"/>, which keeps every entry (unknown ones byte for byte) and sets the next sequence number.
/// </summary>
public sealed class EnrBuilder
{
    private readonly SortedDictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    /// <summary>Starts an empty record with sequence number 1.</summary>
    public EnrBuilder() { }

    /// <summary>The sequence number the built record gets.</summary>
    public ulong Sequence { get; set; } = 1;

    /// <summary>Starts from <paramref name="record"/>'s entries with its sequence number plus one.</summary>
    public static EnrBuilder From(Enr record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var builder = new EnrBuilder { Sequence = record.Sequence + 1 };
        foreach (var pair in record.EncodedPairs)
        {
            builder._values[pair.Key] = pair.Value;
        }

        return builder;
    }

    /// <summary>Sets a string value.</summary>
    public EnrBuilder Set(string key, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _values[key] = Rlp.EncodeString(value);
        return this;
    }

    /// <summary>Sets a value given as a complete RLP item (for list values).</summary>
    public EnrBuilder SetEncoded(string key, ReadOnlySpan<byte> encodedItem)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Rlp.Decode(encodedItem);
        _values[key] = encodedItem.ToArray();
        return this;
    }

    /// <summary>Removes an entry.</summary>
    public EnrBuilder Remove(string key)
    {
        _values.Remove(key);
        return this;
    }

    /// <summary>Sets "ip" (IPv4) or "ip6" (IPv6) by the address family.</summary>
    public EnrBuilder SetIp(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return Set(address.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip", address.GetAddressBytes());
    }

    /// <summary>Sets "udp" (or "udp6" with <paramref name="ipv6"/>).</summary>
    public EnrBuilder SetUdp(int port, bool ipv6 = false) => SetPort(ipv6 ? "udp6" : "udp", port);

    /// <summary>Sets "tcp" (or "tcp6" with <paramref name="ipv6"/>).</summary>
    public EnrBuilder SetTcp(int port, bool ipv6 = false) => SetPort(ipv6 ? "tcp6" : "tcp", port);

    /// <summary>Sets the "waku2" capability byte.</summary>
    public EnrBuilder SetWaku2(Waku2Capabilities capabilities) => Set("waku2", [(byte)capabilities]);

    /// <summary>Sets "multiaddrs" from binary multiaddrs.</summary>
    public EnrBuilder SetMultiaddrs(IEnumerable<byte[]> multiaddrs) => Set("multiaddrs", EnrMultiaddrs.Join(multiaddrs));

    /// <summary>Signs the record with <paramref name="key"/> ("id" = "v4", "secp256k1" = its compressed public key).</summary>
    /// <exception cref="EnrFormatException">The record would exceed 300 bytes.</exception>
    public Enr Build(PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Enr.Sign(key, Sequence, _values);
    }

    private EnrBuilder SetPort(string key, int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)port);
        var trimmed = port == 0 ? [] : port < 256 ? bytes[1..] : bytes;
        _values[key] = Rlp.EncodeString(trimmed);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => "EnrBuilder(" + string.Join(", ", _values.Keys.Select(k => Encoding.UTF8.GetByteCount(k) > 0 ? k : "?")) + ")";
}

/// <summary>The RFC 31 "multiaddrs" value: a concatenation of uint16 big-endian length + binary multiaddr.</summary>
public static class EnrMultiaddrs
{
    /// <summary>Joins binary multiaddrs into the field's value.</summary>
    public static byte[] Join(IEnumerable<byte[]> multiaddrs)
    {
        ArgumentNullException.ThrowIfNull(multiaddrs);
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var addr in multiaddrs)
        {
            if (addr.Length > ushort.MaxValue)
            {
                throw new ArgumentException("A multiaddr is longer than 65535 bytes.", nameof(multiaddrs));
            }

            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)addr.Length);
            stream.Write(length);
            stream.Write(addr);
        }

        return stream.ToArray();
    }

    /// <summary>Splits the field's value; false when a length runs past the end or an entry is empty.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> value, out IReadOnlyList<byte[]> multiaddrs)
    {
        var list = new List<byte[]>();
        multiaddrs = list;
        while (!value.IsEmpty)
        {
            if (value.Length < 2)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(value);
            if (length == 0 || value.Length - 2 < length)
            {
                return false;
            }

            list.Add(value.Slice(2, length).ToArray());
            value = value[(2 + length)..];
        }

        return true;
    }
}
