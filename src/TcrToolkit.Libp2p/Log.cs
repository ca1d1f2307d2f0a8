using Microsoft.Extensions.Logging;

namespace TcrToolkit.Libp2p;

/// <summary>The host's log messages, generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {Address} as {PeerId}")]
    public static partial void Listening(ILogger logger, Multiaddr address, PeerId peerId);

    [LoggerMessage(2, LogLevel.Debug, "Connected to {Peer} at {Address} with {Muxer}")]
    public static partial void Connected(ILogger logger, PeerId peer, Multiaddr address, string muxer);

    [LoggerMessage(3, LogLevel.Debug, "Accepted {Peer} from {Address} with {Muxer}")]
    public static partial void Accepted(ILogger logger, PeerId peer, Multiaddr address, string muxer);

    [LoggerMessage(4, LogLevel.Debug, "Refused an inbound connection during its handshake")]
    public static partial void HandshakeFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Debug, "Refused an inbound connection: the connection or pending-handshake limit is reached")]
    public static partial void InboundRefused(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "Accepting a connection failed; accepting the next one")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "Connection to {Peer} closed")]
    public static partial void ConnectionClosed(ILogger logger, Exception? exception, PeerId peer);

    [LoggerMessage(8, LogLevel.Debug, "Closing the connection to {Peer}: {Reason}")]
    public static partial void ClosingConnection(ILogger logger, PeerId peer, string reason);

    [LoggerMessage(9, LogLevel.Debug, "Refused a {Protocol} stream from {Peer}: {Limit} are already open")]
    public static partial void StreamRefused(ILogger logger, string protocol, PeerId peer, int limit);

    [LoggerMessage(10, LogLevel.Debug, "Inbound stream {Protocol} from {Peer} failed; it was reset")]
    public static partial void StreamFailed(ILogger logger, Exception exception, string protocol, PeerId peer);
}
