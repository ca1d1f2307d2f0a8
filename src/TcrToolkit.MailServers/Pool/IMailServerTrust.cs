using TcrToolkit.Ethereum;

namespace TcrToolkit.MailServers.Pool;

/// <summary>
/// The pool's only source of trust: the registry as the client mirrors it from events. It answers from memory (no
/// chain read per request) and fails closed: before it has caught up, or after it lost the chain, nothing is trusted.
/// </summary>
public interface IMailServerTrust
{
    /// <summary>True only while the node id is listed (or exiting) in a registry state the mirror currently vouches for.</summary>
    bool IsTrusted(Bytes32 nodeId);

    /// <summary>The node ids trusted now (for registry-directed discovery).</summary>
    IReadOnlyCollection<Bytes32> TrustedNodeIds { get; }

    /// <summary>
    /// Raised when trust in node ids ends: a removal event (<c>ListingRemoved</c>, <c>ApplicationRemoved</c>, <c>Exited</c>,
    /// <c>TouchedAndRemoved</c>) or the mirror withdrawing all trust (chain lost, stale). An empty list means "all".
    /// </summary>
    event EventHandler<TrustWithdrawnEventArgs>? TrustWithdrawn;
}

/// <summary>Which node ids lost trust, and why.</summary>
/// <param name="nodeIds">The node ids; empty when every node id lost trust at once.</param>
/// <param name="reason">Why, for logs and the application.</param>
public sealed class TrustWithdrawnEventArgs(IReadOnlyList<Bytes32> nodeIds, string reason) : EventArgs
{
    /// <summary>The node ids; empty when every node id lost trust at once.</summary>
    public IReadOnlyList<Bytes32> NodeIds { get; } = nodeIds;

    /// <summary>Why trust ended.</summary>
    public string Reason { get; } = reason;

    /// <summary>True when trust ended for every node id.</summary>
    public bool All => NodeIds.Count == 0;
}
