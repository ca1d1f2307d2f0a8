using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace TcrToolkit.Libp2p.Transports;

/// <summary>Where a multiaddr points: a host (IP or DNS name), a TCP port, and whether it speaks WebSocket.</summary>
internal sealed record TransportAddress(string Host, IPAddress? Ip, AddressFamily? Family, int Port, bool WebSocket)
{
    /// <summary>Reads <c>/ip4|ip6|dns|dns4|dns6/…/tcp/…[/ws][/p2p/…]</c>.</summary>
    /// <exception cref="FormatException">Any other shape (wss, udp, missing tcp).</exception>
    public static TransportAddress From(Multiaddr address)
    {
        var components = address.WithoutPeerId().Components;
        if (components.Count is < 2 or > 3 || components[1].Protocol != MultiaddrProtocol.Tcp
            || (components.Count == 3 && components[2].Protocol != MultiaddrProtocol.Ws))
        {
            throw new FormatException($"{address} is not a TCP or WebSocket address (/ip4|ip6|dns4|dns6/…/tcp/…[/ws]).");
        }

        var host = components[0];
        var span = components[1].Value.Span;
        var port = (span[0] << 8) | span[1];
        var ws = components.Count == 3;
        if (host.Protocol == MultiaddrProtocol.Ip4 || host.Protocol == MultiaddrProtocol.Ip6)
        {
            var ip = new IPAddress(host.Value.Span);
            return new TransportAddress(ip.ToString(), ip, ip.AddressFamily, port, ws);
        }

        if (host.Protocol == MultiaddrProtocol.Dns4)
        {
            return new TransportAddress(host.ValueText, null, AddressFamily.InterNetwork, port, ws);
        }

        if (host.Protocol == MultiaddrProtocol.Dns6)
        {
            return new TransportAddress(host.ValueText, null, AddressFamily.InterNetworkV6, port, ws);
        }

        if (host.Protocol == MultiaddrProtocol.Dns)
        {
            return new TransportAddress(host.ValueText, null, null, port, ws);
        }

        throw new FormatException($"{address} does not start with an IP address or DNS name.");
    }
}

/// <summary>TCP and WebSocket (RFC 6455, binary messages, path <c>/</c>) connections as byte streams.</summary>
internal static class Transport
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxHttpHeader = 8 * 1024;

    public static async Task<(Stream Stream, Multiaddr Remote)> DialAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        var target = TransportAddress.From(address);
        IPAddress ip;
        if (target.Ip is not null)
        {
            ip = target.Ip;
        }
        else
        {
            var addresses = await Dns.GetHostAddressesAsync(target.Host, cancellationToken).ConfigureAwait(false);
            ip = addresses.FirstOrDefault(a => target.Family is null || a.AddressFamily == target.Family)
                ?? throw new Libp2pException($"{target.Host} has no {target.Family} address.");
        }

        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ip, target.Port), cancellationToken).ConfigureAwait(false);
            var network = new NetworkStream(socket, ownsSocket: true);
            var remote = Multiaddr.FromEndPoint((IPEndPoint)socket.RemoteEndPoint!, target.WebSocket);
            if (!target.WebSocket)
            {
                return (network, remote);
            }

            return (await ClientUpgradeAsync(network, target, cancellationToken).ConfigureAwait(false), remote);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new Libp2pException($"Could not connect to {address}: {ex.SocketErrorCode}.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static Socket Listen(Multiaddr address, out Multiaddr bound)
    {
        var target = TransportAddress.From(address);
        var ip = target.Ip ?? throw new FormatException($"Listen on an IP address, not {target.Host}.");
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(ip, target.Port));
            socket.Listen(512);
            bound = Multiaddr.FromEndPoint((IPEndPoint)socket.LocalEndPoint!, target.WebSocket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Completes the server side of the WebSocket upgrade on an accepted socket.</summary>
    public static async Task<Stream> ServerUpgradeAsync(NetworkStream network, CancellationToken cancellationToken)
    {
        var request = await ReadHttpHeaderAsync(network, cancellationToken).ConfigureAwait(false);
        var lines = request.Split("\r\n");
        if (!lines[0].StartsWith("GET ", StringComparison.Ordinal))
        {
            throw new Libp2pProtocolException("The WebSocket upgrade request is not a GET.");
        }

        string? key = null;
        var upgrade = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))
            {
                key = value;
            }
            else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = value.Equals("websocket", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (!upgrade || string.IsNullOrEmpty(key) || key.Length > 64)
        {
            await network.WriteAsync("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            throw new Libp2pProtocolException("The HTTP request is not a WebSocket upgrade.");
        }

        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Accept: {AcceptKey(key)}\r\n\r\n";
        await network.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken).ConfigureAwait(false);
        var socket = WebSocket.CreateFromStream(network, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        return WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
    }

    private static async Task<Stream> ClientUpgradeAsync(NetworkStream network, TransportAddress target, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var host = target.Family == AddressFamily.InterNetworkV6 && target.Ip is not null ? $"[{target.Host}]" : target.Host;
        var request = $"GET / HTTP/1.1\r\nHost: {host}:{target.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await network.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
        var response = await ReadHttpHeaderAsync(network, cancellationToken).ConfigureAwait(false);
        var lines = response.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal)
            || !lines.Any(l => l.StartsWith("Sec-WebSocket-Accept:", StringComparison.OrdinalIgnoreCase) && l[21..].Trim() == AcceptKey(key)))
        {
            throw new Libp2pProtocolException($"The WebSocket upgrade was refused: {lines[0]}");
        }

        var socket = WebSocket.CreateFromStream(network, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        return WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 6455 defines Sec-WebSocket-Accept with SHA-1; it is not a security boundary.")]
    private static string AcceptKey(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));

    /// <summary>Reads an HTTP header block one byte at a time (so no WebSocket byte after it is consumed), at most 8 KiB.</summary>
    private static async Task<string> ReadHttpHeaderAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHttpHeader];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                throw new Libp2pProtocolException("The HTTP header of the WebSocket upgrade exceeds 8 KiB.");
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length, 1), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new Libp2pProtocolException("The connection ended during the WebSocket upgrade.");
            }

            length++;
            if (length >= 4 && buffer[length - 4] == '\r' && buffer[length - 3] == '\n' && buffer[length - 2] == '\r' && buffer[length - 1] == '\n')
            {
                return Encoding.ASCII.GetString(buffer, 0, length - 4);
            }
        }
    }
}
