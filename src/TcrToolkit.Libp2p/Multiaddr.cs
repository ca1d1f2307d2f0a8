using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcrToolkit.Libp2p;

/// <summary>One protocol of a <see cref="Multiaddr"/>: its code, name and (possibly empty) value bytes.</summary>
public sealed record MultiaddrComponent
{
    internal MultiaddrComponent(MultiaddrProtocol protocol, byte[] value)
    {
        Protocol = protocol;
        Value = value;
    }

    /// <summary>The protocol.</summary>
    public MultiaddrProtocol Protocol { get; }

    /// <summary>The binary value (4 bytes for ip4, 2 big-endian bytes for tcp, a multihash for p2p, UTF-8 for dns*).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The value in its text form (empty for protocols without a value).</summary>
    public string ValueText => Protocol.Format(Value.Span);

    /// <summary>The component as text, e.g. <c>/tcp/60000</c>.</summary>
    public override string ToString() => Protocol.Size == 0 ? "/" + Protocol.Name : $"/{Protocol.Name}/{ValueText}";

    /// <inheritdoc />
    public bool Equals(MultiaddrComponent? other) =>
        other is not null && other.Protocol.Code == Protocol.Code && other.Value.Span.SequenceEqual(Value.Span);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Protocol.Code, Value.Length);
}

/// <summary>A multiaddr protocol this library reads and writes.</summary>
public sealed class MultiaddrProtocol
{
    /// <summary>Value size meaning "length-prefixed".</summary>
    public const int Variable = -1;

    private MultiaddrProtocol(int code, string name, int size)
    {
        Code = code;
        Name = name;
        Size = size;
    }

    /// <summary>The multicodec code.</summary>
    public int Code { get; }

    /// <summary>The text name.</summary>
    public string Name { get; }

    /// <summary>The value size in bytes: 0 for none, <see cref="Variable"/> for a varint-length-prefixed value.</summary>
    public int Size { get; }

    /// <summary><c>/ip4</c>.</summary>
    public static readonly MultiaddrProtocol Ip4 = new(4, "ip4", 4);

    /// <summary><c>/tcp</c>.</summary>
    public static readonly MultiaddrProtocol Tcp = new(6, "tcp", 2);

    /// <summary><c>/udp</c>.</summary>
    public static readonly MultiaddrProtocol Udp = new(273, "udp", 2);

    /// <summary><c>/ip6</c>.</summary>
    public static readonly MultiaddrProtocol Ip6 = new(41, "ip6", 16);

    /// <summary><c>/dns</c>.</summary>
    public static readonly MultiaddrProtocol Dns = new(53, "dns", Variable);

    /// <summary><c>/dns4</c>.</summary>
    public static readonly MultiaddrProtocol Dns4 = new(54, "dns4", Variable);

    /// <summary><c>/dns6</c>.</summary>
    public static readonly MultiaddrProtocol Dns6 = new(55, "dns6", Variable);

    /// <summary><c>/dnsaddr</c>.</summary>
    public static readonly MultiaddrProtocol DnsAddr = new(56, "dnsaddr", Variable);

    /// <summary><c>/tls</c>.</summary>
    public static readonly MultiaddrProtocol Tls = new(448, "tls", 0);

    /// <summary><c>/ws</c>.</summary>
    public static readonly MultiaddrProtocol Ws = new(477, "ws", 0);

    /// <summary><c>/wss</c>.</summary>
    public static readonly MultiaddrProtocol Wss = new(478, "wss", 0);

    /// <summary><c>/p2p</c> (a peer id).</summary>
    public static readonly MultiaddrProtocol P2p = new(421, "p2p", Variable);

    private static readonly MultiaddrProtocol[] All = [Ip4, Tcp, Udp, Ip6, Dns, Dns4, Dns6, DnsAddr, Tls, Ws, Wss, P2p];

    internal static MultiaddrProtocol? ByCode(ulong code) => All.FirstOrDefault(p => (ulong)p.Code == code);

    internal static MultiaddrProtocol? ByName(string name) =>
        name == "ipfs" ? P2p : All.FirstOrDefault(p => p.Name == name);

    internal string Format(ReadOnlySpan<byte> value)
    {
        if (Code == Ip4.Code || Code == Ip6.Code)
        {
            return new IPAddress(value).ToString();
        }

        if (Code == Tcp.Code || Code == Udp.Code)
        {
            return ((value[0] << 8) | value[1]).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Code == P2p.Code)
        {
            return Base58.Encode(value);
        }

        return Size == 0 ? string.Empty : Encoding.UTF8.GetString(value);
    }

    internal byte[] ParseValue(string text)
    {
        if (Code == Ip4.Code || Code == Ip6.Code)
        {
            var family = Code == Ip4.Code ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != family)
            {
                throw new FormatException($"'{text}' is not an {Name} address.");
            }

            return ip.GetAddressBytes();
        }

        if (Code == Tcp.Code || Code == Udp.Code)
        {
            if (!ushort.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
            {
                throw new FormatException($"'{text}' is not a port number.");
            }

            return [(byte)(port >> 8), (byte)port];
        }

        if (Code == P2p.Code)
        {
            return PeerId.Parse(text).ToBytes();
        }

        if (text.Length == 0 || text.Length > 255)
        {
            throw new FormatException($"A {Name} name must be 1 to 255 characters.");
        }

        return Encoding.UTF8.GetBytes(text);
    }

    internal void Validate(ReadOnlySpan<byte> value)
    {
        if (Code == P2p.Code && !PeerId.TryFromBytes(value, out _))
        {
            throw new FormatException("A /p2p value is not a peer id.");
        }

        if (Size == Variable && Code != P2p.Code)
        {
            try
            {
                _ = new UTF8Encoding(false, true).GetString(value);
            }
            catch (DecoderFallbackException ex)
            {
                throw new FormatException($"A /{Name} value is not UTF-8.", ex);
            }

            if (value.IsEmpty)
            {
                throw new FormatException($"A /{Name} value is empty.");
            }
        }
    }
}

/// <summary>
/// A multiaddr: a sequence of protocol components with a text form (<c>/ip4/127.0.0.1/tcp/60000/ws/p2p/16Uiu2…</c>)
/// and a binary form (varint code, then the value: fixed size or varint-length-prefixed). Supports ip4, ip6, dns, dns4,
/// dns6, dnsaddr, tcp, udp, tls, ws, wss and p2p; anything else is refused.
/// </summary>
public sealed class Multiaddr : IEquatable<Multiaddr>
{
    /// <summary>The longest binary multiaddr accepted.</summary>
    public const int MaxLength = 1024;

    private Multiaddr(IReadOnlyList<MultiaddrComponent> components) => Components = components;

    /// <summary>The components in order.</summary>
    public IReadOnlyList<MultiaddrComponent> Components { get; }

    /// <summary>Parses the text form.</summary>
    /// <exception cref="FormatException">Unknown protocol, missing or invalid value.</exception>
    public static Multiaddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 4 * MaxLength || !text.StartsWith('/'))
        {
            throw new FormatException("A multiaddr starts with '/'.");
        }

        var parts = text.TrimEnd('/').Split('/');
        var components = new List<MultiaddrComponent>();
        for (var i = 1; i < parts.Length; i++)
        {
            var protocol = MultiaddrProtocol.ByName(parts[i]) ?? throw new FormatException($"Unknown multiaddr protocol '{parts[i]}'.");
            if (protocol.Size == 0)
            {
                components.Add(new MultiaddrComponent(protocol, []));
                continue;
            }

            if (++i >= parts.Length)
            {
                throw new FormatException($"/{protocol.Name} needs a value.");
            }

            components.Add(new MultiaddrComponent(protocol, protocol.ParseValue(parts[i])));
        }

        if (components.Count == 0)
        {
            throw new FormatException("A multiaddr has at least one component.");
        }

        return new Multiaddr(components);
    }

    /// <summary>Tries to parse the text form.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Multiaddr? multiaddr)
    {
        multiaddr = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            multiaddr = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads the binary form.</summary>
    /// <exception cref="FormatException">Truncated, unknown protocol or invalid value.</exception>
    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes.Length > MaxLength)
        {
            throw new FormatException($"A binary multiaddr is 1 to {MaxLength} bytes.");
        }

        var components = new List<MultiaddrComponent>();
        while (!bytes.IsEmpty)
        {
            if (UnsignedVarint.TryRead(bytes, out var code, out var read) != UnsignedVarint.ReadResult.Done)
            {
                throw new FormatException("A multiaddr protocol code is not a valid varint.");
            }

            bytes = bytes[read..];
            var protocol = MultiaddrProtocol.ByCode(code) ?? throw new FormatException($"Unknown multiaddr protocol code {code}.");
            int size = protocol.Size;
            if (size == MultiaddrProtocol.Variable)
            {
                if (UnsignedVarint.TryRead(bytes, out var length, out read) != UnsignedVarint.ReadResult.Done
                    || length > (ulong)(bytes.Length - read))
                {
                    throw new FormatException($"The /{protocol.Name} value length is invalid or runs past the end.");
                }

                bytes = bytes[read..];
                size = (int)length;
            }

            if (bytes.Length < size)
            {
                throw new FormatException($"The /{protocol.Name} value runs past the end.");
            }

            var value = bytes[..size];
            protocol.Validate(value);
            components.Add(new MultiaddrComponent(protocol, value.ToArray()));
            bytes = bytes[size..];
        }

        return new Multiaddr(components);
    }

    /// <summary>The binary form.</summary>
    public byte[] ToBytes()
    {
        var output = new List<byte>();
        Span<byte> scratch = stackalloc byte[UnsignedVarint.MaxLength];
        foreach (var component in Components)
        {
            output.AddRange(scratch[..UnsignedVarint.Write(scratch, (ulong)component.Protocol.Code)]);
            if (component.Protocol.Size == MultiaddrProtocol.Variable)
            {
                output.AddRange(scratch[..UnsignedVarint.Write(scratch, (ulong)component.Value.Length)]);
            }

            output.AddRange(component.Value.Span);
        }

        return [.. output];
    }

    /// <summary>The peer id of the last <c>/p2p</c> component, or null.</summary>
    public PeerId? PeerId
    {
        get
        {
            var p2p = Components.LastOrDefault(c => c.Protocol.Code == MultiaddrProtocol.P2p.Code);
            return p2p is null ? null : PeerId.FromBytes(p2p.Value.Span);
        }
    }

    /// <summary>This address without any <c>/p2p</c> component.</summary>
    public Multiaddr WithoutPeerId() => new([.. Components.Where(c => c.Protocol.Code != MultiaddrProtocol.P2p.Code)]);

    /// <summary>This address with <c>/p2p/&lt;peerId&gt;</c> appended (replacing any present).</summary>
    public Multiaddr WithPeerId(PeerId peerId)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        return new([.. WithoutPeerId().Components, new MultiaddrComponent(MultiaddrProtocol.P2p, peerId.ToBytes())]);
    }

    /// <summary>Whether a component of <paramref name="protocol"/> is present.</summary>
    public bool Has(MultiaddrProtocol protocol) => Components.Any(c => c.Protocol.Code == protocol.Code);

    /// <summary>Builds <c>/ip4|ip6/&lt;address&gt;/tcp/&lt;port&gt;</c> (plus <c>/ws</c> when asked).</summary>
    public static Multiaddr FromEndPoint(IPEndPoint endPoint, bool webSocket = false)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var ip = address.AddressFamily == AddressFamily.InterNetwork ? MultiaddrProtocol.Ip4 : MultiaddrProtocol.Ip6;
        var port = (ushort)endPoint.Port;
        List<MultiaddrComponent> components =
        [
            new(ip, address.GetAddressBytes()),
            new(MultiaddrProtocol.Tcp, [(byte)(port >> 8), (byte)port]),
        ];
        if (webSocket)
        {
            components.Add(new MultiaddrComponent(MultiaddrProtocol.Ws, []));
        }

        return new Multiaddr(components);
    }

    /// <summary>The text form.</summary>
    public override string ToString() => string.Concat(Components.Select(c => c.ToString()));

    /// <inheritdoc />
    public bool Equals(Multiaddr? other) => other is not null && Components.SequenceEqual(other.Components);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Multiaddr);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
