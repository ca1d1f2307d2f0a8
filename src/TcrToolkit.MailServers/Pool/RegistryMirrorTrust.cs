using TcrToolkit.Ethereum;
using TcrToolkit.Events;

namespace TcrToolkit.MailServers.Pool;

/// <summary>
/// The registry mirror as the pool's trust: <see cref="IsTrusted"/> answers from the mirror's memory (no chain read per
/// request) and fails closed with it; removals reach the pool through the mirror's
/// <see cref="RegistryMirror.TrustChanged"/> as soon as the mirror reads their block.
/// </summary>
/// <remarks>The mirror stays owned by the caller (or the host that runs it); disposing this only unsubscribes.</remarks>
public sealed class RegistryMirrorTrust : IMailServerTrust, IDisposable
{
    private readonly RegistryMirror _mirror;

    /// <summary>Wraps <paramref name="mirror"/>; run the mirror (<see cref="RegistryMirror.RunAsync"/> or its hosted service) for it to trust anything.</summary>
    public RegistryMirrorTrust(RegistryMirror mirror)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        _mirror = mirror;
        _mirror.TrustChanged += OnTrustChanged;
    }

    /// <inheritdoc/>
    public event EventHandler<TrustWithdrawnEventArgs>? TrustWithdrawn;

    /// <summary>Raised when node ids become trusted (a confirmed listing, a rebuild), so a client can resolve and offer them.</summary>
    public event EventHandler<IReadOnlyList<Bytes32>>? TrustGranted;

    /// <inheritdoc/>
    public IReadOnlyCollection<Bytes32> TrustedNodeIds => _mirror.TrustedNodeIds;

    /// <summary>The mirror behind this trust (its health, its listings).</summary>
    public RegistryMirror Mirror => _mirror;

    /// <inheritdoc/>
    public bool IsTrusted(Bytes32 nodeId) => _mirror.IsTrusted(nodeId);

    /// <inheritdoc/>
    public void Dispose() => _mirror.TrustChanged -= OnTrustChanged;

    private void OnTrustChanged(object? sender, RegistryTrustChangedEventArgs e)
    {
        if (e.WithdrawnAll)
        {
            TrustWithdrawn?.Invoke(this, new TrustWithdrawnEventArgs([], e.Reason));
        }
        else if (e.Withdrawn.Count > 0)
        {
            TrustWithdrawn?.Invoke(this, new TrustWithdrawnEventArgs(e.Withdrawn, e.Reason));
        }

        if (e.Granted.Count > 0)
        {
            TrustGranted?.Invoke(this, e.Granted);
        }
    }
}
