using System.Net;
using System.Net.Sockets;

namespace TcrToolkit.Discovery;

/// <summary>The one place that does I/O: a UDP socket (IPv4, IPv6, or dual-stack when bound to [::]).</summary>
internal sealed class UdpTransport : IDisposable
{
    private readonly Socket _socket;

    public UdpTransport(IPEndPoint bind)
    {
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (bind.AddressFamily == AddressFamily.InterNetworkV6 && bind.Address.Equals(IPAddress.IPv6Any))
        {
            _socket.DualMode = true;
        }

        _socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint to)
    {
        try
        {
            var target = _socket.DualMode && to.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(to.Address.MapToIPv6(), to.Port) : to;
            _socket.SendTo(datagram, SocketFlags.None, target);
        }
        catch (SocketException)
        {
            // A lost datagram is normal for UDP; the request's timeout reports it.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Receives one datagram; null when the socket was closed.</summary>
    public async ValueTask<(int Length, IPEndPoint From)?> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var any = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                var from = (IPEndPoint)result.RemoteEndPoint;
                if (from.Address.IsIPv4MappedToIPv6)
                {
                    from = new IPEndPoint(from.Address.MapToIPv4(), from.Port);
                }

                return (result.ReceivedBytes, from);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.ConnectionRefused)
            {
                // ICMP errors and oversized datagrams are dropped; keep receiving.
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
