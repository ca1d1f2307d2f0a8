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
    // Lookups resolved at once; each runs α = 3 FINDNODEs in parallel.
    private const int ResolveParallelism = 4;

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

    /// <summary>
    /// Resolves every listed node id the pool lacks, a few at once, each joining the pool as soon as it resolves;
    /// returns how many joined.
    /// </summary>
    public async Task<int> ResolveListedAsync(CancellationToken cancellationToken = default)
    {
        var known = _pool.Servers.Select(s => s.Candidate.NodeId).ToHashSet();
        var missing = _trust.TrustedNodeIds.Where(id => !known.Contains(id)).ToList();
        var added = 0;
        // A listed server that is offline costs two full lookups before ResolveAsync gives up; one after another, every
        // such listing would hold back the servers behind it (bench/mailservers-report.md).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ResolveParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(missing, parallel, async (nodeId, ct) =>
        {
            var record = await _node.ResolveAsync(nodeId, ct).ConfigureAwait(false);
            if (record is not null && Offer(record, CandidateSource.RegistryLookup) == CandidateVerdict.Added)
            {
                Interlocked.Increment(ref added);
            }
        }).ConfigureAwait(false);

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
