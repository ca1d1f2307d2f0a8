namespace TcrToolkit.Events;

/// <summary>
/// The chain changed below every block the stream remembers (or its start block is not on the canonical chain), so
/// it cannot say which delivered events to retract. Rebuild the follower's state from a new checkpoint, or raise
/// <see cref="RegistryEventsOptions.ReorgWindow"/> and <see cref="RegistryEventsOptions.ConfirmationDepth"/>.
/// </summary>
public sealed class RegistryReorgTooDeepException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="oldest">The oldest remembered block, no longer canonical.</param>
    /// <param name="newest">The newest remembered block, no longer canonical.</param>
    public RegistryReorgTooDeepException(RegistryCheckpoint oldest, RegistryCheckpoint newest)
        : base($"The chain no longer contains any remembered block from {oldest} to {newest}: the reorganisation is deeper than the stream's memory, or the start checkpoint is not on this chain. Rebuild from a new checkpoint, or raise ReorgWindow and ConfirmationDepth.")
    {
        Oldest = oldest;
        Newest = newest;
    }

    /// <summary>The oldest remembered block.</summary>
    public RegistryCheckpoint Oldest { get; }

    /// <summary>The newest remembered block.</summary>
    public RegistryCheckpoint Newest { get; }
}
