using System.Diagnostics;
using System.Globalization;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Server;

namespace TcrToolkit.MailServers.Bench;

/// <summary>
/// Time to the first verified mail server from a cold start in a loopback network of 50 discovery nodes:
/// @chainsafe/discv5 nodes, our plain nodes, two store-capable nodes nobody lists, and three real mail servers
/// (<see cref="MailServerHost"/>) whose node ids are the trust. Each trial starts a fresh client (new key, empty table,
/// one bootnode) and stops the clock when the first trusted candidate's libp2p connection has passed the identity check.
/// </summary>
internal sealed class ColdStart(int offlineListings) : IAsyncDisposable
{
    private const int ChainsafeNodes = 10;
    private const int Decoys = 2;
    private const int MailServers = 3;
    private const int NetworkSize = 50;
    private readonly List<Discv5Node> _ours = [];
    private readonly List<MailServerHost> _servers = [];
    private readonly List<PrivateKey> _keys = [];
    private readonly List<(Enr Record, string Kind)> _bootCandidates = [];
    private readonly List<string> _files = [];
    private readonly StaticTrust _trust = new();
    private ChainsafePeer? _chainsafe;

    public sealed record Trial(string Mode, int Index, string BootKind, bool Found, double CandidateMs, double VerifiedMs, CandidateSource? Source, long Discarded);

    public async Task BuildAsync(TextWriter log, int seed)
    {
        var random = new Random(seed);
        // Listed node ids whose servers are offline (in no table), listed before the online ones.
        for (var i = 0; i < offlineListings; i++)
        {
            _trust.List(Key().PublicKey.NodeId);
        }

        var all = new List<Enr>();
        var clock = Stopwatch.StartNew();
        _chainsafe = await ChainsafePeer.StartAsync();
        var chainsafe = await _chainsafe.StartNodesAsync(ChainsafeNodes);
        foreach (var (_, record) in chainsafe)
        {
            all.Add(record);
            _bootCandidates.Add((record, "chainsafe"));
        }

        var plain = NetworkSize - ChainsafeNodes - Decoys - MailServers;
        // Mail servers and decoys join at spread-out positions so they are not all among the first or last nodes.
        var roles = Enumerable.Repeat("plain", plain).Concat(Enumerable.Repeat("decoy", Decoys)).Concat(Enumerable.Repeat("server", MailServers))
            .OrderBy(_ => random.Next()).ToList();
        foreach (var role in roles)
        {
            var bootnodes = Enumerable.Range(0, 3).Select(_ => all[random.Next(all.Count)]).Distinct().ToList();
            if (role == "server")
            {
                var options = new MailServerHostOptions { NodeKey = Key(), StorePath = TempFile($"server{_servers.Count}") };
                options.ListenAddresses.Clear();
                options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
                options.Waku.ClusterId = 1;
                options.Waku.Shards.Add(0);
                foreach (var boot in bootnodes)
                {
                    options.Bootnodes.Add(boot);
                }

                var server = await MailServerHost.StartAsync(options);
                _servers.Add(server);
                _trust.List(server.NodeId);
                all.Add(server.Record);
            }
            else
            {
                var options = new Discv5Options { PrivateKey = Key() };
                if (role == "decoy")
                {
                    // Advertises the store capability and a TCP port, but no registry lists it: the pool must discard it.
                    options.ConfigureRecord = r => r.SetWaku2(Waku2Capabilities.Store).SetTcp(9);
                }

                foreach (var boot in bootnodes)
                {
                    options.Bootnodes.Add(boot);
                }

                var node = await Discv5Node.StartAsync(options);
                _ours.Add(node);
                all.Add(node.LocalEnr);
                if (role == "plain")
                {
                    _bootCandidates.Add((node.LocalEnr, "ours"));
                }
            }
        }

        var started = clock.Elapsed.TotalSeconds;
        // Chainsafe nodes learn a few of ours, then every node looks itself up and one random target to fill its table.
        foreach (var (index, _) in chainsafe)
        {
            foreach (var record in Enumerable.Range(0, 3).Select(_ => all[ChainsafeNodes + random.Next(all.Count - ChainsafeNodes)]))
            {
                await _chainsafe.SendAsync("addEnr", new { node = index, enr = record.ToString() });
            }
        }

        await Task.Delay(500);
        var introduced = clock.Elapsed.TotalSeconds;
        for (var round = 0; round < 2; round++)
        {
            var discovery = _ours.Concat(_servers.Select(s => s.Discovery)).ToList();
            foreach (var batch in discovery.Chunk(6))
            {
                await Task.WhenAll(batch.Select(async n =>
                {
                    var each = Stopwatch.StartNew();
                    var found = await n.LookupAsync(round == 0 ? n.NodeId : RandomTarget());
                    if (Environment.GetEnvironmentVariable("MS_BENCH_DIAG") is not null)
                    {
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    lookup round {round}: {each.Elapsed.TotalMilliseconds:F0} ms, {found.Count} found"));
                    }
                }));
            }

            foreach (var (index, record) in chainsafe)
            {
                var each = Stopwatch.StartNew();
                var answer = await _chainsafe.SendAsync("lookup", new { node = index, target = round == 0 ? record.NodeId.ToString() : RandomTarget().ToString() });
                if (Environment.GetEnvironmentVariable("MS_BENCH_DIAG") is not null)
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    chainsafe lookup round {round}: {each.Elapsed.TotalMilliseconds:F0} ms, {answer["enrs"]!.AsArray().Count} found"));
                }
            }
        }

        var filled = clock.Elapsed.TotalSeconds;
        var ourTables = new List<int>();
        foreach (var node in _ours.Concat(_servers.Select(s => s.Discovery)))
        {
            ourTables.Add((await node.GetTableAsync()).Count);
        }

        var theirTables = new List<int>();
        foreach (var (index, _) in chainsafe)
        {
            theirTables.Add(await _chainsafe.TableSizeAsync(index));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"network: {ChainsafeNodes} chainsafe + {plain} ours + {Decoys} unlisted store-capable (ours) + {MailServers} mail servers = {NetworkSize} nodes, built in {clock.Elapsed.TotalSeconds:F1} s " +
            $"(started {started:F1} s, chainsafe introduced {introduced - started:F1} s, table-filling lookups {filled - introduced:F1} s); " +
            $"table sizes: ours avg {ourTables.Average():F1} (min {ourTables.Min()}), chainsafe avg {theirTables.Average():F1} (min {theirTables.Min()})"));
    }

    public async Task<Trial> RunAsync(string mode, int index, Random random, TimeSpan timeout)
    {
        var (boot, bootKind) = _bootCandidates[random.Next(_bootCandidates.Count)];
        using var key = PrivateKey.Generate();
        using var stop = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        var options = new Discv5Options { PrivateKey = key };
        options.Bootnodes.Add(boot);
        await using var node = await Discv5Node.StartAsync(options, stop.Token);
        await using var host = new Libp2pHost(key);
        using var pool = new TrustedMailServers(_trust);
        await using var connections = new MailServerConnections(host);
        var discovery = new MailServerDiscovery(node, pool, _trust);
        double candidateMs = -1;
        var verified = new TaskCompletionSource<MailServerCandidate>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.ServerAdded += (_, e) =>
        {
            Interlocked.CompareExchange(ref candidateMs, clock.Elapsed.TotalMilliseconds, -1);
            var candidate = pool.Servers.FirstOrDefault(s => s.Candidate.NodeId == e.NodeId)?.Candidate;
            if (candidate is not null)
            {
                _ = VerifyAsync(candidate);
            }
        };

        var feeding = mode switch
        {
            "registry" => discovery.ResolveListedAsync(stop.Token),
            "registry-sequential" => ResolveOneByOneAsync(node, discovery, stop.Token),
            _ => discovery.RandomWalkAsync(stop.Token),
        };
        MailServerCandidate? first = null;
        try
        {
            first = await verified.Task.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var verifiedMs = clock.Elapsed.TotalMilliseconds;
        await stop.CancelAsync();
        try
        {
            await feeding;
        }
        catch (OperationCanceledException)
        {
        }

        return new Trial(mode, index, bootKind, first is not null, candidateMs, verifiedMs, first?.Source, discovery.DiscardedRecords);

        async Task VerifyAsync(MailServerCandidate candidate)
        {
            try
            {
                // The identity check: the Noise handshake must prove the listed node key behind the record's address.
                await connections.ConnectAsync(candidate, stop.Token);
                verified.TrySetResult(candidate);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // Another candidate may still verify; the trial's timeout bounds the wait.
            }
        }
    }

    /// <summary>ResolveListedAsync as it was before it resolved several listings at once: one after another.</summary>
    private async Task ResolveOneByOneAsync(Discv5Node node, MailServerDiscovery discovery, CancellationToken cancellationToken)
    {
        foreach (var nodeId in _trust.TrustedNodeIds)
        {
            if (await node.ResolveAsync(nodeId, cancellationToken) is { } record)
            {
                discovery.Offer(record, CandidateSource.RegistryLookup);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _ours)
        {
            await node.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        if (_chainsafe is not null)
        {
            await _chainsafe.DisposeAsync();
        }

        foreach (var key in _keys)
        {
            key.Dispose();
        }

        foreach (var file in _files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
        {
            File.Delete(file);
        }
    }

    private static Bytes32 RandomTarget() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private PrivateKey Key()
    {
        var key = PrivateKey.Generate();
        _keys.Add(key);
        return key;
    }

    private string TempFile(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tcr-ms-bench-{name}-{Guid.NewGuid():N}.db");
        _files.Add(path);
        return path;
    }
}

/// <summary>The trust for the bench: a fixed list of node ids, in the order listed (no chain is measured here).</summary>
internal sealed class StaticTrust : IMailServerTrust
{
    private readonly List<Bytes32> _listed = [];

    public event EventHandler<TrustWithdrawnEventArgs>? TrustWithdrawn
    {
        add { }
        remove { }
    }

    public IReadOnlyCollection<Bytes32> TrustedNodeIds => [.. _listed];

    public bool IsTrusted(Bytes32 nodeId) => _listed.Contains(nodeId);

    public void List(Bytes32 nodeId)
    {
        if (!_listed.Contains(nodeId))
        {
            _listed.Add(nodeId);
        }
    }
}
