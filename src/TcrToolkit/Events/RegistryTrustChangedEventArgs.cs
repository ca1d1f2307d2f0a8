using TcrToolkit.Ethereum;

namespace TcrToolkit.Events;

/// <summary>Which node ids a <see cref="RegistryMirror"/> started or stopped trusting, and why.</summary>
/// <remarks>
/// Raised after the change took effect: <see cref="RegistryMirror.IsTrusted"/> already answers the new way. A removal
/// (<c>ListingRemoved</c>, <c>ApplicationRemoved</c>, <c>Exited</c>, <c>TouchedAndRemoved</c>) is reported as soon as
/// the mirror reads its block; an addition once it is confirmed. Trust that lapses because the node stopped answering
/// for <see cref="RegistryMirrorOptions.MaxStaleness"/> raises nothing: it ends by the clock, so a consumer asks
/// <see cref="RegistryMirror.IsTrusted"/> each time it uses a server.
/// </remarks>
public sealed class RegistryTrustChangedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="granted">The node ids trusted from now on.</param>
    /// <param name="withdrawn">The node ids no longer trusted.</param>
    /// <param name="withdrawnAll">Whether the mirror withdrew trust from every node id at once (chain lost, rebuild).</param>
    /// <param name="reason">Why, for logs and the application.</param>
    public RegistryTrustChangedEventArgs(IReadOnlyList<Bytes32> granted, IReadOnlyList<Bytes32> withdrawn, bool withdrawnAll, string reason)
    {
        ArgumentNullException.ThrowIfNull(granted);
        ArgumentNullException.ThrowIfNull(withdrawn);
        ArgumentNullException.ThrowIfNull(reason);
        Granted = granted;
        Withdrawn = withdrawn;
        WithdrawnAll = withdrawnAll;
        Reason = reason;
    }

    /// <summary>The node ids trusted from now on.</summary>
    public IReadOnlyList<Bytes32> Granted { get; }

    /// <summary>The node ids no longer trusted (every one that was, when <see cref="WithdrawnAll"/>).</summary>
    public IReadOnlyList<Bytes32> Withdrawn { get; }

    /// <summary>Whether trust was withdrawn from every node id at once: the mirrored chain or registry is gone, or a rebuild started.</summary>
    public bool WithdrawnAll { get; }

    /// <summary>Why: the removing event and its block, a confirmation, or the mirror's problem.</summary>
    public string Reason { get; }
}
