using Microsoft.Extensions.Logging;

namespace TcrToolkit.Events;

/// <summary>The log messages of the registry stream and mirror, with their structured fields.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Registry stream: reading after block {Block} failed ({Cause}); reading again in {RetryDelay}.")]
    public static partial void ReadFailed(ILogger logger, ulong block, TimeSpan retryDelay, string cause, Exception exception);

    [LoggerMessage(1002, LogLevel.Warning, "Registry stream: the chain reorganised; back to block {ForkBlock} from block {Checkpoint}, retracting {Retracted} events.")]
    public static partial void Reorganised(ILogger logger, ulong forkBlock, ulong checkpoint, int retracted);

    [LoggerMessage(1101, LogLevel.Information, "Registry mirror: building from the registry's enumeration at block {Block} (head {Head}).")]
    public static partial void ColdStarting(ILogger logger, ulong block, ulong head);

    [LoggerMessage(1102, LogLevel.Information, "Registry mirror: built at {Checkpoint} with {Listings} listings, {Trusted} trusted; following the chain.")]
    public static partial void ColdStarted(ILogger logger, RegistryCheckpoint checkpoint, int listings, int trusted);

    [LoggerMessage(1103, LogLevel.Information, "Registry mirror: catching up, block {Block} of head {Head} ({Remaining} to go).")]
    public static partial void CatchingUp(ILogger logger, ulong block, ulong head, ulong remaining);

    [LoggerMessage(1104, LogLevel.Information, "Registry mirror: synced at block {Block}; {Trusted} node ids trusted.")]
    public static partial void Synced(ILogger logger, ulong block, int trusted);

    [LoggerMessage(1105, LogLevel.Error, "Registry mirror: the chain it mirrored is gone ({Cause}); trust withdrawn from every node id, rebuilding from the chain.")]
    public static partial void ChainGone(ILogger logger, string cause, Exception exception);

    [LoggerMessage(1106, LogLevel.Error, "Registry mirror: the node serves another chain or registry than the stored state was read from ({Cause}); the stored state is discarded and rebuilt.")]
    public static partial void ChainMismatch(ILogger logger, string cause);

    [LoggerMessage(1107, LogLevel.Warning, "Registry mirror: attempt {Attempt} failed ({Cause}); trying again in {RetryDelay}. Trusting: {Trusting}.")]
    public static partial void RetryScheduled(ILogger logger, int attempt, string cause, TimeSpan retryDelay, bool trusting, Exception exception);

    [LoggerMessage(1108, LogLevel.Warning, "Registry mirror: the node has not answered since {Since} ({Cause}); the state stays trusted until {TrustedUntil}.")]
    public static partial void NodeUnreachable(ILogger logger, DateTimeOffset since, string cause, DateTimeOffset trustedUntil);

    [LoggerMessage(1109, LogLevel.Information, "Registry mirror: the node answers again after being unreachable since {Since}.")]
    public static partial void NodeReachable(ILogger logger, DateTimeOffset since);

    [LoggerMessage(1110, LogLevel.Warning, "Registry mirror: a reorganisation retracted a confirmed change; trust withdrawn, rebuilding from the enumeration.")]
    public static partial void ConfirmedChangeRetracted(ILogger logger);

    [LoggerMessage(1111, LogLevel.Error, "Registry mirror: a TrustChanged handler failed; the mirror goes on.")]
    public static partial void TrustHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1201, LogLevel.Error, "Registry event stream: stopped ({Cause}); starting it again from its store in {RetryDelay}.")]
    public static partial void StreamRestarting(ILogger logger, string cause, TimeSpan retryDelay, Exception exception);
}
