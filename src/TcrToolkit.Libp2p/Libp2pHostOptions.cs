namespace TcrToolkit.Libp2p;

/// <summary>The stream multiplexers this library speaks.</summary>
public enum StreamMuxer
{
    /// <summary><c>/yamux/1.0.0</c>: per-stream flow control and keep-alive pings.</summary>
    Yamux,

    /// <summary><c>/mplex/6.7.0</c>: js-waku's default; no flow control, so each stream's buffer is capped.</summary>
    Mplex,
}

/// <summary>Settings of a <see cref="Libp2pHost"/>: muxers, identify fields, limits and timeouts.</summary>
public sealed class Libp2pHostOptions
{
    /// <summary>Muxers in order of preference; the dialler proposes them in this order, the listener accepts any.</summary>
    public IReadOnlyList<StreamMuxer> Muxers { get; set; } = [StreamMuxer.Yamux, StreamMuxer.Mplex];

    /// <summary>The identify <c>agentVersion</c>.</summary>
    public string AgentVersion { get; set; } = "tcrtoolkit-libp2p/1.0.0";

    /// <summary>The identify <c>protocolVersion</c>.</summary>
    public string ProtocolVersion { get; set; } = "ipfs/0.1.0";

    /// <summary>Time allowed from TCP/WebSocket connect to a ready muxer (multistream, Noise, muxer selection).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for multistream-select on a new stream.</summary>
    public TimeSpan StreamNegotiationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection with no open stream and no received frame for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Interval of yamux keep-alive pings; <see cref="TimeSpan.Zero"/> disables them.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections held at once (inbound and outbound); further inbound connections are refused.</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Connections held at once with one peer; further inbound connections from it are refused.</summary>
    public int MaxConnectionsPerPeer { get; set; } = 8;

    /// <summary>Inbound connections still in their handshake at once; further ones are closed at once.</summary>
    public int MaxPendingHandshakes { get; set; } = 64;

    /// <summary>Streams the remote may hold open on one connection; further ones are reset.</summary>
    public int MaxInboundStreamsPerConnection { get; set; } = 512;

    /// <summary>Streams we may hold open on one connection; <see cref="Libp2pConnection.OpenStreamAsync(string, CancellationToken)"/> refuses more.</summary>
    public int MaxOutboundStreamsPerConnection { get; set; } = 1024;

    /// <summary>The largest mplex frame accepted (js-libp2p's limit is 1 MiB).</summary>
    public int MaxMplexMessageSize { get; set; } = 1 << 20;

    /// <summary>Unread bytes buffered for one mplex stream; a remote sending past it gets the stream reset.</summary>
    public int MaxMplexStreamBuffer { get; set; } = 4 << 20;

    /// <summary>The yamux receive window per stream (the spec's initial window is 256 KiB).</summary>
    public int YamuxWindowSize { get; set; } = 256 * 1024;

    /// <summary>Checks the values and throws <see cref="ArgumentException"/> for the first bad one.</summary>
    public void Validate()
    {
        if (Muxers is null || Muxers.Count == 0)
        {
            throw new ArgumentException("At least one muxer is needed.", nameof(Muxers));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StreamNegotiationTimeout, TimeSpan.Zero, nameof(StreamNegotiationTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveInterval, TimeSpan.Zero, nameof(KeepAliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerPeer, 1, nameof(MaxConnectionsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingHandshakes, 1, nameof(MaxPendingHandshakes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInboundStreamsPerConnection, 1, nameof(MaxInboundStreamsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutboundStreamsPerConnection, 1, nameof(MaxOutboundStreamsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMplexMessageSize, 64 * 1024, nameof(MaxMplexMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMplexStreamBuffer, MaxMplexMessageSize, nameof(MaxMplexStreamBuffer));
        ArgumentOutOfRangeException.ThrowIfLessThan(YamuxWindowSize, 256 * 1024, nameof(YamuxWindowSize));
    }
}

/// <summary>Per-protocol settings of a handler registered with <see cref="Libp2pHost.Handle"/>.</summary>
public sealed class ProtocolHandlerOptions
{
    /// <summary>Streams of this protocol the remote may hold open on one connection at once; further ones are reset.</summary>
    public int MaxInboundStreamsPerConnection { get; set; } = 64;
}
