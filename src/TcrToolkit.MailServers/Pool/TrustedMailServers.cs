using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Selection;

namespace TcrToolkit.MailServers.Pool;

/// <summary>What the pool did with an offered candidate.</summary>
public enum CandidateVerdict
{
    /// <summary>Listed in the registry: added to the trusted servers.</summary>
    Added,

    /// <summary>Already trusted: its addresses were updated (newer record) or kept (older or same record).</summary>
    Updated,

    /// <summary>Not listed (or the mirror vouches for nothing now): discarded, nothing kept.</summary>
    Discarded,

    /// <summary>Listed, but the pool is full.</summary>
    Full,
}

/// <summary>A trusted server as the pool sees it.</summary>
/// <param name="Candidate">The newest record of it.</param>
/// <param name="RoundTrip">The last measured round trip, if any.</param>
/// <param name="AvailableAt">When a failing server may be chosen again; null when it may be now.</param>
public sealed record TrustedMailServer(MailServerCandidate Candidate, TimeSpan? RoundTrip, DateTimeOffset? AvailableAt);

/// <summary>One use of a server by one operation; its token is cancelled if the server is evicted meanwhile.</summary>
/// <param name="Server">The chosen server.</param>
/// <param name="Attempt">1 for the first server tried, 2 for the next, ...</param>
public sealed record MailServerLease(MailServerCandidate Server, int Attempt);

/// <summary>Pool events for the application: a server added, evicted or selected.</summary>
/// <param name="nodeId">The server.</param>
/// <param name="reason">Why (for evictions: the removal or the trust loss).</param>
public sealed class MailServerEventArgs(Bytes32 nodeId, string? reason = null) : EventArgs
{
    /// <summary>The server.</summary>
    public Bytes32 NodeId { get; } = nodeId;

    /// <summary>Why, when known.</summary>
    public string? Reason { get; } = reason;
}

/// <summary>No trusted server could serve an operation.</summary>
public sealed class NoTrustedMailServerException(string message, Exception? lastError = null) : Exception(message, lastError);

/// <summary>
/// The client's pool of trusted mail servers. Candidates come from discovery (random walks, registry-directed lookups,
/// the persisted cache); each is kept only while <see cref="IMailServerTrust"/> — the registry mirror, answering from
/// memory — trusts its node id, and is evicted the moment a removal event or a loss of the chain withdraws that trust:
/// operations running on it are cancelled and retried on another server. Selection picks at random among the fastest
/// quarter by measured round trip; failing servers back off exponentially. Untrusted candidates are never stored, so a
/// flood of fake records costs nothing but the look-up.
/// </summary>
public sealed class TrustedMailServers : IDisposable
{
    private readonly IMailServerTrust _trust;
    private readonly TrustedMailServersOptions _options;
    private readonly ServerSelector _selector;
    private readonly FailureBackoff<Bytes32> _backoff;
    private readonly Lock _gate = new();
    private readonly Dictionary<Bytes32, Entry> _servers = [];

    /// <summary>Creates the pool and starts listening to trust withdrawals.</summary>
    public TrustedMailServers(IMailServerTrust trust, TrustedMailServersOptions? options = null, TimeProvider? time = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(trust);
        _options = options ?? new TrustedMailServersOptions();
        _options.Validate();
        _trust = trust;
        random ??= Random.Shared;
        _selector = new ServerSelector(random);
        _backoff = new FailureBackoff<Bytes32>(time ?? TimeProvider.System, random, _options.InitialBackoff, _options.MaxBackoff);
        _trust.TrustWithdrawn += OnTrustWithdrawn;
    }

    /// <summary>Raised when a listed server joins the pool.</summary>
    public event EventHandler<MailServerEventArgs>? ServerAdded;

    /// <summary>Raised when a server leaves the pool because its trust ended.</summary>
    public event EventHandler<MailServerEventArgs>? ServerEvicted;

    /// <summary>Raised when an operation is given a server.</summary>
    public event EventHandler<MailServerEventArgs>? ServerSelected;

    /// <summary>Candidates offered and discarded as untrusted since the pool started.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    private long _discarded;

    /// <summary>The trusted servers now.</summary>
    public IReadOnlyList<TrustedMailServer> Servers
    {
        get
        {
            lock (_gate)
            {
                return [.. _servers.Values.Select(e => new TrustedMailServer(e.Candidate, e.RoundTrip, _backoff.AvailableAt(e.Candidate.NodeId)))];
            }
        }
    }

    /// <summary>Offers a candidate: kept if the registry trusts its node id now, otherwise discarded.</summary>
    public CandidateVerdict Offer(MailServerCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!_trust.IsTrusted(candidate.NodeId))
        {
            Interlocked.Increment(ref _discarded);
            return CandidateVerdict.Discarded;
        }

        lock (_gate)
        {
            if (_servers.TryGetValue(candidate.NodeId, out var known))
            {
                if (candidate.Sequence > known.Candidate.Sequence || (candidate.Sequence == known.Candidate.Sequence && known.Candidate.Addresses.Count == 0))
                {
                    known.Candidate = candidate;
                }

                return CandidateVerdict.Updated;
            }

            if (_servers.Count >= _options.MaxServers)
            {
                return CandidateVerdict.Full;
            }

            _servers[candidate.NodeId] = new Entry(candidate);
        }

        ServerAdded?.Invoke(this, new MailServerEventArgs(candidate.NodeId));
        return CandidateVerdict.Added;
    }

    /// <summary>
    /// Drops a server that proved not to be what its record says (another key answered its address): it leaves the
    /// pool until discovery offers it again. Trust in the registry is not affected.
    /// </summary>
    public void Discard(Bytes32 nodeId, string reason)
    {
        bool removed;
        lock (_gate)
        {
            removed = _servers.Remove(nodeId, out var entry);
            if (removed)
            {
                _backoff.Forget(nodeId);
                foreach (var running in entry!.InFlight.ToList())
                {
                    running.Cancel();
                }
            }
        }

        if (removed)
        {
            ServerEvicted?.Invoke(this, new MailServerEventArgs(nodeId, reason));
        }
    }

    /// <summary>Records a measured round trip (a ping, or the time to a first answer).</summary>
    public void RecordRoundTrip(Bytes32 nodeId, TimeSpan roundTrip)
    {
        lock (_gate)
        {
            if (_servers.TryGetValue(nodeId, out var entry))
            {
                entry.RoundTrip = roundTrip;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a trusted server, and on another when it fails or its server is evicted
    /// while it runs (its token is cancelled then), up to <see cref="TrustedMailServersOptions.MaxAttempts"/> servers.
    /// </summary>
    /// <exception cref="NoTrustedMailServerException">No trusted server is available, or every attempt failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<T> ExecuteAsync<T>(Func<MailServerLease, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default) =>
        ExecuteAsync(operation, exclude: null, cancellationToken);

    /// <summary>
    /// As <see cref="ExecuteAsync{T}(Func{MailServerLease, CancellationToken, Task{T}}, CancellationToken)"/>, never
    /// choosing a server in <paramref name="exclude"/> (to ask several distinct servers).
    /// </summary>
    /// <exception cref="NoTrustedMailServerException">No trusted server is available, or every attempt failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<T> ExecuteAsync<T>(Func<MailServerLease, CancellationToken, Task<T>> operation, IEnumerable<Bytes32>? exclude, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var tried = new HashSet<Bytes32>(exclude ?? []);
        Exception? lastError = null;
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (entry, lease, eviction) = Acquire(tried, attempt) ?? throw new NoTrustedMailServerException(NoServerMessage(tried), lastError);
            tried.Add(entry.Candidate.NodeId);
            ServerSelected?.Invoke(this, new MailServerEventArgs(entry.Candidate.NodeId));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, eviction.Token);
            try
            {
                var result = await operation(lease, linked.Token).ConfigureAwait(false);
                if (eviction.IsCancellationRequested)
                {
                    // Evicted while it answered: its answer is no longer trusted.
                    lastError = new OperationCanceledException("The server was evicted while it answered.");
                    continue;
                }

                lock (_gate)
                {
                    _backoff.RecordSuccess(entry.Candidate.NodeId);
                }

                return result;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && eviction.IsCancellationRequested)
            {
                lastError = new OperationCanceledException($"Server {entry.Candidate.NodeId} was evicted during the operation.");
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = error;
                lock (_gate)
                {
                    _backoff.RecordFailure(entry.Candidate.NodeId);
                }
            }
            finally
            {
                Release(entry, eviction);
            }
        }

        throw new NoTrustedMailServerException(
            $"Every server tried ({_options.MaxAttempts}) failed; the last error was: {lastError?.Message}", lastError);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _trust.TrustWithdrawn -= OnTrustWithdrawn;
        lock (_gate)
        {
            foreach (var running in _servers.Values.SelectMany(e => e.InFlight).ToList())
            {
                running.Cancel();
            }

            _servers.Clear();
        }
    }

    private (Entry Entry, MailServerLease Lease, CancellationTokenSource Eviction)? Acquire(HashSet<Bytes32> tried, int attempt)
    {
        lock (_gate)
        {
            var available = _servers.Values
                .Where(e => !tried.Contains(e.Candidate.NodeId) && _backoff.IsAvailable(e.Candidate.NodeId) && _trust.IsTrusted(e.Candidate.NodeId))
                .ToList();
            var chosen = _selector.Select(available, e => e.RoundTrip);
            if (chosen is null)
            {
                return null;
            }

            var eviction = new CancellationTokenSource();
            chosen.InFlight.Add(eviction);
            return (chosen, new MailServerLease(chosen.Candidate, attempt), eviction);
        }
    }

    private void Release(Entry entry, CancellationTokenSource eviction)
    {
        lock (_gate)
        {
            entry.InFlight.Remove(eviction);
        }

        eviction.Dispose();
    }

    private string NoServerMessage(HashSet<Bytes32> tried)
    {
        lock (_gate)
        {
            if (_servers.Count == 0)
            {
                return "No trusted mail server is known yet: discovery has found no server the registry lists (or the registry mirror is not in sync).";
            }

            var next = _servers.Values.Select(e => _backoff.AvailableAt(e.Candidate.NodeId)).Where(t => t is not null).Min();
            return tried.Count > 0
                ? $"Every trusted server was tried or is backing off after failures; the next is available at {next:O}."
                : $"Every trusted server is backing off after failures; the next is available at {next:O}.";
        }
    }

    private void OnTrustWithdrawn(object? sender, TrustWithdrawnEventArgs e)
    {
        var evicted = new List<Bytes32>();
        lock (_gate)
        {
            IReadOnlyList<Bytes32> ids = e.All ? [.. _servers.Keys] : e.NodeIds;
            foreach (var id in ids)
            {
                if (_servers.Remove(id, out var entry))
                {
                    _backoff.Forget(id);
                    evicted.Add(id);
                    // Under the lock: a lease is disposed only after it left InFlight, so none is cancelled after disposal.
                    foreach (var running in entry.InFlight.ToList())
                    {
                        running.Cancel();
                    }
                }
            }
        }

        foreach (var id in evicted)
        {
            ServerEvicted?.Invoke(this, new MailServerEventArgs(id, e.Reason));
        }
    }

    private sealed class Entry(MailServerCandidate candidate)
    {
        public MailServerCandidate Candidate { get; set; } = candidate;

        public TimeSpan? RoundTrip { get; set; }

        public List<CancellationTokenSource> InFlight { get; } = [];
    }
}
