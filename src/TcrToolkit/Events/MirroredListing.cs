using TcrToolkit.Ethereum;
using TcrToolkit.Generated;
using TcrToolkit.Registry;

namespace TcrToolkit.Events;

/// <summary>A listing as the mirror knows it.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="Owner">The owner.</param>
/// <param name="Stage">The stage.</param>
/// <param name="Deposit">The deposit, or <c>null</c> when the events seen so far do not tell it.</param>
public sealed record MirroredListing(Bytes32 NodeId, Address Owner, MailServerRegistry.Stage Stage, UInt256? Deposit)
{
    /// <summary>Whether the stage is trusted (<see cref="StageRules.IsTrusted"/>).</summary>
    public bool IsTrusted => Stage.IsTrusted();
}

/// <summary>Where a <see cref="RegistryMirror"/> stands.</summary>
public enum RegistryMirrorStatus
{
    /// <summary>Building or bringing the state up to the chain's head; nothing is trusted before the first build.</summary>
    CatchingUp,

    /// <summary>Up to the head the node reported, and the node answers.</summary>
    Synced,

    /// <summary>The node does not answer; the state is trusted until <see cref="RegistryMirrorOptions.MaxStaleness"/> runs out.</summary>
    NodeUnreachable,

    /// <summary>
    /// The chain or the registry it mirrored is gone (another chain, no registry code, a registry that answers nothing),
    /// or a rebuild failed: nothing is trusted, and the mirror retries with back-off.
    /// </summary>
    Faulted,
}

/// <summary>A snapshot of a mirror's health, for status pages and health checks.</summary>
/// <param name="Status">Where the mirror stands.</param>
/// <param name="IsTrusting">Whether <see cref="RegistryMirror.IsTrusted"/> can answer <c>true</c> now.</param>
/// <param name="Head">The newest head the node reported, or <c>null</c> before the first answer.</param>
/// <param name="HeadSeenAt">When the node last reported a head (its last answer).</param>
/// <param name="HeadAge">How long ago that was.</param>
/// <param name="UnreachableSince">Since when the node has not answered, or <c>null</c> while it answers.</param>
/// <param name="Seen">The newest block the mirror has read.</param>
/// <param name="Checkpoint">The confirmed block the stored state describes.</param>
/// <param name="Problem">Why the mirror is faulted or the node unreachable (the last error), or <c>null</c>.</param>
public sealed record RegistryMirrorHealth(
    RegistryMirrorStatus Status,
    bool IsTrusting,
    ulong? Head,
    DateTimeOffset? HeadSeenAt,
    TimeSpan? HeadAge,
    DateTimeOffset? UnreachableSince,
    RegistryCheckpoint? Seen,
    RegistryCheckpoint? Checkpoint,
    string? Problem);
