using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p.Mplex;
using TcrToolkit.Libp2p.Multistream;
using TcrToolkit.Libp2p.Muxing;
using TcrToolkit.Libp2p.Noise;
using TcrToolkit.Libp2p.Protocols;
using TcrToolkit.Libp2p.Transports;
using TcrToolkit.Libp2p.Yamux;

namespace TcrToolkit.Libp2p;

/// <summary>
/// A libp2p node: listens on and dials TCP and WebSocket addresses, secures every connection with Noise under the
/// secp256k1 node key, multiplexes it with yamux or mplex, serves identify and ping, and hands inbound streams to the
/// protocol handlers registered with <see cref="Handle"/>.
/// </summary>
/// <example>
/// <code>
/// await using var host = new Libp2pHost(nodeKey);
/// host.Handle("/echo/1.0.0", async (incoming, ct) => await incoming.Stream.CopyToAsync(incoming.Stream, ct));
/// var address = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
/// var connection = await other.DialAsync(address);              // address ends in /p2p/&lt;host.PeerId&gt;
/// await using var stream = await connection.OpenStreamAsync("/echo/1.0.0");
/// </code>
/// </example>
public sealed class Libp2pHost : IAsyncDisposable
{
    private readonly PrivateKey _nodeKey;
    private readonly IdentityKey _identity;
    private readonly ConcurrentDictionary<string, (Func<IncomingStream, CancellationToken, Task> Handler, ProtocolHandlerOptions Options)> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Libp2pConnection, byte> _connections = new();
    private readonly List<(Socket Socket, Multiaddr Address, Task Loop)> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _pendingHandshakes;

    /// <summary>Creates a host whose identity is <paramref name="nodeKey"/> (the caller keeps ownership of the key).</summary>
    public Libp2pHost(PrivateKey nodeKey, Libp2pHostOptions? options = null, ILogger<Libp2pHost>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        Options = options ?? new Libp2pHostOptions();
        Options.Validate();
        _nodeKey = nodeKey;
        _identity = IdentityKey.FromSecp256k1(nodeKey.PublicKey);
        PeerId = PeerId.FromIdentityKey(_identity);
        Logger = logger ?? NullLogger<Libp2pHost>.Instance;
        Time = timeProvider ?? TimeProvider.System;
        Handle(Identify.ProtocolId, ServeIdentifyAsync, new ProtocolHandlerOptions { MaxInboundStreamsPerConnection = 4 });
        Handle(Ping.ProtocolId, Ping.ServeAsync, new ProtocolHandlerOptions { MaxInboundStreamsPerConnection = 4 });
    }

    /// <summary>This node's peer id (from the node key).</summary>
    public PeerId PeerId { get; }

    /// <summary>The settings in force.</summary>
    public Libp2pHostOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    /// <summary>The addresses listened on (with the bound port, without <c>/p2p</c>).</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses
    {
        get
        {
            lock (_listeners)
            {
                return [.. _listeners.Select(l => l.Address)];
            }
        }
    }

    /// <summary>The open connections.</summary>
    public IReadOnlyCollection<Libp2pConnection> Connections => [.. _connections.Keys.Where(c => !c.IsClosed)];

    /// <summary>The protocols with a handler (identify and ping included).</summary>
    public IReadOnlyCollection<string> Protocols => [.. _handlers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Registers (or replaces) the handler of <paramref name="protocol"/>. The handler gets the stream after
    /// multistream-select and a token cancelled when the connection closes; the host disposes the stream when the
    /// handler returns and resets it when the handler throws.
    /// </summary>
    public void Handle(string protocol, Func<IncomingStream, CancellationToken, Task> handler, ProtocolHandlerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentNullException.ThrowIfNull(handler);
        if (protocol.Length > MultistreamSelect.MaxMessageLength - 2 || protocol.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("A protocol id is at most 1,022 characters without newlines.", nameof(protocol));
        }

        _handlers[protocol] = (handler, options ?? new ProtocolHandlerOptions());
    }

    /// <summary>Removes the handler of <paramref name="protocol"/>; returns whether there was one.</summary>
    public bool Unhandle(string protocol) => _handlers.TryRemove(protocol, out _);

    internal bool IsHandled(string protocol) => _handlers.ContainsKey(protocol);

    internal bool TryGetHandler(string protocol, [NotNullWhen(true)] out Func<IncomingStream, CancellationToken, Task>? handler, [NotNullWhen(true)] out ProtocolHandlerOptions? options)
    {
        if (_handlers.TryGetValue(protocol, out var entry))
        {
            (handler, options) = entry;
            return true;
        }

        handler = null;
        options = null;
        return false;
    }

    /// <summary>
    /// Listens on <c>/ip4|ip6/&lt;address&gt;/tcp/&lt;port&gt;</c>, optionally ending in <c>/ws</c>; port 0 picks a free
    /// port. Returns the bound address with <c>/p2p/&lt;PeerId&gt;</c> appended.
    /// </summary>
    /// <exception cref="FormatException">The address is not a TCP or WebSocket address on an IP.</exception>
    public Task<Multiaddr> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var socket = Transport.Listen(address, out var bound);
        var webSocket = bound.Has(MultiaddrProtocol.Ws);
        lock (_listeners)
        {
            _listeners.Add((socket, bound, AcceptLoopAsync(socket, webSocket)));
        }

        Log.Listening(Logger, bound, PeerId);
        return Task.FromResult(bound.WithPeerId(PeerId));
    }

    /// <summary>
    /// Connects to <paramref name="address"/> (TCP or WebSocket), or returns an open connection to the same peer. When
    /// the address ends in <c>/p2p/&lt;id&gt;</c>, the Noise handshake must prove that identity or the connection is
    /// refused with <see cref="PeerIdMismatchException"/>.
    /// </summary>
    /// <exception cref="PeerIdMismatchException">The remote proved another identity.</exception>
    /// <exception cref="Libp2pException">Connecting, the handshake or muxer selection failed or timed out.</exception>
    public async Task<Libp2pConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var expected = address.PeerId;
        if (expected is not null && _connections.Keys.FirstOrDefault(c => !c.IsClosed && c.RemotePeer == expected) is { } existing)
        {
            return existing;
        }

        if (_connections.Count >= Options.MaxConnections)
        {
            throw new Libp2pLimitException($"{Options.MaxConnections} connections are already open.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(Options.HandshakeTimeout);
        Stream? transport = null;
        try
        {
            (transport, var remote) = await Transport.DialAsync(address, timeout.Token).ConfigureAwait(false);
            await MultistreamSelect.SelectAsync(transport, [NoiseHandshake.ProtocolId], timeout.Token).ConfigureAwait(false);
            var (secured, remotePeer) = await NoiseHandshake.InitiateAsync(transport, _nodeKey, expected, timeout.Token).ConfigureAwait(false);
            transport = secured;
            var muxerId = await MultistreamSelect.SelectAsync(secured, [.. Options.Muxers.Select(MuxerId)], timeout.Token).ConfigureAwait(false);
            var connection = Start(CreateMuxer(muxerId, secured, remotePeer, isInitiator: true), remote, isOutbound: true);
            Log.Connected(Logger, remotePeer, remote, muxerId);
            return connection;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(transport).ConfigureAwait(false);
            throw new Libp2pException($"Connecting to {address} took longer than {Options.HandshakeTimeout.TotalSeconds} s.", ex);
        }
        catch (Exception ex) when (ex is not Libp2pException and not OperationCanceledException)
        {
            await DisposeQuietlyAsync(transport).ConfigureAwait(false);
            throw new Libp2pException($"Connecting to {address} failed: {ex.Message}", ex);
        }
        catch
        {
            await DisposeQuietlyAsync(transport).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops listening, closes every connection and waits for their loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        List<Task> loops;
        lock (_listeners)
        {
            foreach (var listener in _listeners)
            {
                listener.Socket.Dispose();
            }

            loops = [.. _listeners.Select(l => l.Loop)];
        }

        await Task.WhenAll(_connections.Keys.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static string MuxerId(StreamMuxer muxer) => muxer == StreamMuxer.Yamux ? YamuxMuxer.Id : MplexMuxer.Id;

    private MuxerBase CreateMuxer(string id, Stream secured, PeerId remotePeer, bool isInitiator) => id switch
    {
        YamuxMuxer.Id => new YamuxMuxer(secured, remotePeer, isInitiator, Options),
        MplexMuxer.Id => new MplexMuxer(secured, remotePeer, isInitiator, Options),
        _ => throw new Libp2pProtocolException($"Unknown muxer {id}."),
    };

    private Libp2pConnection Start(MuxerBase muxer, Multiaddr remote, bool isOutbound)
    {
        var connection = new Libp2pConnection(this, muxer, remote, isOutbound);
        _connections[connection] = 0;
        _ = RunConnectionAsync(connection);
        return connection;
    }

    private async Task RunConnectionAsync(Libp2pConnection connection)
    {
        var muxer = connection.MuxerCore;
        var monitor = MonitorAsync(connection);
        await muxer.RunAsync().ConfigureAwait(false);
        _connections.TryRemove(connection, out _);
        await monitor.ConfigureAwait(false);
        Log.ConnectionClosed(Logger, muxer.Error, connection.RemotePeer);
    }

    /// <summary>Closes idle connections and, on yamux, sends keep-alive pings and closes connections that stopped answering.</summary>
    private async Task MonitorAsync(Libp2pConnection connection)
    {
        var muxer = connection.MuxerCore;
        var keepAlive = muxer is YamuxMuxer && Options.KeepAliveInterval > TimeSpan.Zero ? Options.KeepAliveInterval : TimeSpan.Zero;
        var tick = keepAlive > TimeSpan.Zero && keepAlive < Options.IdleTimeout ? keepAlive : Options.IdleTimeout / 4;
        try
        {
            while (!muxer.IsClosed)
            {
                await Task.Delay(tick, Time, muxer.ClosedToken).ConfigureAwait(false);
                var quiet = TimeSpan.FromMilliseconds(Environment.TickCount64 - muxer.LastActivity);
                if (muxer.StreamCount == 0 && quiet >= Options.IdleTimeout)
                {
                    Log.ClosingConnection(Logger, connection.RemotePeer, "idle");
                    await muxer.CloseAsync().ConfigureAwait(false);
                    return;
                }

                if (keepAlive > TimeSpan.Zero)
                {
                    if (quiet >= keepAlive * 3)
                    {
                        Log.ClosingConnection(Logger, connection.RemotePeer, "keep-alive pings unanswered");
                        await muxer.CloseAsync(new Libp2pException("Keep-alive timeout.")).ConfigureAwait(false);
                        return;
                    }

                    _ = ((YamuxMuxer)muxer).PingAsync(muxer.ClosedToken).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AcceptLoopAsync(Socket listener, bool webSocket)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                Log.AcceptFailed(Logger, ex);
                continue;
            }

            if (_connections.Count >= Options.MaxConnections || Interlocked.Increment(ref _pendingHandshakes) > Options.MaxPendingHandshakes)
            {
                if (_connections.Count < Options.MaxConnections)
                {
                    Interlocked.Decrement(ref _pendingHandshakes);
                }

                Log.InboundRefused(Logger);
                socket.Dispose();
                continue;
            }

            _ = AcceptOneAsync(socket, webSocket);
        }
    }

    private async Task AcceptOneAsync(Socket socket, bool webSocket)
    {
        Stream? transport = null;
        try
        {
            socket.NoDelay = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(Options.HandshakeTimeout);
            var remote = Multiaddr.FromEndPoint((System.Net.IPEndPoint)socket.RemoteEndPoint!, webSocket);
            var network = new NetworkStream(socket, ownsSocket: true);
            transport = network;
            if (webSocket)
            {
                transport = await Transport.ServerUpgradeAsync(network, timeout.Token).ConfigureAwait(false);
            }

            await MultistreamSelect.ListenAsync(transport, p => p == NoiseHandshake.ProtocolId, timeout.Token).ConfigureAwait(false);
            var (secured, remotePeer) = await NoiseHandshake.RespondAsync(transport, _nodeKey, timeout.Token).ConfigureAwait(false);
            transport = secured;
            var supported = Options.Muxers.Select(MuxerId).ToHashSet(StringComparer.Ordinal);
            var muxerId = await MultistreamSelect.ListenAsync(secured, supported.Contains, timeout.Token).ConfigureAwait(false);
            if (_connections.Keys.Count(c => c.RemotePeer == remotePeer && !c.IsClosed) >= Options.MaxConnectionsPerPeer)
            {
                throw new Libp2pLimitException($"{remotePeer} already holds {Options.MaxConnectionsPerPeer} connections.");
            }

            Start(CreateMuxer(muxerId, secured, remotePeer, isInitiator: false), remote, isOutbound: false);
            Log.Accepted(Logger, remotePeer, remote, muxerId);
        }
        catch (Exception ex)
        {
            Log.HandshakeFailed(Logger, ex);
            if (transport is null)
            {
                socket.Dispose();
            }

            await DisposeQuietlyAsync(transport).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
    }

    private static async Task DisposeQuietlyAsync(Stream? stream)
    {
        if (stream is null)
        {
            return;
        }

        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The transport is already broken; nothing more to release.
        }
    }

    private async Task ServeIdentifyAsync(IncomingStream incoming, CancellationToken cancellationToken)
    {
        var message = Identify.Encode(_identity, ListenAddresses, Protocols, incoming.Connection.RemoteAddress, Options.ProtocolVersion, Options.AgentVersion);
        await LengthPrefixedMessage.WriteAsync(incoming.Stream, message, cancellationToken).ConfigureAwait(false);
        await incoming.Stream.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }
}
