using System.Collections.Concurrent;
using System.Security.Cryptography;
using TcrToolkit.Libp2p.Multistream;
using TcrToolkit.Libp2p.Muxing;
using TcrToolkit.Libp2p.Protocols;
using TcrToolkit.Libp2p.Yamux;

namespace TcrToolkit.Libp2p;

/// <summary>
/// A secured, multiplexed connection to one peer whose identity the Noise handshake proved. Open streams with
/// <see cref="OpenStreamAsync(string, CancellationToken)"/>; inbound streams go to the host's handlers.
/// </summary>
public sealed class Libp2pConnection : IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly MuxerBase _muxer;
    private readonly ConcurrentDictionary<string, int> _inboundPerProtocol = new(StringComparer.Ordinal);

    internal Libp2pConnection(Libp2pHost host, MuxerBase muxer, Multiaddr remoteAddress, bool isOutbound)
    {
        _host = host;
        _muxer = muxer;
        RemoteAddress = remoteAddress;
        IsOutbound = isOutbound;
        _muxer.InboundStream = stream => _ = ServeInboundAsync(stream);
    }

    /// <summary>The peer proved in the Noise handshake.</summary>
    public PeerId RemotePeer => _muxer.RemotePeer;

    /// <summary>The remote transport address (without <c>/p2p</c>).</summary>
    public Multiaddr RemoteAddress { get; }

    /// <summary>Whether we dialled.</summary>
    public bool IsOutbound { get; }

    /// <summary>The muxer agreed on: <c>/yamux/1.0.0</c> or <c>/mplex/6.7.0</c>.</summary>
    public string Muxer => _muxer.ProtocolId;

    /// <summary>Whether the connection has ended.</summary>
    public bool IsClosed => _muxer.IsClosed;

    /// <summary>Completes when the connection ends (never faults).</summary>
    public Task Completion => _muxer.Completion;

    /// <summary>Streams open on the connection.</summary>
    public int StreamCount => _muxer.StreamCount;

    internal MuxerBase MuxerCore => _muxer;

    /// <summary>Opens a stream and negotiates <paramref name="protocol"/> with multistream-select.</summary>
    /// <exception cref="ProtocolNotSupportedException">The remote does not handle the protocol.</exception>
    /// <exception cref="ConnectionClosedException">The connection is closed.</exception>
    /// <exception cref="Libp2pLimitException">Too many outbound streams are open.</exception>
    public Task<Libp2pStream> OpenStreamAsync(string protocol, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        return OpenStreamAsync([protocol], cancellationToken);
    }

    /// <summary>Opens a stream and proposes <paramref name="protocols"/> in order; the agreed one is in <see cref="Libp2pStream.Protocol"/>.</summary>
    /// <exception cref="ProtocolNotSupportedException">The remote handles none of the protocols.</exception>
    public async Task<Libp2pStream> OpenStreamAsync(IReadOnlyList<string> protocols, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        ArgumentOutOfRangeException.ThrowIfZero(protocols.Count);
        var stream = await _muxer.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _muxer.ClosedToken);
        timeout.CancelAfter(_host.Options.StreamNegotiationTimeout);
        try
        {
            stream.Protocol = await MultistreamSelect.SelectAsync(stream, protocols, timeout.Token).ConfigureAwait(false);
            return stream;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            stream.Reset();
            throw new Libp2pException($"Negotiating {string.Join(", ", protocols)} with {RemotePeer} timed out or the connection closed.", ex);
        }
        catch
        {
            stream.Reset();
            throw;
        }
    }

    /// <summary>Runs ping (<c>/ipfs/ping/1.0.0</c>) once and returns the round-trip time.</summary>
    /// <exception cref="Libp2pProtocolException">The remote echoed other bytes.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenStreamAsync(Ping.ProtocolId, cancellationToken).ConfigureAwait(false);
        var payload = RandomNumberGenerator.GetBytes(Ping.PayloadSize);
        var answer = new byte[Ping.PayloadSize];
        var started = _host.Time.GetTimestamp();
        await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.ReadExactlyAsync(answer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new Libp2pProtocolException("The remote closed the ping stream without answering.", ex);
        }

        var elapsed = _host.Time.GetElapsedTime(started);
        if (!answer.AsSpan().SequenceEqual(payload))
        {
            throw new Libp2pProtocolException("The remote answered the ping with other bytes.");
        }

        return elapsed;
    }

    /// <summary>Asks the remote for its identify record (<c>/ipfs/id/1.0.0</c>).</summary>
    /// <exception cref="Libp2pProtocolException">Malformed record, or its public key is not the remote's identity.</exception>
    public async Task<IdentifyInfo> IdentifyAsync(CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenStreamAsync(Identify.ProtocolId, cancellationToken).ConfigureAwait(false);
        var message = await LengthPrefixedMessage.ReadAsync(stream, Identify.MaxMessageSize, cancellationToken).ConfigureAwait(false)
            ?? throw new Libp2pProtocolException("The remote closed the identify stream without a message.");
        var info = Identify.Decode(message);
        if (info.PublicKeyPeerId is not null && info.PublicKeyPeerId != RemotePeer)
        {
            throw new Libp2pProtocolException($"The identify record's key belongs to {info.PublicKeyPeerId}, not {RemotePeer}.");
        }

        return info;
    }

    /// <summary>Sends a yamux ping and returns the round trip (yamux only; mplex has no ping frame).</summary>
    /// <exception cref="NotSupportedException">The connection uses mplex.</exception>
    public Task<TimeSpan> KeepAlivePingAsync(CancellationToken cancellationToken = default) =>
        _muxer is YamuxMuxer yamux
            ? yamux.PingAsync(cancellationToken)
            : throw new NotSupportedException("mplex has no ping frame; use PingAsync.");

    /// <summary>Closes the connection (yamux says GO_AWAY) and resets its streams.</summary>
    public ValueTask DisposeAsync() => _muxer.DisposeAsync();

    /// <inheritdoc />
    public override string ToString() => $"{RemotePeer} via {RemoteAddress} ({Muxer}, {(IsOutbound ? "outbound" : "inbound")})";

    private async Task ServeInboundAsync(MuxedStream stream)
    {
        string? protocol = null;
        var counted = false;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_muxer.ClosedToken))
            {
                timeout.CancelAfter(_host.Options.StreamNegotiationTimeout);
                protocol = await MultistreamSelect.ListenAsync(stream, _host.IsHandled, timeout.Token).ConfigureAwait(false);
            }

            stream.Protocol = protocol;
            if (!_host.TryGetHandler(protocol, out var handler, out var options))
            {
                stream.Reset();
                return;
            }

            var open = _inboundPerProtocol.AddOrUpdate(protocol, 1, (_, n) => n + 1);
            counted = true;
            if (open > options.MaxInboundStreamsPerConnection)
            {
                Log.StreamRefused(_host.Logger, protocol, RemotePeer, options.MaxInboundStreamsPerConnection);
                stream.Reset();
                return;
            }

            await handler(new IncomingStream(this, stream), _muxer.ClosedToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StreamFailed(_host.Logger, ex, protocol ?? "(negotiating)", RemotePeer);
            stream.Reset();
        }
        finally
        {
            if (counted)
            {
                _inboundPerProtocol.AddOrUpdate(protocol!, 0, (_, n) => n - 1);
            }

            try
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.StreamFailed(_host.Logger, ex, protocol ?? "(negotiating)", RemotePeer);
            }
        }
    }
}
