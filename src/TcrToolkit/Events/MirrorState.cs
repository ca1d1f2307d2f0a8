using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TcrToolkit.Ethereum;
using TcrToolkit.Generated;
using TcrToolkit.Registry;

namespace TcrToolkit.Events;

/// <summary>A confirmed listing as the mirror keeps it; <see cref="MirroredListing"/> is built when asked for.</summary>
internal readonly record struct ConfirmedListing(Address Owner, MailServerRegistry.Stage Stage, UInt256? Deposit)
{
    public static ConfirmedListing From(MirroredListing listing) => new(listing.Owner, listing.Stage, listing.Deposit);

    public MirroredListing ToListing(Bytes32 nodeId) => new(nodeId, Owner, Stage, Deposit);
}

/// <summary>
/// The mirror's confirmation state machine: the confirmed listings, the events seen but not yet deep enough, the
/// retracted removals that hold a node id out, and the set of trusted node ids that follows from them. Not
/// thread-safe, apart from <see cref="IsTrusted"/>: the mirror calls the rest under its lock.
/// </summary>
/// <remarks>
/// Removals evict a node id as soon as they are seen; every other change applies once its block is
/// <c>depth</c> deep. A retracted removal keeps the id evicted until the new chain is confirmed past the retracted
/// block; a retraction of a change already confirmed throws <see cref="ConfirmedChangeRetractedException"/>.
/// </remarks>
internal sealed class MirrorState(int depth)
{
    // Values without references: a catch-up rewrites a listing per event, and neither allocates for it nor gives the
    // collector a pointer into the young generation to trace from this long-lived table.
    private readonly Dictionary<Bytes32, ConfirmedListing> _confirmed = new();
    private readonly List<RegistryEvent> _pending = [];
    private readonly Dictionary<Bytes32, ulong> _holds = new();
    private readonly List<RegistryCheckpoint> _progress = [];
    private readonly ConcurrentDictionary<Bytes32, byte> _trusted = new();
    private readonly List<Bytes32> _granted = [];
    private readonly List<Bytes32> _withdrawn = [];

    /// <summary>The confirmed block the state describes, or <c>null</c> before the first build.</summary>
    public RegistryCheckpoint? Checkpoint { get; private set; }

    /// <summary>The newest block read (removals up to it are applied).</summary>
    public RegistryCheckpoint? Seen { get; private set; }

    public Dictionary<Bytes32, ConfirmedListing> Confirmed => _confirmed;

    public ICollection<Bytes32> TrustedNodeIds => _trusted.Keys;

    /// <summary>Whether the state trusts <paramref name="nodeId"/>; safe from any thread, without a lock.</summary>
    public bool IsTrusted(Bytes32 nodeId) => _trusted.ContainsKey(nodeId);

    /// <summary>Replaces everything with <paramref name="listings"/> at <paramref name="checkpoint"/> (a load or a cold start); <c>null</c> empties it.</summary>
    public void Reset(RegistryCheckpoint? checkpoint, IEnumerable<KeyValuePair<Bytes32, ConfirmedListing>> listings)
    {
        _confirmed.Clear();
        foreach (var (nodeId, listing) in listings)
        {
            _confirmed[nodeId] = listing;
        }

        _pending.Clear();
        _holds.Clear();
        _progress.Clear();
        Checkpoint = checkpoint;
        Seen = checkpoint;
        foreach (var nodeId in _trusted.Keys.Where(id => !_confirmed.ContainsKey(id)).ToList())
        {
            if (_trusted.TryRemove(nodeId, out _))
            {
                _withdrawn.Add(nodeId);
            }
        }

        foreach (var nodeId in _confirmed.Keys)
        {
            Refresh(nodeId);
        }
    }

    /// <summary>
    /// Applies one stream update; returns the node ids whose confirmed state changed when the checkpoint moved (to be
    /// stored with <see cref="Checkpoint"/>), otherwise <c>null</c>.
    /// </summary>
    /// <exception cref="ConfirmedChangeRetractedException">The update retracts a change already confirmed.</exception>
    public HashSet<Bytes32>? Apply(RegistryUpdate update)
    {
        switch (update.Kind)
        {
            case RegistryUpdateKind.Added:
                var added = update.Event!;
                _pending.Add(added);
                if (added.RemovesListing)
                {
                    Refresh(added.NodeId);
                }

                return null;
            case RegistryUpdateKind.Retracted:
                var retracted = update.Event!;
                var index = _pending.FindIndex(p => p.Id == retracted.Id);
                if (index < 0)
                {
                    throw new ConfirmedChangeRetractedException();
                }

                _pending.RemoveAt(index);
                if (retracted.RemovesListing)
                {
                    _holds[retracted.NodeId] = Math.Max(_holds.GetValueOrDefault(retracted.NodeId), retracted.Block.BlockNumber);
                }

                _progress.RemoveAll(p => p.BlockNumber > update.Checkpoint.BlockNumber);
                Seen = update.Checkpoint;
                Refresh(retracted.NodeId);
                return null;
            default:
                Seen = update.Checkpoint;
                _progress.Add(update.Checkpoint);
                return Confirm();
        }
    }

    /// <summary>Applies the pending events whose blocks are deep enough, and moves the checkpoint to the newest such block.</summary>
    private HashSet<Bytes32>? Confirm()
    {
        if (Seen is not { } seen || seen.BlockNumber < (ulong)depth)
        {
            return null;
        }

        var height = seen.BlockNumber - (ulong)depth;
        var index = _progress.FindLastIndex(p => p.BlockNumber <= height);
        if (index < 0)
        {
            return null;
        }

        var checkpoint = _progress[index];
        _progress.RemoveRange(0, index);
        var touched = new HashSet<Bytes32>();
        var confirmedCount = 0;
        while (confirmedCount < _pending.Count && _pending[confirmedCount].Log.BlockNumber <= checkpoint.BlockNumber)
        {
            var e = _pending[confirmedCount++];
            Fold(e);
            touched.Add(e.NodeId);
        }

        _pending.RemoveRange(0, confirmedCount);
        foreach (var (nodeId, until) in _holds.ToList())
        {
            if (until <= checkpoint.BlockNumber)
            {
                _holds.Remove(nodeId);
                touched.Add(nodeId);
            }
        }

        Checkpoint = checkpoint;
        foreach (var nodeId in touched)
        {
            Refresh(nodeId);
        }

        return touched;
    }

    private void Fold(RegistryEvent e)
    {
        switch (e.Payload)
        {
            case MailServerRegistry.AppliedEvent applied:
                _confirmed[e.NodeId] = new ConfirmedListing(applied.Owner, MailServerRegistry.Stage.Applied, applied.Deposit);
                return;
            case MailServerRegistry.ListedEvent listed:
                _confirmed[e.NodeId] = new ConfirmedListing(listed.Owner, MailServerRegistry.Stage.Listed, listed.Deposit);
                return;
            case var _ when e.RemovesListing:
                _confirmed.Remove(e.NodeId);
                return;
        }

        ref var current = ref CollectionsMarshal.GetValueRefOrNullRef(_confirmed, e.NodeId);
        if (Unsafe.IsNullRef(ref current))
        {
            return;
        }

        switch (e.Payload)
        {
            case MailServerRegistry.ExitStartedEvent:
                current = current with { Stage = MailServerRegistry.Stage.Exiting };
                break;
            case MailServerRegistry.DepositedEvent deposited:
                current = current with { Deposit = deposited.NewDeposit };
                break;
            case MailServerRegistry.WithdrawnEvent withdrawn:
                current = current with { Deposit = withdrawn.NewDeposit };
                break;
            // The deposit after the resolution: the reward joined it, or was paid out when it would overflow 96 bits.
            case MailServerRegistry.ChallengeFailedEvent failed:
                current = current with { Deposit = failed.NewDeposit };
                break;
        }
    }

    private void Refresh(Bytes32 nodeId)
    {
        var trusted = _confirmed.TryGetValue(nodeId, out var listing) && listing.Stage.IsTrusted() && !_holds.ContainsKey(nodeId) &&
            !_pending.Any(p => p.NodeId == nodeId && p.RemovesListing);
        if (trusted)
        {
            if (_trusted.TryAdd(nodeId, 0))
            {
                _granted.Add(nodeId);
            }
        }
        else if (_trusted.TryRemove(nodeId, out _))
        {
            _withdrawn.Add(nodeId);
        }
    }

    /// <summary>
    /// Takes the node ids that became trusted and those that stopped being trusted since the last call (in the order
    /// it happened; an id may appear in both when it changed twice), or <c>null</c> when nothing changed.
    /// </summary>
    public (Bytes32[] Granted, Bytes32[] Withdrawn)? TakeTrustChanges()
    {
        if (_granted.Count == 0 && _withdrawn.Count == 0)
        {
            return null;
        }

        var changes = (_granted.ToArray(), _withdrawn.ToArray());
        _granted.Clear();
        _withdrawn.Clear();
        return changes;
    }
}

/// <summary>A change already confirmed was retracted: the reorganisation was deeper than the depth.</summary>
internal sealed class ConfirmedChangeRetractedException : Exception
{
    public ConfirmedChangeRetractedException()
        : base("A confirmed registry change was retracted: the reorganisation was deeper than the confirmation depth.")
    {
    }
}
