using System.Net;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests;

/// <summary>The Kademlia table on its own: geth's IP-diversity limits, the LAN exemption and the replacement cache.</summary>
public sealed class RoutingTableTests
{
    private static readonly PrivateKey LocalKey = PrivateKey.Generate();
    private static readonly Dictionary<int, List<PrivateKey>> KeysByDistance = GenerateKeys();

    [Fact]
    public void TryAdd_ThirdNodeOfOnePublicSubnetInABucket_IsRejected()
    {
        var table = new RoutingTable(LocalKey.PublicKey.NodeId);
        var keys = KeysByDistance[256];

        var results = Enumerable.Range(0, 3).Select(i => table.TryAdd(Record(keys[i], $"203.0.113.{i + 1}"), 0)).ToList();

        results.Should().Equal(TableAddResult.Added, TableAddResult.Added, TableAddResult.RejectedIpLimit);
        table.TryAdd(Record(keys[3], "198.51.100.1"), 0).Should().Be(TableAddResult.Added);
    }

    [Fact]
    public void TryAdd_EleventhNodeOfOnePublicSubnetInTheTable_IsRejected()
    {
        var table = new RoutingTable(LocalKey.PublicKey.NodeId);
        var keys = Enumerable.Range(251, 6).SelectMany(d => KeysByDistance[d].Take(2)).ToList();

        var results = keys.Select((k, i) => table.TryAdd(Record(k, $"203.0.113.{i + 1}"), 0)).ToList();

        results.Take(10).Should().AllBeEquivalentTo(TableAddResult.Added);
        results.Skip(10).Should().AllBeEquivalentTo(TableAddResult.RejectedIpLimit);
        table.Count.Should().Be(10);
    }

    [Fact]
    public void TryAdd_LoopbackAndLanAddresses_AreExemptFromTheSubnetLimits()
    {
        var table = new RoutingTable(LocalKey.PublicKey.NodeId);
        var keys = KeysByDistance[256];

        var loopback = Enumerable.Range(0, 4).Select(i => table.TryAdd(Record(keys[i], "127.0.0.1"), 0)).ToList();
        var lan = Enumerable.Range(4, 4).Select(i => table.TryAdd(Record(keys[i], "192.168.1.7"), 0)).ToList();

        loopback.Concat(lan).Should().AllBeEquivalentTo(TableAddResult.Added);
        RoutingTable.Subnet(IPAddress.Parse("10.1.2.3")).Should().BeNull();
        RoutingTable.Subnet(IPAddress.Parse("fd00::1")).Should().BeNull();
        RoutingTable.Subnet(IPAddress.Parse("8.8.8.8")).Should().NotBeNull();
    }

    [Fact]
    public void FullBucket_KeepsNewcomersAsReplacementsAndPromotesOneWhenAnEntryIsRemoved()
    {
        var table = new RoutingTable(LocalKey.PublicKey.NodeId);
        var keys = KeysByDistance[256];
        for (var i = 0; i < RoutingTable.BucketSize; i++)
        {
            table.TryAdd(Record(keys[i], "127.0.0.1"), 0).Should().Be(TableAddResult.Added);
        }

        var newcomer = Record(keys[RoutingTable.BucketSize], "127.0.0.1");

        table.TryAdd(newcomer, 0).Should().Be(TableAddResult.AddedToReplacements);
        table.Find(newcomer.NodeId).Should().BeNull();
        table.AtDistance(256, 100).Should().HaveCount(RoutingTable.BucketSize);
        table.Remove(keys[0].PublicKey.NodeId).Should().BeTrue();
        table.Find(newcomer.NodeId).Should().NotBeNull();
        table.Count.Should().Be(RoutingTable.BucketSize);
    }

    [Fact]
    public void TryAdd_NewerSequence_ReplacesTheRecordAndOlderIsIgnored()
    {
        var table = new RoutingTable(LocalKey.PublicKey.NodeId);
        var key = KeysByDistance[255][0];
        var v1 = Record(key, "127.0.0.1");
        var v2 = new EnrBuilder { Sequence = 2 }.SetIp(IPAddress.Loopback).SetUdp(30304).Build(key);

        table.TryAdd(v1, 0).Should().Be(TableAddResult.Added);
        table.TryAdd(v2, 0).Should().Be(TableAddResult.Updated);
        table.TryAdd(v1, 0).Should().Be(TableAddResult.AlreadyPresent);
        table.Find(key.PublicKey.NodeId)!.Record.Sequence.Should().Be(2);
    }

    private static Enr Record(PrivateKey key, string ip) => new EnrBuilder().SetIp(IPAddress.Parse(ip)).SetUdp(30303).Build(key);

    private static Dictionary<int, List<PrivateKey>> GenerateKeys()
    {
        var local = LocalKey.PublicKey.NodeId;
        var byDistance = Enumerable.Range(251, 6).ToDictionary(d => d, _ => new List<PrivateKey>());
        while (byDistance[256].Count < RoutingTable.BucketSize + 1 || byDistance.Values.Any(l => l.Count < 2))
        {
            var key = PrivateKey.Generate();
            var d = NodeDistance.Log(local, key.PublicKey.NodeId);
            if (byDistance.TryGetValue(d, out var list) && list.Count < RoutingTable.BucketSize + 1)
            {
                list.Add(key);
            }
            else
            {
                key.Dispose();
            }
        }

        return byDistance;
    }
}
