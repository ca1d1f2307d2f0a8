using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using TcrToolkit.Discovery.Tests.Support;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests;

public sealed class NodeTests
{
    [Fact]
    public async Task PingAsync_BetweenTwoNodes_HandshakesAndReportsObservedEndpoint()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();

        var pong = await a.PingAsync(b.LocalEnr);

        pong.EnrSeq.Should().Be(b.LocalEnr.Sequence);
        pong.ObservedEndPoint.Should().Be(a.LocalEndPoint);
        (await b.GetTableAsync()).Select(r => r.NodeId).Should().Contain(a.NodeId);
        (await a.GetTableAsync()).Select(r => r.NodeId).Should().Contain(b.NodeId);
    }

    [Fact]
    public async Task PingAsync_OverIpv6Loopback_HandshakesAndAdvertisesIp6AndUdp6()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync(ip: "::1");
        var b = await nodes.StartAsync(ip: "::1");

        var pong = await a.PingAsync(b.LocalEnr);

        b.LocalEnr.UdpEndPoint.Should().Be(b.LocalEndPoint);
        b.LocalEnr.Ip6.Should().Be(IPAddress.IPv6Loopback);
        b.LocalEnr.Udp6.Should().Be(b.LocalEndPoint.Port);
        pong.ObservedEndPoint.Should().Be(a.LocalEndPoint);
    }

    [Fact]
    public async Task PongsFromEnoughPeers_ReportingAnotherEndpoint_UpdateTheRecordWithAHigherSequence()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync(o => { o.AdvertisedAddress = IPAddress.Parse("127.0.0.5"); o.EndpointVotes = 2; });
        var b = await nodes.StartAsync();
        var c = await nodes.StartAsync();
        a.LocalEnr.Ip.Should().Be(IPAddress.Parse("127.0.0.5"));

        await a.PingAsync(b.LocalEnr);
        await a.PingAsync(c.LocalEnr);

        a.LocalEnr.UdpEndPoint.Should().Be(a.LocalEndPoint);
        a.LocalEnr.Sequence.Should().Be(2);
        a.Counters.EndpointUpdates.Should().Be(1);
    }

    [Fact]
    public async Task ConcurrentRequests_BeforeAnySession_ShareOneHandshake()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => a.PingAsync(b.LocalEnr)));

        results.Should().HaveCount(5);
        a.Counters.HandshakesInitiated.Should().Be(1);
    }

    [Fact]
    public async Task TalkAsync_RegisteredHandler_AnswersAndUnknownProtocolIsEmpty()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        b.RegisterTalkHandler("echo", (request, _) => ValueTask.FromResult(request.Request.Reverse().ToArray()));

        var echoed = await a.TalkAsync(b.LocalEnr, "echo", [1, 2, 3]);
        var unknown = await a.TalkAsync(b.LocalEnr, "nope", [1]);

        echoed.Should().Equal(3, 2, 1);
        unknown.Should().BeEmpty();
    }

    [Fact]
    public async Task FindNodeAsync_DistanceZero_ReturnsTheRecord()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync(o => o.ConfigureRecord = r => r.SetWaku2(Waku2Capabilities.Store));

        var records = await a.FindNodeAsync(b.LocalEnr, [0]);

        records.Should().ContainSingle().Which.Waku2.Should().Be(Waku2Capabilities.Store);
    }

    [Fact]
    public async Task PingAsync_SilentPeer_TimesOutAfterTheRequestTimeout()
    {
        var time = new FakeTimeProvider();
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync(o => { o.TimeProvider = time; o.RequestTimeout = TimeSpan.FromSeconds(1); });
        using var silentKey = PrivateKey.Generate();
        using var socket = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var silent = new EnrBuilder().SetIp(IPAddress.Loopback).SetUdp(((IPEndPoint)socket.Client.LocalEndPoint!).Port).Build(silentKey);

        var ping = a.PingAsync(silent);
        await socket.ReceiveAsync().WaitAsync(Eventually.DefaultDeadline); // the request (and its timer) has started
        time.Advance(TimeSpan.FromMilliseconds(999));
        var earlyOutcome = await Task.WhenAny(ping, Task.Delay(200));
        time.Advance(TimeSpan.FromMilliseconds(1));

        earlyOutcome.Should().NotBe(ping, "the request must not fail before its timeout");
        Func<Task> act = () => ping;
        await act.Should().ThrowAsync<DiscoveryTimeoutException>();
    }

    [Fact]
    public async Task Network_LookupsResolveAndRandomWalk_FindEveryNode()
    {
        await using var nodes = new TestNodes();
        var boot = await nodes.StartAsync();
        var members = new List<Discv5Node>();
        for (var i = 0; i < 12; i++)
        {
            members.Add(await nodes.StartAsync(o => o.Bootnodes.Add(boot.LocalEnr)));
        }

        foreach (var m in members)
        {
            await m.LookupAsync(m.NodeId);
        }

        var target = members[7];
        var resolved = await members[0].ResolveAsync(target.NodeId);
        resolved.Should().NotBeNull();
        resolved!.NodeId.Should().Be(target.NodeId);

        var closest = await members[3].LookupAsync(target.NodeId);
        closest[0].NodeId.Should().Be(target.NodeId);

        using var walkTime = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var met = new HashSet<Bytes32>();
        await foreach (var record in members[5].RandomWalkAsync(walkTime.Token))
        {
            met.Add(record.NodeId);
            if (met.Count == 12)
            {
                break;
            }
        }

        met.Should().HaveCount(12);
    }

    [Fact]
    public async Task UpdateLocalEnrAsync_IncrementsSequenceAndPeersRefetchIt()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        await b.PingAsync(a.LocalEnr);

        var updated = await a.UpdateLocalEnrAsync(r => r.SetWaku2(Waku2Capabilities.Relay | Waku2Capabilities.Store));

        updated.Sequence.Should().Be(2);
        var seen = await Eventually.TrueAsync(async () => (await b.GetTableAsync()).FirstOrDefault(r => r.NodeId == a.NodeId)?.Sequence == 2);
        seen.Should().BeTrue();
        (await b.ResolveAsync(a.NodeId))!.Waku2.Should().Be(Waku2Capabilities.Relay | Waku2Capabilities.Store);
    }

    [Fact]
    public async Task LivenessChecks_DropANodeThatStoppedAnsweringAndKeepALiveOne()
    {
        var time = new FakeTimeProvider();
        await using var nodes = new TestNodes();
        // Fake time: one liveness check per fake second, and a request times out after 30 fake seconds, which the loop
        // below spreads over at least 3 s of real time, so a live peer on a loaded machine still answers in time.
        var a = await nodes.StartAsync(o => { o.TimeProvider = time; o.LivenessCheckInterval = TimeSpan.FromSeconds(1); o.RequestTimeout = TimeSpan.FromSeconds(30); });
        using var stoppedKey = PrivateKey.Generate();
        await using var stopped = await Discv5Node.StartAsync(new Discv5Options { PrivateKey = stoppedKey, LivenessCheckInterval = Timeout.InfiniteTimeSpan, RefreshInterval = Timeout.InfiniteTimeSpan });
        var live = await nodes.StartAsync();
        await stopped.PingAsync(a.LocalEnr);
        await live.PingAsync(a.LocalEnr);
        (await a.GetTableAsync()).Select(r => r.NodeId).Should().Contain([stopped.NodeId, live.NodeId]);

        await stopped.DisposeAsync();
        var dropped = false;
        for (var step = 0; step < 600 && !dropped; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
            dropped = !(await a.GetTableAsync()).Any(r => r.NodeId == stopped.NodeId);
        }

        dropped.Should().BeTrue("the stopped node should fail its liveness ping and leave the table");
        (await a.GetTableAsync()).Select(r => r.NodeId).Should().Contain(live.NodeId);
    }

    [Fact]
    public async Task ProtocolId_D5waku_DoesNotTalkToDiscv5()
    {
        await using var nodes = new TestNodes();
        // Fake time: the d5waku handshake cannot time out on a loaded machine, and the failed ping times out on cue.
        var time = new FakeTimeProvider();
        var waku = await nodes.StartAsync(o => { o.ProtocolId = "d5waku"; o.TimeProvider = time; o.RequestTimeout = TimeSpan.FromSeconds(1); });
        var waku2 = await nodes.StartAsync(o => o.ProtocolId = "d5waku");
        var plain = await nodes.StartAsync();

        (await waku.PingAsync(waku2.LocalEnr)).EnrSeq.Should().Be(1);
        var toPlain = waku.PingAsync(plain.LocalEnr);
        (await Eventually.TrueAsync(() => plain.Counters.Malformed > 0)).Should().BeTrue("the plain node should drop the d5waku packet as malformed");
        time.Advance(TimeSpan.FromSeconds(1));

        Func<Task> act = () => toPlain;
        await act.Should().ThrowAsync<DiscoveryTimeoutException>();
        plain.Counters.WhoAreYouSent.Should().Be(0);
    }

    [Fact]
    public async Task GarbageAndReplays_GetNoAnswerAndChangeNothing()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
        peer.RequestResponse(0, new PingMessage(peer.NextRequestId(), 1)).Should().BeOfType<PongMessage>();
        var handshake = peer.LastWritten!;
        var tableBefore = (await node.GetTableAsync()).Count;
        var handshakesBefore = node.Counters.HandshakesCompleted;

        for (var i = 0; i < 50; i++)
        {
            peer.WriteRaw(0, RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(0, PacketCodec.MaxPacketSize + 1)));
        }

        peer.WriteRaw(0, new byte[63]);
        peer.WriteRaw(0, RandomNumberGenerator.GetBytes(1400)); // oversized: dropped by the socket layer or counted malformed
        peer.WriteRaw(0, handshake);

        // Wait until the loop has handled every datagram; any answer would have been sent by then.
        (await Eventually.TrueAsync(() => node.Counters.Malformed >= 51 && node.Counters.UnsolicitedHandshake >= 1)).Should().BeTrue();
        peer.Read(0, 300).Should().BeNull();
        (await node.GetTableAsync()).Should().HaveCount(tableBefore);
        node.Counters.Malformed.Should().BeInRange(51, 52);
        node.Counters.UnsolicitedHandshake.Should().Be(1);
        node.Counters.HandshakesCompleted.Should().Be(handshakesBefore);
        node.Counters.LoopFaults.Should().Be(0);
        peer.RequestResponse(0, new PingMessage(peer.NextRequestId(), 1)).Should().BeOfType<PongMessage>();
    }

    [Fact]
    public async Task UnsolicitedHandshakeAndWhoAreYou_AreIgnored()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
        var fakeChallenge = new DecodedPacket
        {
            Flag = PacketFlag.WhoAreYou, Nonce = new byte[12], AuthenticatedData = RandomNumberGenerator.GetBytes(63),
            AuthData = new byte[24], MessageCiphertext = [],
        };

        peer.Write(0, new PingMessage(peer.NextRequestId(), 1), fakeChallenge);
        var whoareyou = PacketCodec.Encode(PacketFlag.WhoAreYou, node.NodeId.AsSpan(), new byte[16], new byte[12],
            PacketCodec.WhoAreYouAuthData(new byte[16], 0), [], [], PacketCodec.DefaultProtocolId, out _);
        peer.WriteRaw(0, whoareyou);

        (await Eventually.TrueAsync(() => node.Counters.UnsolicitedHandshake + node.Counters.UnsolicitedWhoAreYou >= 2)).Should().BeTrue();
        peer.Read(0, 300).Should().BeNull();
        node.Counters.UnsolicitedHandshake.Should().Be(1);
        node.Counters.UnsolicitedWhoAreYou.Should().Be(1);
        node.Counters.HandshakesCompleted.Should().Be(0);
    }
}
