using Microsoft.Extensions.Logging;

namespace TcrToolkit.Waku;

/// <summary>The structured log events of the Waku services.</summary>
internal static partial class WakuLog
{
    [LoggerMessage(1, LogLevel.Information, "Peer {Peer} announced cluster {PeerCluster}; this node serves cluster {Cluster}")]
    public static partial void ClusterMismatch(ILogger logger, string peer, uint peerCluster, uint cluster);

    [LoggerMessage(2, LogLevel.Information, "Refused a {Protocol} request from {Peer}: {Reason}; the stream is answered with 400 and closed")]
    public static partial void RequestRefused(ILogger logger, string protocol, string peer, string reason);

    [LoggerMessage(3, LogLevel.Warning, "A {Protocol} request from {Peer} failed; it is answered with 500")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string protocol, string peer);

    [LoggerMessage(4, LogLevel.Information, "Closed a {Protocol} stream from {Peer}: no request within {Timeout}")]
    public static partial void RequestTimedOut(ILogger logger, string protocol, string peer, TimeSpan timeout);

    [LoggerMessage(5, LogLevel.Debug, "A {Protocol} stream from {Peer} broke before the response was written")]
    public static partial void StreamBroke(ILogger logger, Exception exception, string protocol, string peer);
}
