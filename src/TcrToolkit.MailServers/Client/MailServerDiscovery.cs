using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Client;

/// <summary>
/// Feeds the pool with candidates from Discovery v5, two ways: registry-directed (every node id the registry lists and
/// the pool lacks is resolved by a targeted lookup, which returns its newest record) and random walks (every record met
/// that advertises the store capability is offered; the pool keeps only listed ones).
/// </summary>
public sealed class MailServerDiscovery
{
    // At most this many listings resolve at once; each lookup runs α = 3 FINDNODEs in parallel.
    private const int ResolveParallelism = 4;

    // An online server resolves in tens of milliseconds on loopback and a few round trips on the internet.
    private static readonly TimeSpan ResolveStagger = TimeSpan.FromMilliseconds(250);

    private readonly Discv5Node _node;
    private readonly TrustedMailServers _pool;
    private readonly IMailServerTrust _trust;
    private readonly TimeProvider _time;

    /// <summary>Creates the feeder.</summary>
    public MailServerDiscovery(Discv5Node node, TrustedMailServers pool, IMailServerTrust trust, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(trust);
        _node = node;
        _pool = pool;
        _trust = trust;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Records met so far that advertised the store capability but are not listed.</summary>
    public long DiscardedRecords => Interlocked.Read(ref _discarded);

    private long _discarded;

    /// <summary>
    /// Resolves every listed node id the pool lacks, each joining the pool as soon as it resolves; returns how many
    /// joined. One listing is resolved at a time, but when one takes longer than a short stagger (an offline server
    /// costs two full lookups) the next starts beside it, up to a few at once.
    /// </summary>
    public async Task<int> ResolveListedAsync(CancellationToken cancellationToken = default)
    {
        var known = _pool.Servers.Select(s => s.Candidate.NodeId).ToHashSet();
        var added = 0;
        var running = new List<Task>();
        foreach (var nodeId in _trust.TrustedNodeIds.Where(id => !known.Contains(id)))
        {
            running.Add(ResolveOneAsync(nodeId));
            // Strictly one after another, each offline listing would hold the servers behind it back by seconds; all at
            // once, the lookups compete and the first online server arrives later (bench/mailservers-report.md).
            var any = Task.WhenAny(running);
            if (running.Count < ResolveParallelism)
            {
                using var stagger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(any, Task.Delay(ResolveStagger, _time, stagger.Token)).ConfigureAwait(false);
                await stagger.CancelAsync().ConfigureAwait(false);
            }
            else
            {
                await any.ConfigureAwait(false);
            }

            foreach (var done in running.Where(t => t.IsCompleted).ToList())
            {
                running.Remove(done);
                await done.ConfigureAwait(false);
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        return added;

        async Task ResolveOneAsync(Bytes32 nodeId)
        {
            var record = await _node.ResolveAsync(nodeId, cancellationToken).ConfigureAwait(false);
            if (record is not null && Offer(record, CandidateSource.RegistryLookup) == CandidateVerdict.Added)
            {
                Interlocked.Increment(ref added);
            }
        }
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
