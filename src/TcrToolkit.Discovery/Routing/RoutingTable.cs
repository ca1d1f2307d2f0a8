using System.Net;
using System.Net.Sockets;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>What <see cref="RoutingTable.TryAdd"/> did with a record.</summary>
internal enum TableAddResult
{
    Added,
    Updated,
    AlreadyPresent,
    AddedToReplacements,
    RejectedSelf,
    RejectedNoEndpoint,
    RejectedIpLimit,
}

/// <summary>A node in the table and when it was last checked.</summary>
internal sealed class TableEntry(Enr record, long addedAt)
{
    public Enr Record { get; set; } = record;

    public long AddedAt { get; } = addedAt;

    public long LastChecked { get; set; } = addedAt;

    public int LivenessChecks { get; set; }
}

/// <summary>
/// The Kademlia table: 256 buckets of 16 by log distance, a replacement cache per bucket, and geth's IP-diversity
/// limits (at most 2 nodes per /24 in a bucket, 10 per /24 in the table; loopback and LAN addresses are exempt). No
/// I/O: the service loop feeds it verified records and liveness results.
/// </summary>
internal sealed class RoutingTable
{
    public const int BucketSize = 16;
    public const int ReplacementSize = 10;
    public const int BucketIpLimit = 2;
    public const int TableIpLimit = 10;

    private readonly Bucket[] _buckets = new Bucket[256];
    private readonly Dictionary<uint, int> _tableSubnets = [];

    public RoutingTable(Bytes32 localId)
    {
        LocalId = localId;
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket();
        }
    }

    public Bytes32 LocalId { get; }

    public int Count { get; private set; }

    public TableAddResult TryAdd(Enr record, long now)
    {
        if (record.NodeId == LocalId)
        {
            return TableAddResult.RejectedSelf;
        }

        if (record.UdpEndPoint is not { } endpoint)
        {
            return TableAddResult.RejectedNoEndpoint;
        }

        var bucket = _buckets[NodeDistance.Log(LocalId, record.NodeId) - 1];
        var existing = bucket.Find(record.NodeId);
        if (existing is not null)
        {
            if (record.Sequence <= existing.Record.Sequence)
            {
                return TableAddResult.AlreadyPresent;
            }

            var oldSubnet = Subnet(existing.Record.UdpEndPoint?.Address);
            var newSubnet = Subnet(endpoint.Address);
            if (oldSubnet != newSubnet)
            {
                Release(bucket, oldSubnet);
                if (!Admits(bucket, newSubnet))
                {
                    bucket.Entries.Remove(existing);
                    Count--;
                    Promote(bucket);
                    return TableAddResult.RejectedIpLimit;
                }

                Take(bucket, newSubnet);
            }

            existing.Record = record;
            return TableAddResult.Updated;
        }

        var subnet = Subnet(endpoint.Address);
        if (bucket.Entries.Count < BucketSize)
        {
            if (!Admits(bucket, subnet))
            {
                return TableAddResult.RejectedIpLimit;
            }

            Take(bucket, subnet);
            bucket.Entries.Add(new TableEntry(record, now));
            bucket.Replacements.RemoveAll(e => e.Record.NodeId == record.NodeId);
            Count++;
            return TableAddResult.Added;
        }

        bucket.Replacements.RemoveAll(e => e.Record.NodeId == record.NodeId);
        bucket.Replacements.Add(new TableEntry(record, now));
        if (bucket.Replacements.Count > ReplacementSize)
        {
            bucket.Replacements.RemoveAt(0);
        }

        return TableAddResult.AddedToReplacements;
    }

    public bool Remove(Bytes32 nodeId)
    {
        if (nodeId == LocalId)
        {
            return false;
        }

        var bucket = _buckets[NodeDistance.Log(LocalId, nodeId) - 1];
        var entry = bucket.Find(nodeId);
        if (entry is null)
        {
            return bucket.Replacements.RemoveAll(e => e.Record.NodeId == nodeId) > 0;
        }

        bucket.Entries.Remove(entry);
        Release(bucket, Subnet(entry.Record.UdpEndPoint?.Address));
        Count--;
        Promote(bucket);
        return true;
    }

    public TableEntry? Find(Bytes32 nodeId)
    {
        if (nodeId == LocalId)
        {
            return null;
        }

        return _buckets[NodeDistance.Log(LocalId, nodeId) - 1].Find(nodeId);
    }

    /// <summary>Up to <paramref name="limit"/> records at log distance <paramref name="distance"/> (1..256).</summary>
    public IEnumerable<Enr> AtDistance(int distance, int limit) =>
        distance is < 1 or > 256 ? [] : _buckets[distance - 1].Entries.Take(limit).Select(e => e.Record);

    /// <summary>The <paramref name="count"/> known records closest to <paramref name="target"/>.</summary>
    public List<Enr> Closest(Bytes32 target, int count)
    {
        var all = new List<Enr>(Count);
        foreach (var bucket in _buckets)
        {
            foreach (var e in bucket.Entries)
            {
                all.Add(e.Record);
            }
        }

        all.Sort((a, b) => NodeDistance.Compare(target, a.NodeId, b.NodeId));
        if (all.Count > count)
        {
            all.RemoveRange(count, all.Count - count);
        }

        return all;
    }

    public IEnumerable<Enr> All() => _buckets.SelectMany(b => b.Entries).Select(e => e.Record);

    /// <summary>The entry checked longest ago in a random non-empty bucket, for a liveness check.</summary>
    public TableEntry? NextToCheck(Random random)
    {
        var nonEmpty = _buckets.Where(b => b.Entries.Count > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            return null;
        }

        var bucket = nonEmpty[random.Next(nonEmpty.Length)];
        return bucket.Entries.MinBy(e => e.LastChecked);
    }

    private void Promote(Bucket bucket)
    {
        for (var i = bucket.Replacements.Count - 1; i >= 0; i--)
        {
            var candidate = bucket.Replacements[i];
            var subnet = Subnet(candidate.Record.UdpEndPoint?.Address);
            if (Admits(bucket, subnet))
            {
                bucket.Replacements.RemoveAt(i);
                Take(bucket, subnet);
                bucket.Entries.Add(candidate);
                Count++;
                return;
            }
        }
    }

    private bool Admits(Bucket bucket, uint? subnet) =>
        subnet is not { } s
        || ((!bucket.Subnets.TryGetValue(s, out var inBucket) || inBucket < BucketIpLimit)
            && (!_tableSubnets.TryGetValue(s, out var inTable) || inTable < TableIpLimit));

    private void Take(Bucket bucket, uint? subnet)
    {
        if (subnet is { } s)
        {
            bucket.Subnets[s] = bucket.Subnets.GetValueOrDefault(s) + 1;
            _tableSubnets[s] = _tableSubnets.GetValueOrDefault(s) + 1;
        }
    }

    private void Release(Bucket bucket, uint? subnet)
    {
        if (subnet is { } s)
        {
            Decrement(bucket.Subnets, s);
            Decrement(_tableSubnets, s);
        }

        static void Decrement(Dictionary<uint, int> counts, uint key)
        {
            if (counts.TryGetValue(key, out var n))
            {
                if (n <= 1)
                {
                    counts.Remove(key);
                }
                else
                {
                    counts[key] = n - 1;
                }
            }
        }
    }

    /// <summary>The /24 an address counts against, or null for loopback and LAN addresses (exempt as in geth).</summary>
    internal static uint? Subnet(IPAddress? address)
    {
        if (address is null || IsLan(address))
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        // IPv6 addresses are grouped by their first 24 bits as well, as geth's DistinctNetSet does with one prefix length.
        return (uint)((address.AddressFamily == AddressFamily.InterNetworkV6 ? 1 << 24 : 0) | (bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);
    }

    /// <summary>geth's netutil.IsLAN: loopback, RFC 1918 private, link-local, and IPv6 unique-local or link-local.</summary>
    internal static bool IsLan(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return b[0] == 10 || b[0] == 0 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
        }

        return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
    }

    private sealed class Bucket
    {
        public List<TableEntry> Entries { get; } = new(BucketSize);

        public List<TableEntry> Replacements { get; } = [];

        public Dictionary<uint, int> Subnets { get; } = [];

        public TableEntry? Find(Bytes32 id)
        {
            foreach (var e in Entries)
            {
                if (e.Record.NodeId == id)
                {
                    return e;
                }
            }

            return null;
        }
    }
}
