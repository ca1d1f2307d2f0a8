using TcrToolkit.Ethereum;
using TcrToolkit.Events;

namespace TcrToolkit.MailServers.Pool;

/// <summary>
/// The registry mirror as the pool's trust: <see cref="IsTrusted"/> answers from the mirror's memory (no chain read per
/// request) and fails closed with it; removals reach the pool through the mirror's
/// <see cref="RegistryMirror.TrustChanged"/> as soon as the mirror reads their block.
/// </summary>
/// <remarks>
/// Trust that lapses by the clock (the node stopped answering for the mirror's <c>MaxStaleness</c>) raises nothing on
/// the mirror; this watches <see cref="RegistryMirror.IsTrusting"/> every <c>watchInterval</c> and reports such a lapse
/// as a withdrawal of every node id, so the pool evicts instead of merely skipping. The mirror stays owned by the caller
/// (or the host that runs it); disposing this only unsubscribes and stops the watch.
/// </remarks>
public sealed class RegistryMirrorTrust : IMailServerTrust, IDisposable
{
    /// <summary>The default interval of the staleness watch: 100 ms.</summary>
    public static readonly TimeSpan DefaultWatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly RegistryMirror _mirror;
    private readonly ITimer _watch;
    private int _wasTrusting;

    /// <summary>Wraps <paramref name="mirror"/>; run the mirror (<see cref="RegistryMirror.RunAsync"/> or its hosted service) for it to trust anything.</summary>
    /// <param name="mirror">The registry mirror.</param>
    /// <param name="time">The clock of the staleness watch (the mirror's own clock decides staleness).</param>
    /// <param name="watchInterval">How often a lapse of the mirror's trust is looked for; default <see cref="DefaultWatchInterval"/>.</param>
    public RegistryMirrorTrust(RegistryMirror mirror, TimeProvider? time = null, TimeSpan? watchInterval = null)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        var interval = watchInterval ?? DefaultWatchInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(watchInterval));
        _mirror = mirror;
        _mirror.TrustChanged += OnTrustChanged;
        _wasTrusting = mirror.IsTrusting ? 1 : 0;
        _watch = (time ?? TimeProvider.System).CreateTimer(_ => WatchStaleness(), null, interval, interval);
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
    public void Dispose()
    {
        _watch.Dispose();
        _mirror.TrustChanged -= OnTrustChanged;
    }

    private void WatchStaleness()
    {
        var trusting = _mirror.IsTrusting;
        if (Interlocked.Exchange(ref _wasTrusting, trusting ? 1 : 0) == 1 && !trusting)
        {
            var health = _mirror.Health;
            TrustWithdrawn?.Invoke(this, new TrustWithdrawnEventArgs([],
                $"the registry mirror stopped trusting its state ({health.Status}{(health.Problem is { } problem ? ": " + problem : "")})"));
        }
    }

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
