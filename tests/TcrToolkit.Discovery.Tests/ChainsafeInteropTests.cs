using System.Security.Cryptography;
using System.Text;
using TcrToolkit.Discovery.Tests.Support;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests;

/// <summary>Interop with @chainsafe/discv5 11.0.0 (a real peer nobody here wrote) on loopback, in both directions.</summary>
[Trait("Category", "Integration")]
public sealed class ChainsafeInteropTests
{
    [Fact]
    public async Task OurNode_PingsFindnodesAndTalksToChainsafe()
    {
        await using var peer = await ChainsafePeer.StartAsync();
        var (_, theirs) = (await peer.StartNodesAsync(1))[0];
        await using var nodes = new TestNodes();
        var ours = await nodes.StartAsync();

        var pong = await ours.PingAsync(theirs);
        var own = await ours.FindNodeAsync(theirs, [0]);
        var talk = await ours.TalkAsync(theirs, "tcr-test", "hello"u8.ToArray());

        pong.EnrSeq.Should().Be(theirs.Sequence);
        pong.ObservedEndPoint.Should().Be(ours.LocalEndPoint);
        own.Should().ContainSingle().Which.NodeId.Should().Be(theirs.NodeId);
        Encoding.UTF8.GetString(talk).Should().Be("chainsafe:hello");
    }

    [Fact]
    public async Task Chainsafe_PingsFindnodesAndTalksToOurNode()
    {
        await using var peer = await ChainsafePeer.StartAsync();
        await peer.StartNodesAsync(1);
        await using var nodes = new TestNodes();
        var ours = await nodes.StartAsync();
        ours.RegisterTalkHandler("tcr-test", (r, _) => ValueTask.FromResult(Encoding.UTF8.GetBytes("ours:" + Encoding.UTF8.GetString(r.Request))));
        var enr = ours.LocalEnr.ToString();

        var pong = await peer.SendAsync("ping", new { node = 0, enr });
        var own = ChainsafePeer.Records(await peer.SendAsync("findNode", new { node = 0, enr, distances = new[] { 0 } }));
        var talk = await peer.SendAsync("talk", new { node = 0, enr, protocol = "tcr-test", payload = Convert.ToHexString("hi"u8) });
        var unknown = await peer.SendAsync("talk", new { node = 0, enr, protocol = "other", payload = "01" });

        pong["enrSeq"]!.GetValue<string>().Should().Be("1");
        own.Should().ContainSingle().Which.NodeId.Should().Be(ours.NodeId);
        Encoding.UTF8.GetString(Convert.FromHexString(talk["payload"]!.GetValue<string>())).Should().Be("ours:hi");
        unknown["payload"]!.GetValue<string>().Should().BeEmpty();
        ours.Counters.HandshakesCompleted.Should().Be(1);
    }

    [Fact]
    public async Task ChainsafeLookup_OrdersPeersByArrivalNotByDistance()
    {
        await using var peer = await ChainsafePeer.StartAsync();
        var target = new Bytes32(RandomNumberGenerator.GetBytes(32));
        var byDistance = Enumerable.Range(0, 8).Select(_ => new Bytes32(RandomNumberGenerator.GetBytes(32)))
            .Order(Comparer<Bytes32>.Create((a, b) => NodeDistance.Compare(target, a, b))).ToList();

        var response = await peer.SendAsync("lookupOrder", new { target = target.ToString(), seeds = byDistance.Select(s => s.ToString()) });

        var order = response["order"]!.AsArray().Select(n => Bytes32.Parse("0x" + n!.GetValue<string>())).ToList();
        order.Should().Equal(Enumerable.Reverse(byDistance), "chainsafe 11.0.0 walks and returns the newest inserted peers first");
    }

    [Fact]
    public async Task MixedNetwork_LookupsFindTheOtherSideAndRecordUpdatesPropagate()
    {
        const int PerSide = 20;
        await using var peer = await ChainsafePeer.StartAsync();
        var theirs = await peer.StartNodesAsync(PerSide);
        await using var nodes = new TestNodes();
        var boot = await nodes.StartAsync();
        var ours = new List<Discv5Node> { boot };
        for (var i = 1; i < PerSide; i++)
        {
            ours.Add(await nodes.StartAsync(o => o.Bootnodes.Add(boot.LocalEnr)));
        }

        // Bootstrap across the two sides: each chainsafe node knows our boot node and one of ours; each of ours pings two
        // chainsafe nodes (a node enters a table once it has answered).
        for (var i = 0; i < PerSide; i++)
        {
            await peer.SendAsync("addEnr", new { node = theirs[i].Index, enr = boot.LocalEnr.ToString() });
            await peer.SendAsync("addEnr", new { node = theirs[i].Index, enr = ours[i].LocalEnr.ToString() });
        }

        await Task.WhenAll(ours.Select((n, i) => Task.WhenAll(n.AddNodeAsync(theirs[i].Record), n.AddNodeAsync(theirs[(i + 7) % PerSide].Record))));

        // Let both sides fill their tables: our nodes look themselves up, chainsafe's look themselves up.
        await Task.WhenAll(ours.Select(n => n.LookupAsync(n.NodeId)));
        await Task.WhenAll(theirs.Select(t => peer.SendAsync("lookup", new { node = t.Index, target = t.Record.NodeId.ToString() }, 60)));
        await Task.WhenAll(theirs.Select(t => peer.SendAsync("lookup", new { node = t.Index, target = t.Record.NodeId.ToString() }, 60)));
        await Task.WhenAll(ours.Select(n => n.LookupAsync(n.NodeId)));

        // (a) our lookups find chainsafe nodes exactly: the target is the closest answered record
        foreach (var (from, target) in new[] { (11, 13), (3, 0), (16, 8) })
        {
            var chainsafeTarget = theirs[target].Record;
            var closest = await ours[from].LookupAsync(chainsafeTarget.NodeId);
            closest.Should().NotBeEmpty();
            closest[0].NodeId.Should().Be(chainsafeTarget.NodeId, "our lookup from ours[{0}] should converge on theirs[{1}]", from, target);
            var resolved = await ours[from].ResolveAsync(chainsafeTarget.NodeId);
            resolved.Should().NotBeNull();
            resolved!.NodeId.Should().Be(chainsafeTarget.NodeId);
        }

        // (b) chainsafe's lookups find our nodes exactly. Its returned list is the 16 peers that answered last, not the
        // 16 closest (see ChainsafeLookup_OrdersPeersByArrivalNotByDistance), so the target is checked among the verified
        // records its walk received; the list itself must still hold nodes of our side.
        foreach (var (from, target) in new[] { (4, 17), (9, 2), (15, 10) })
        {
            var sought = ours[target];
            var response = await peer.SendAsync("lookup", new { node = theirs[from].Index, target = sought.NodeId.ToString() }, 60);
            var met = response["met"]!.AsArray().Select(e => Enr.Parse(e!.GetValue<string>())).ToList();
            met.Should().Contain(r => r.NodeId == sought.NodeId && r.Sequence == sought.LocalEnr.Sequence,
                "chainsafe's lookup from theirs[{0}] should reach ours[{1}]", from, target);
            ChainsafePeer.Records(response).Select(r => r.NodeId).Intersect(ours.Select(n => n.NodeId)).Should().NotBeEmpty();
        }

        var table = ChainsafePeer.Records(await peer.SendAsync("table", new { node = theirs[4].Index }));
        table.Select(r => r.NodeId).Intersect(ours.Select(n => n.NodeId)).Should().NotBeEmpty();

        // (c) an update on our side reaches chainsafe: our node pings its table, chainsafe refetches with FINDNODE [0]
        var ourTarget = ours[17];
        var updated = await ourTarget.UpdateLocalEnrAsync(r => r.SetWaku2(Waku2Capabilities.Store));
        var chainsafeInTable = (await ourTarget.GetTableAsync()).Select(r => theirs.FindIndex(t => t.Record.NodeId == r.NodeId)).Where(i => i >= 0).ToList();
        chainsafeInTable.Should().NotBeEmpty();
        var seenByChainsafe = await Eventually.TrueAsync(async () =>
        {
            foreach (var i in chainsafeInTable)
            {
                var known = await peer.SendAsync("findEnr", new { node = theirs[i].Index, nodeId = ourTarget.NodeId.ToString() });
                if (known["enr"]?.GetValue<string>() is { } text && Enr.Parse(text) is { } record && record.Sequence == updated.Sequence)
                {
                    return record.Waku2 == Waku2Capabilities.Store;
                }
            }

            return false;
        });

        seenByChainsafe.Should().BeTrue("a chainsafe node with our node in its table should refetch the record after the PING with the new sequence");

        // (d) an update on chainsafe's side reaches ours
        var changed = await peer.SendAsync("setEnr", new { node = theirs[2].Index, key = "waku2", value = "03" });
        var newRecord = Enr.Parse(changed["enr"]!.GetValue<string>());
        newRecord.Sequence.Should().BeGreaterThan(theirs[2].Record.Sequence);
        var refreshed = await ours[6].ResolveAsync(newRecord.NodeId);
        refreshed!.Sequence.Should().Be(newRecord.Sequence);
        refreshed.Waku2.Should().Be(Waku2Capabilities.Relay | Waku2Capabilities.Store);
    }
}
