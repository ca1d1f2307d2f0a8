using TcrToolkit.Discovery;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Client;

/// <summary>
/// Feeds the pool with candidates from Discovery v5, two ways: registry-directed (every node id the registry lists and
/// the pool lacks is resolved by a targeted lookup, which returns its newest record) and random walks (every record met
/// that advertises the store capability is offered; the pool keeps only listed ones).
/// </summary>
public sealed class MailServerDiscovery
{
    private readonly Discv5Node _node;
    private readonly TrustedMailServers _pool;
    private readonly IMailServerTrust _trust;

    /// <summary>Creates the feeder.</summary>
    public MailServerDiscovery(Discv5Node node, TrustedMailServers pool, IMailServerTrust trust)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(trust);
        _node = node;
        _pool = pool;
        _trust = trust;
    }

    /// <summary>Records met so far that advertised the store capability but are not listed.</summary>
    public long DiscardedRecords => Interlocked.Read(ref _discarded);

    private long _discarded;

    /// <summary>Resolves every listed node id the pool lacks; returns how many joined the pool.</summary>
    public async Task<int> ResolveListedAsync(CancellationToken cancellationToken = default)
    {
        var known = _pool.Servers.Select(s => s.Candidate.NodeId).ToHashSet();
        var added = 0;
        foreach (var nodeId in _trust.TrustedNodeIds.Where(id => !known.Contains(id)))
        {
            var record = await _node.ResolveAsync(nodeId, cancellationToken).ConfigureAwait(false);
            if (record is not null && Offer(record, CandidateSource.RegistryLookup) == CandidateVerdict.Added)
            {
                added++;
            }
        }

        return added;
    }

    /// <summary>Walks the network at random, offering every mail-server record met, until cancelled.</summary>
    public async Task RandomWalkAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var record in _node.RandomWalkAsync(cancellationToken).ConfigureAwait(false))
        {
            Offer(record, CandidateSource.RandomWalk);
        }
    }

    /// <summary>Offers one record (for example the one published with a listing's <c>Applied</c> event).</summary>
    public CandidateVerdict Offer(Enr record, CandidateSource source)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (MailServerRecords.ToCandidate(record, source) is not { } candidate)
        {
            return CandidateVerdict.Discarded;
        }

        var verdict = _pool.Offer(candidate);
        if (verdict == CandidateVerdict.Discarded)
        {
            Interlocked.Increment(ref _discarded);
        }

        return verdict;
    }
}
