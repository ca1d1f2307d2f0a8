using System.Net;
using System.Net.Sockets;

namespace TcrToolkit.Testing.Rpc;

/// <summary>
/// A TCP relay on a free loopback port to a local target port, whose connections a test can cut to simulate a dropped
/// WebSocket. It only ever connects to 127.0.0.1 and stops when disposed.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accept;

    /// <summary>Starts relaying a new loopback port to <paramref name="targetPort"/>.</summary>
    /// <param name="targetPort">The port on 127.0.0.1 to relay to.</param>
    public LoopbackTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        WebSocketEndpoint = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accept = Task.Run(AcceptAsync);
    }

    /// <summary>The relay's own address, as a WebSocket URL.</summary>
    public Uri WebSocketEndpoint { get; }

    /// <summary>While set, bytes are held back in both directions (a stalled network), without closing anything.</summary>
    public bool Paused { get; set; }

    /// <summary>Closes every relayed connection; new connections are still accepted.</summary>
    public void DropConnections()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                try
                {
                    // Linger 0 sends a reset, as a crashed peer or a cut network would.
                    connection.Client?.LingerState = new LingerOption(true, 0);
                }
                catch (ObjectDisposedException)
                {
                    // The pump already closed it.
                }

                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropConnections();
        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_connections)
            {
                _connections.Add(inbound);
                _connections.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            var buffer = new byte[16 * 1024];
            var source = from.GetStream();
            var target = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
            {
                while (Paused)
                {
                    await Task.Delay(10, _stop.Token);
                }

                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            // A dropped connection ends the pump.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
