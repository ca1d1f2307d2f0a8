using System.Net;
using System.Net.Sockets;

namespace TcrToolkit.Testing;

/// <summary>
/// Free ports on 127.0.0.1, chosen by the operating system. A port is free when asked for; a test starts its server on
/// it straight away (another process could take it in between, which on a test machine is rare enough).
/// </summary>
public static class LoopbackPorts
{
    /// <summary>A TCP port nothing listens on.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A UDP port nothing is bound to (for discovery peers).</summary>
    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>An <c>http://127.0.0.1:port</c> URL nothing listens on (a port just freed), without a trailing slash.</summary>
    public static string ClosedHttpUrl() => $"http://127.0.0.1:{FreeTcpPort()}";
}
