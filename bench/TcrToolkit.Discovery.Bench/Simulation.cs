using System.Diagnostics;
using System.Net;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Bench;

/// <summary>
/// An in-process network (no sockets, no crypto per message) built from the node's own routing table and lookup state
/// machine: FINDNODE is answered from the queried node's <see cref="RoutingTable"/> exactly as the node answers it, a
/// queried node learns the querier (as after an inbound handshake) and the querier adds nodes that answered.
/// </summary>
internal sealed class Simulation
{
    private const int Alpha = 3;
    private readonly List<SimNode> _nodes = [];
    private readonly Dictionary<Bytes32, SimNode> _byId = [];
    private readonly Random _random;

    public Simulation(int seed) => _random = new Random(seed);

    public long TableBytesPerNode { get; private set; }

    public long RecordBytes { get; private set; }

    public double AverageTableSize => _nodes.Average(n => n.Table!.Count);

    public void Build(int count, double storeFraction, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var key = PrivateKey.Generate();
            var ip = new IPAddress([(byte)_random.Next(1, 224), (byte)_random.Next(256), (byte)_random.Next(256), (byte)_random.Next(1, 255)]);
            var builder = new EnrBuilder().SetIp(ip).SetUdp(30303);
            var store = _random.NextDouble() < storeFraction;
            if (store)
            {
                builder.SetWaku2(Waku2Capabilities.Relay | Waku2Capabilities.Store);
            }

            var record = builder.Build(key);
            var node = new SimNode(record, store);
            _nodes.Add(node);
            _byId[record.NodeId] = node;
        }

        log.WriteLine($"  {count} identities and records in {watch.Elapsed.TotalSeconds:F0} s");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(true);
        watch.Restart();
        for (var i = 0; i < count; i++)
        {
            var node = _nodes[i];
            node.Table = new RoutingTable(node.Record.NodeId);
            if (i == 0)
            {
                continue;
            }

            var boot = _nodes[_random.Next(i)];
            node.Table.TryAdd(boot.Record, 0);
            boot.Table!.TryAdd(node.Record, 0);
            Run(node, node.Record.NodeId, null);
        }

        // The table upkeep every node runs (Discv5Options.RefreshInterval): after everyone joined, one more self lookup
        // (neighbours that joined later) and one random lookup each.
        foreach (var node in _nodes)
        {
            Run(node, node.Record.NodeId, null);
            Run(node, RandomId(), null);
        }

        log.WriteLine($"  joined and refreshed in {watch.Elapsed.TotalSeconds:F0} s; average table {AverageTableSize:F0} entries");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TableBytesPerNode = (GC.GetTotalMemory(true) - before) / count;

        var copies = new List<Enr>();
        var beforeCopies = GC.GetTotalMemory(true);
        for (var i = 0; i < 2000; i++)
        {
            copies.Add(Enr.Decode(_nodes[i % _nodes.Count].Record.Encoded));
        }

        RecordBytes = (GC.GetTotalMemory(true) - beforeCopies) / copies.Count;
        GC.KeepAlive(copies);
    }

    /// <summary>A lookup of a node id from a random node: rounds and messages until its record is met.</summary>
    public (int Rounds, int Messages, bool Found) TargetedLookup()
    {
        var source = _nodes[_random.Next(_nodes.Count)];
        SimNode target;
        do
        {
            target = _nodes[_random.Next(_nodes.Count)];
        }
        while (target == source);

        var (rounds, messages, lookup) = Run(source, target.Record.NodeId, r => r.NodeId == target.Record.NodeId);
        var found = lookup.Seen(target.Record.NodeId) is not null;
        if (!found && Environment.GetEnvironmentVariable("SIM_DEBUG") is not null)
        {
            var holders = _nodes.Count(n => n.Table!.Find(target.Record.NodeId) is not null);
            var closest = _nodes.Select(n => n.Record.NodeId).Where(id => id != target.Record.NodeId).OrderBy(id => id, Comparer<Bytes32>.Create((a, b) => NodeDistance.Compare(target.Record.NodeId, a, b))).Take(3).ToList();
            var closestKnow = closest.Count(id => _byId[id].Table!.Find(target.Record.NodeId) is not null);
            var resultClosest = lookup.Result.Take(3).Select(r => NodeDistance.Log(r.NodeId, target.Record.NodeId));
            Console.WriteLine($"  miss: holders {holders}, 3 true closest know it {closestKnow}, result distances {string.Join(",", resultClosest)}, true closest distances {string.Join(",", closest.Select(id => NodeDistance.Log(id, target.Record.NodeId)))}, target table {target.Table!.Count}");
        }

        return (rounds, messages, found);
    }

    /// <summary>Random walks from a random node until <paramref name="wanted"/> store-capable records are met.</summary>
    public (int Rounds, int Messages, int Lookups, int Found) CapabilitySearch(int wanted, int maxLookups = 100)
    {
        var source = _nodes[_random.Next(_nodes.Count)];
        var found = new HashSet<Bytes32>();
        int rounds = 0, messages = 0, lookups = 0;
        while (found.Count < wanted && lookups < maxLookups)
        {
            lookups++;
            var (r, m, _) = Run(source, RandomId(), record =>
            {
                if (record.Waku2 is { } caps && caps.HasFlag(Waku2Capabilities.Store))
                {
                    found.Add(record.NodeId);
                }

                return found.Count >= wanted;
            });
            rounds += r;
            messages += m;
        }

        return (rounds, messages, lookups, found.Count);
    }

    private (int Rounds, int Messages, Lookup Lookup) Run(SimNode source, Bytes32 target, Func<Enr, bool>? stopWhen)
    {
        var lookup = new Lookup(target, source.Record.NodeId, source.Table!.Closest(target, RoutingTable.BucketSize));
        int rounds = 0, messages = 0, reported = 0;
        while (true)
        {
            for (; reported < lookup.Met.Count; reported++)
            {
                if (stopWhen?.Invoke(lookup.Met[reported]) == true)
                {
                    return (rounds, messages, lookup);
                }
            }

            var batch = lookup.Next(Alpha);
            if (batch.Count == 0)
            {
                return (rounds, messages, lookup);
            }

            rounds++;
            foreach (var queried in batch)
            {
                var peer = _byId[queried.NodeId];
                var answer = FindNode(peer, NodeDistance.LookupDistances(target, queried.NodeId));
                messages += 1 + Math.Max(1, (answer.Sum(r => r.Encoded.Length) + 999) / 1000);
                peer.Table!.TryAdd(source.Record, 0);
                source.Table.TryAdd(peer.Record, 0);
                lookup.OnAnswer(queried.NodeId, answer);
            }
        }
    }

    private static List<Enr> FindNode(SimNode node, int[] distances)
    {
        var records = new List<Enr>();
        foreach (var d in distances.Distinct())
        {
            if (records.Count >= 16)
            {
                break;
            }

            if (d == 0)
            {
                records.Add(node.Record);
            }
            else
            {
                records.AddRange(node.Table!.AtDistance(d, 16 - records.Count));
            }
        }

        return records;
    }

    private Bytes32 RandomId()
    {
        var bytes = new byte[32];
        _random.NextBytes(bytes);
        return new Bytes32(bytes);
    }

    private sealed class SimNode(Enr record, bool store)
    {
        public Enr Record { get; } = record;

        public bool Store { get; } = store;

        public RoutingTable? Table { get; set; }
    }
}
