using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using TcrToolkit.Cli.Commands.Discovery;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Events;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.Cli.Commands.MailServers;

/// <summary>
/// The options of the mail-server client commands (<c>tcr servers</c>, <c>tcr history</c>, <c>tcr message send</c>):
/// where to find candidates (bootnodes, a bounded random walk) and the registry mirror that decides trust.
/// </summary>
internal sealed class MailServerClientCliOptions
{
    private readonly Option<string[]> _bootnodes = new("--bootnode")
    {
        Description = "A discovery node to start from, as its enr: text (repeatable); a mail server's own record is offered as a candidate too",
        HelpName = "enr",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _bind = new("--bind")
    {
        Description = "The UDP address and port the client's discovery node listens on [default: 127.0.0.1:0]",
        HelpName = "ip:port",
        DefaultValueFactory = _ => "127.0.0.1:0",
    };

    private readonly Option<double> _walk = new("--walk")
    {
        Description = "Seconds of random walk in discovery after the registry-directed lookups (0: none)",
        HelpName = "s",
        DefaultValueFactory = _ => 2,
    };

    private readonly Option<string?> _mirror = new("--mirror")
    {
        Description = "The registry mirror's SQLite file, kept between runs [default: a temporary file, deleted at the end]",
        HelpName = "file",
    };

    private readonly Option<double> _syncTimeout = new("--sync-timeout")
    {
        Description = "Seconds to wait for the registry mirror to catch up with the chain before anything is trusted",
        HelpName = "s",
        DefaultValueFactory = _ => 60,
    };

    private readonly Option<int?> _confirmations = new("--confirmations")
    {
        Description = "Blocks built on a listing before the mirror trusts it (removals count at once) [default: 0 on the devnet, 2 elsewhere]",
        HelpName = "n",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_bootnodes);
        command.Options.Add(_bind);
        command.Options.Add(_walk);
        command.Options.Add(_mirror);
        command.Options.Add(_syncTimeout);
        command.Options.Add(_confirmations);
    }

    /// <summary>Checks the values that need no I/O, then starts the session.</summary>
    public async Task<MailServerSession> StartAsync(CommandContext context, CancellationToken cancellationToken, int servers = 2)
    {
        var bootnodes = (context.Parse.GetValue(_bootnodes) ?? []).Select(text => DiscoveryNodeOptions.ParseRecord(text, "--bootnode")).ToList();
        var bindText = context.Parse.GetValue(_bind)!;
        if (!IPEndPoint.TryParse(bindText, out var bind))
        {
            throw CliException.Usage("bad-bind", $"--bind '{Short(bindText)}' is not an ip:port; give one such as 127.0.0.1:9000.");
        }

        var walk = context.Parse.GetValue(_walk);
        if (walk is < 0 or > 3600 || double.IsNaN(walk))
        {
            throw CliException.Usage("bad-walk", "--walk must be between 0 and 3600 seconds; give how long to random-walk discovery.");
        }

        var syncTimeout = context.Parse.GetValue(_syncTimeout);
        if (syncTimeout is <= 0 or > 3600 || double.IsNaN(syncTimeout))
        {
            throw CliException.Usage("bad-sync-timeout", "--sync-timeout must be more than 0 and at most 3600 seconds; give how long to wait for the registry mirror.");
        }

        var confirmations = context.Parse.GetValue(_confirmations);
        if (confirmations is < 0 or > 1024)
        {
            throw CliException.Usage("bad-confirmations", "--confirmations must be between 0 and 1024; give a whole number of blocks.");
        }

        var mirrorPath = context.Parse.GetValue(_mirror) is { } given ? Path.GetFullPath(given, context.Environment.CurrentDirectory) : null;
        var session = new MailServerSession(bootnodes, TimeSpan.FromSeconds(walk), servers);
        try
        {
            await session.StartAsync(context, bind, mirrorPath, confirmations, TimeSpan.FromSeconds(syncTimeout), cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..12] + "…";
}

/// <summary>One candidate as the client judged it.</summary>
internal sealed class CandidateObservation(Bytes32 nodeId, string source, string? record)
{
    public Bytes32 NodeId { get; } = nodeId;

    public string Source { get; set; } = source;

    public string? Record { get; set; } = record;

    public IReadOnlyList<string> Addresses { get; set; } = [];

    public bool Trusted { get; set; }

    public string Reason { get; set; } = "";

    public double? RoundTripMs { get; set; }
}

/// <summary>
/// A running mail-server client: the registry mirror (run until it trusts, and followed while the session lives), the
/// pool that trusts only what the mirror lists, a discovery node that finds candidates, and the client that fetches and
/// publishes through trusted servers. The CLI's glue: the decisions are the library's.
/// </summary>
internal sealed class MailServerSession : IAsyncDisposable
{
    private readonly List<Enr> _bootnodes;
    private readonly TimeSpan _walk;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<Bytes32, CandidateObservation> _observed = [];
    private readonly Lock _gate = new();
    private string? _temporaryMirror;
    private RegistryMirror? _mirror;
    private Task? _mirrorRun;
    private RegistryMirrorTrust? _trust;
    private TrustedMailServers? _pool;
    private Discv5Node? _node;
    private PrivateKey? _key;
    private Libp2pHost? _host;
    private MailServerClient? _client;
    private MailServerDiscovery? _discovery;

    private readonly int _servers;

    public MailServerSession(List<Enr> bootnodes, TimeSpan walk, int servers)
    {
        _bootnodes = bootnodes;
        _walk = walk;
        _servers = servers;
    }

    public RegistryMirror Mirror => _mirror!;

    public RegistryMirrorTrust Trust => _trust!;

    public TrustedMailServers Pool => _pool!;

    public MailServerClient Client => _client!;

    public Discv5Node Node => _node!;

    /// <summary>The newest block the mirror has read, or 0.</summary>
    public ulong SeenBlock => _mirror?.Seen?.BlockNumber ?? 0;

    /// <summary>The chain's head as the mirror last saw it (or the newest block read).</summary>
    public ulong HeadBlock => Math.Max(_mirror?.Health.Head ?? 0, SeenBlock);

    public async Task StartAsync(
        CommandContext context, IPEndPoint bind, string? mirrorPath, int? confirmations, TimeSpan syncTimeout, CancellationToken cancellationToken)
    {
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var isDevnet = context.Network.Network.Name == "devnet";
        if (mirrorPath is null)
        {
            _temporaryMirror = Path.Combine(Path.GetTempPath(), $"tcr-mirror-{Guid.NewGuid():N}.db");
            mirrorPath = _temporaryMirror;
        }

        var options = new RegistryMirrorOptions
        {
            Registry = connection.Registry,
            DatabasePath = mirrorPath,
            ConfirmationDepth = confirmations ?? (isDevnet ? 0 : 2),
            Stream = new RegistryEventsOptions
            {
                PollInterval = TimeSpan.FromSeconds(isDevnet ? 0.5 : 4),
                WebSocketEndpoint = WebSocketOf(context.Network.RpcUrl, isDevnet),
            },
        };
        try
        {
            _mirror = RegistryMirror.Open(connection.Client, options);
        }
        catch (RegistryStoreException ex)
        {
            throw CliException.Configuration("mirror-unusable", $"{ex.Message.TrimEnd('.')}; or give another file with --mirror.", ex);
        }

        _mirrorRun = Task.Run(() => _mirror.RunAsync(_stopping.Token), CancellationToken.None);
        await WaitUntilSyncedAsync(syncTimeout, cancellationToken).ConfigureAwait(false);

        _trust = new RegistryMirrorTrust(_mirror);
        _pool = new TrustedMailServers(_trust);
        _key = PrivateKey.Generate();
        var discoveryOptions = new Discv5Options { PrivateKey = _key, BindEndPoint = bind, RequestTimeout = TimeSpan.FromMilliseconds(800) };
        foreach (var bootnode in _bootnodes)
        {
            discoveryOptions.Bootnodes.Add(bootnode);
        }

        try
        {
            _node = await Discv5Node.StartAsync(discoveryOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw CliException.Configuration("discovery-start-failed", $"The discovery node could not listen on {bind} ({ex.Message}); choose another --bind.", ex);
        }

        _host = new Libp2pHost(_key);
        _client = new MailServerClient(_pool, new MailServerConnections(_host), new TcrToolkit.MailServers.Client.MailServerClientOptions { HistoryServers = _servers, PublishServers = _servers });
        _discovery = new MailServerDiscovery(_node, _pool, _trust);
    }

    /// <summary>
    /// Finds candidates: the bootnodes' own records, every listed node id resolved by a targeted lookup, then a random
    /// walk for the configured time; each is offered to the pool, which keeps only listed ones.
    /// </summary>
    public async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        foreach (var bootnode in _bootnodes)
        {
            Observe(bootnode, "bootnode", CandidateSource.Static);
        }

        foreach (var nodeId in _trust!.TrustedNodeIds)
        {
            var record = await _node!.ResolveAsync(nodeId, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                Observe(record, "registry", CandidateSource.RegistryLookup);
            }
        }

        if (_walk > TimeSpan.Zero)
        {
            using var walking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            walking.CancelAfter(_walk);
            try
            {
                await foreach (var record in _node!.RandomWalkAsync(walking.Token).ConfigureAwait(false))
                {
                    Observe(record, "random walk", CandidateSource.RandomWalk);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The walk's time is up.
            }
        }
    }

    /// <summary>Resolves node ids the registry just listed and offers them (for followers).</summary>
    public async Task ResolveAsync(IEnumerable<Bytes32> nodeIds, CancellationToken cancellationToken)
    {
        foreach (var nodeId in nodeIds)
        {
            var record = await _node!.ResolveAsync(nodeId, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                Observe(record, "registry", CandidateSource.RegistryLookup);
            }
        }
    }

    /// <summary>
    /// Measures every candidate: a trusted one is dialled over libp2p (the Noise handshake must show the listed key) and
    /// pinged there; any other is pinged in discovery.
    /// </summary>
    public async Task MeasureAsync(CancellationToken cancellationToken)
    {
        var connections = new MailServerConnections(_host!);
        await using (connections.ConfigureAwait(false))
        {
            foreach (var observation in Observations)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    if (observation.Trusted)
                    {
                        var candidate = _pool!.Servers.FirstOrDefault(s => s.Candidate.NodeId == observation.NodeId)?.Candidate;
                        if (candidate is null)
                        {
                            continue;
                        }

                        var connection = await connections.ConnectAsync(candidate, timeout.Token).ConfigureAwait(false);
                        var roundTrip = await connection.PingAsync(timeout.Token).ConfigureAwait(false);
                        _pool.RecordRoundTrip(observation.NodeId, roundTrip);
                        observation.RoundTripMs = roundTrip.TotalMilliseconds;
                    }
                    else if (observation.Record is { } text)
                    {
                        var watch = Stopwatch.StartNew();
                        await _node!.PingAsync(Enr.Parse(text), timeout.Token).ConfigureAwait(false);
                        observation.RoundTripMs = watch.Elapsed.TotalMilliseconds;
                    }
                }
                catch (MailServerIdentityException ex)
                {
                    _pool!.Discard(observation.NodeId, ex.Message);
                    observation.Trusted = false;
                    observation.Reason = "another key answered at its address";
                }
                catch (Exception ex) when (ex is Libp2pException or IOException or DiscoveryException or TimeoutException
                    or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    observation.Reason += " (unreachable now)";
                }
            }
        }
    }

    /// <summary>Every candidate seen, trusted first, then by node id.</summary>
    public IReadOnlyList<CandidateObservation> Observations
    {
        get
        {
            lock (_gate)
            {
                return [.. _observed.Values.OrderByDescending(o => o.Trusted).ThenBy(o => o.NodeId.ToString(), StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Marks a candidate evicted (for followers' tables).</summary>
    public void MarkEvicted(Bytes32 nodeId, string reason)
    {
        lock (_gate)
        {
            if (_observed.TryGetValue(nodeId, out var observation))
            {
                observation.Trusted = false;
                observation.Reason = "evicted: " + reason;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
        }

        _pool?.Dispose();
        _trust?.Dispose();
        if (_mirrorRun is not null)
        {
            try
            {
                await _mirrorRun.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (_mirror is not null)
        {
            await _mirror.DisposeAsync().ConfigureAwait(false);
        }

        _key?.Dispose();
        _stopping.Dispose();
        if (_temporaryMirror is not null)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                try
                {
                    File.Delete(_temporaryMirror + suffix);
                }
                catch (IOException)
                {
                    // A leftover temporary file is harmless.
                }
            }
        }
    }

    private void Observe(Enr record, string source, CandidateSource poolSource)
    {
        if (!MailServerRecords.IsMailServer(record))
        {
            return;
        }

        var verdict = _discovery!.Offer(record, poolSource);
        var listing = _mirror!.GetListing(record.NodeId);
        var reason = verdict switch
        {
            CandidateVerdict.Added or CandidateVerdict.Updated => "listed in the registry",
            CandidateVerdict.Full => "listed, but the pool is full",
            _ when MailServerRecords.ToCandidate(record, poolSource) is null => "its record names no libp2p address",
            _ when listing is null => "not in the registry",
            _ => $"not listed: its registry stage is {listing.Stage.ToString().ToLowerInvariant()}",
        };
        lock (_gate)
        {
            if (!_observed.TryGetValue(record.NodeId, out var observation))
            {
                observation = _observed[record.NodeId] = new CandidateObservation(record.NodeId, source, record.ToString());
            }
            else if (Enr.Parse(observation.Record!).Sequence < record.Sequence)
            {
                observation.Record = record.ToString();
            }

            observation.Trusted = verdict is CandidateVerdict.Added or CandidateVerdict.Updated;
            observation.Reason = reason;
            observation.Addresses = MailServerRecords.Addresses(record);
        }
    }

    private async Task WaitUntilSyncedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var health = _mirror!.Health;
            if (health.Status == RegistryMirrorStatus.Synced && health.IsTrusting)
            {
                return;
            }

            if (_mirrorRun!.IsFaulted)
            {
                throw CliException.Configuration("mirror-failed", $"The registry mirror stopped ({_mirrorRun.Exception!.InnerException!.Message.TrimEnd('.')}); check --rpc and --manifest.");
            }

            if (deadline.Elapsed > timeout)
            {
                var why = health.Problem is { } problem ? problem.TrimEnd('.') : $"it is {health.Status switch
                {
                    RegistryMirrorStatus.NodeUnreachable => "unable to reach the node",
                    RegistryMirrorStatus.Faulted => "faulted",
                    _ => "still catching up",
                }}";
                throw new CliException(
                    health.Status == RegistryMirrorStatus.NodeUnreachable ? ExitCode.RpcUnavailable : ExitCode.Configuration,
                    "mirror-not-synced",
                    $"The registry mirror did not catch up within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s ({why}), so no mail server can be trusted; check the node, or give more time with --sync-timeout.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    // The devnet's Hardhat node answers WebSocket on its HTTP port; elsewhere only a ws:// URL gives a subscription.
    private static Uri? WebSocketOf(Uri rpc, bool isDevnet) => rpc.Scheme switch
    {
        "ws" or "wss" => rpc,
        "http" when isDevnet => new UriBuilder(rpc) { Scheme = "ws" }.Uri,
        _ => null,
    };
}
