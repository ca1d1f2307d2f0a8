using Microsoft.Extensions.Logging;

namespace TcrToolkit.MailServers.Hosting;

/// <summary>The log messages of the hosted pool and server, with their structured fields.</summary>
internal static partial class MailServersLog
{
    [LoggerMessage(1601, LogLevel.Information, "Mail-server pool: discovery started as node {NodeId} on {EndPoint} with {Bootnodes} bootnodes; {Cached} cached servers held as hints until the registry trusts them.")]
    public static partial void PoolStarted(ILogger logger, string nodeId, string endPoint, int bootnodes, int cached);

    [LoggerMessage(1602, LogLevel.Information, "Mail-server pool: server {NodeId} added ({Source}).")]
    public static partial void ServerAdded(ILogger logger, string nodeId, string source);

    [LoggerMessage(1603, LogLevel.Warning, "Mail-server pool: server {NodeId} evicted ({Reason}); operations on it are retried elsewhere.")]
    public static partial void ServerEvicted(ILogger logger, string nodeId, string reason);

    [LoggerMessage(1604, LogLevel.Warning, "Mail-server pool: {Task} failed ({Cause}); trying again in {RetryDelay}.")]
    public static partial void TaskFailed(ILogger logger, string task, string cause, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(1605, LogLevel.Debug, "Mail-server pool: resolved {Added} listed servers of {Listed} trusted node ids ({Known} in the pool).")]
    public static partial void Resolved(ILogger logger, int added, int listed, int known);

    [LoggerMessage(1606, LogLevel.Information, "Mail-server pool: saved {Servers} servers to the cache.")]
    public static partial void CacheSaved(ILogger logger, int servers);

    [LoggerMessage(1607, LogLevel.Debug, "Mail-server pool: the Applied event of {NodeId} carries a mail-server record (seq {Sequence}); kept as a hint.")]
    public static partial void HintRead(ILogger logger, string nodeId, ulong sequence);

    [LoggerMessage(1701, LogLevel.Information, "Mail server {NodeId} serving on {Addresses}; record seq {Sequence}: {Record}")]
    public static partial void ServerStarted(ILogger logger, string nodeId, string addresses, ulong sequence, string record);

    [LoggerMessage(1702, LogLevel.Information, "Mail server {NodeId}: {Stored} messages stored, {Peers} peers served, {Queries} queries ({QueriesPerSecond:F2}/s), {Pushes} pushes, {Connections} connections.")]
    public static partial void ServerStatus(ILogger logger, string nodeId, long stored, int peers, long queries, double queriesPerSecond, long pushes, int connections);

    [LoggerMessage(1703, LogLevel.Information, "Mail server {NodeId} stopped.")]
    public static partial void ServerStopped(ILogger logger, string nodeId);

    [LoggerMessage(1704, LogLevel.Warning, "Mail server {NodeId}: reading its counters failed ({Cause}).")]
    public static partial void StatusFailed(ILogger logger, string nodeId, string cause, Exception exception);
}
