using Microsoft.Extensions.Time.Testing;
using TcrToolkit.Discovery.Tests.Support;

namespace TcrToolkit.Discovery.Tests;

/// <summary>The node's defences: no amplification before a handshake, per-IP and per-node budgets.</summary>
public sealed class DefenceTests
{
    public static TheoryData<string> Requests => ["ping", "findnode", "talkreq"];

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task RequestWithoutSession_GetsOnlyAWhoAreYouNoLargerThanTheRequest(string kind)
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
        DiscoveryMessage request = kind switch
        {
            "ping" => new PingMessage([], 1),
            "findnode" => new FindNodeMessage([], [0, 256, 255, 254]),
            _ => new TalkRequestMessage([], "x"u8.ToArray(), []),
        };

        peer.Write(0, request);
        var answer = peer.ReadRaw(0);
        var second = peer.ReadRaw(0, 300);

        answer.Should().NotBeNull();
        answer!.Length.Should().BeLessThanOrEqualTo(peer.LastWritten!.Length);
        using var masking = V4Crypto.CreateAes(peer.Id.AsSpan());
        PacketCodec.TryDecode(answer, masking, PacketCodec.DefaultProtocolId, out var packet, out _).Should().BeTrue();
        packet!.Flag.Should().Be(PacketFlag.WhoAreYou);
        second.Should().BeNull();
        node.Counters.RequestsServed.Should().Be(0);
    }

    [Fact]
    public async Task PacketsFromOneIp_BeyondTheBudget_AreDroppedUntilItRefills()
    {
        var time = new FakeTimeProvider();
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync(o => { o.TimeProvider = time; o.PacketsPerSecondPerIp = 5; });
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");

        for (var i = 0; i < 12; i++)
        {
            peer.Write(0, new PingMessage(peer.NextRequestId(), 1));
        }

        (await Eventually.TrueAsync(() => node.Counters.PacketsReceived == 12)).Should().BeTrue();
        var answers = DrainAnswers(peer);
        time.Advance(TimeSpan.FromSeconds(1));
        peer.Write(0, new PingMessage(peer.NextRequestId(), 1));
        var afterRefill = peer.ReadRaw(0);

        answers.Should().Be(5);
        node.Counters.RateLimited.Should().Be(7);
        afterRefill.Should().NotBeNull();
    }

    [Fact]
    public async Task RequestsFromOneNode_BeyondTheBudget_GetNoAnswerUntilItRefills()
    {
        var time = new FakeTimeProvider();
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync(o => { o.TimeProvider = time; o.RequestsPerSecondPerNode = 3; });
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
        peer.RequestResponse(0, new PingMessage(peer.NextRequestId(), 1)).Should().BeOfType<PongMessage>();

        for (var i = 0; i < 5; i++)
        {
            peer.Write(0, new FindNodeMessage(peer.NextRequestId(), [0]));
        }

        (await Eventually.TrueAsync(() => node.Counters.RequestsServed + node.Counters.RateLimited == 6)).Should().BeTrue();
        var answers = DrainAnswers(peer);
        time.Advance(TimeSpan.FromSeconds(1));
        var afterRefill = peer.RequestResponse(0, new PingMessage(peer.NextRequestId(), 1));

        answers.Should().Be(2);
        node.Counters.RateLimited.Should().Be(3);
        afterRefill.Should().BeOfType<PongMessage>();
    }

    [Fact]
    public async Task NodesAnswer_LeavesOutARecordWhoseEndpointTheNodeHasNotSeen()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var honest = new RawPeer(node.LocalEnr, "127.0.0.1");
        using var misdirecting = new RawPeer(node.LocalEnr, "127.0.0.1");
        using var elsewhere = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        misdirecting.Record = new EnrBuilder().SetIp(System.Net.IPAddress.Loopback)
            .SetUdp(((System.Net.IPEndPoint)elsewhere.Client.LocalEndPoint!).Port).Build(misdirecting.Key);
        honest.RequestResponse(0, new PingMessage(honest.NextRequestId(), 1)).Should().BeOfType<PongMessage>();
        misdirecting.RequestResponse(0, new PingMessage(misdirecting.NextRequestId(), 1)).Should().BeOfType<PongMessage>();
        using var asker = new RawPeer(node.LocalEnr, "127.0.0.1");
        var distances = new[] { NodeDistance.Log(honest.Id, node.NodeId), NodeDistance.Log(misdirecting.Id, node.NodeId) }.Distinct().ToArray();

        var first = asker.RequestResponse(0, new FindNodeMessage(asker.NextRequestId(), distances)).Should().BeOfType<NodesMessage>().Subject;
        var records = first.Records.Select(r => Enr.Decode(r)).ToList();
        for (var i = 1; i < first.Total; i++)
        {
            records.AddRange(asker.Read(0).Should().BeOfType<NodesMessage>().Subject.Records.Select(r => Enr.Decode(r)));
        }

        records.Select(r => r.NodeId).Should().Contain(honest.Id).And.NotContain(misdirecting.Id);
        (await node.GetTableAsync()).Select(r => r.NodeId).Should().NotContain(misdirecting.Id);
    }

    [Fact]
    public async Task FindNode_SixteenLargeRecords_AreSplitIntoNodesPacketsOfAtMost1280Bytes()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        var bystanders = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var bystander = new RawPeer(node.LocalEnr, "127.0.0.1");
                var endpoint = (System.Net.IPEndPoint)bystander.Sockets[0].LocalEndPoint!;
                bystander.Record = new EnrBuilder().SetIp(endpoint.Address).SetUdp(endpoint.Port).Set("pad", new byte[155]).Build(bystander.Key);
                bystanders.Add(bystander);
                bystander.RequestResponse(0, new PingMessage(bystander.NextRequestId(), 1)).Should().BeOfType<PongMessage>();
            }

            using var asker = new RawPeer(node.LocalEnr, "127.0.0.1");
            var distances = bystanders.Select(b => NodeDistance.Log(b.Id, node.NodeId)).Distinct().ToArray();
            var request = new FindNodeMessage(asker.NextRequestId(), distances);
            asker.Write(0, request);
            var challenge = asker.Read(0).Should().BeOfType<DecodedPacket>().Subject;
            asker.Write(0, request, challenge);
            var datagrams = new List<byte[]> { asker.ReadRaw(0)! };
            var first = asker.Decode(datagrams[0]).Should().BeOfType<NodesMessage>().Subject;
            for (var i = 1; i < first.Total; i++)
            {
                datagrams.Add(asker.ReadRaw(0)!);
            }

            var messages = datagrams.Select(d => asker.Decode(d).Should().BeOfType<NodesMessage>().Subject).ToList();
            first.Total.Should().BeGreaterThan(1);
            datagrams.Should().AllSatisfy(d => d.Length.Should().BeLessThanOrEqualTo(PacketCodec.MaxPacketSize));
            messages.Should().AllSatisfy(m => m.Total.Should().Be(first.Total));
            messages.SelectMany(m => m.Records).Select(r => Enr.Decode(r).NodeId).Where(id => id != asker.Id)
                .Should().OnlyHaveUniqueItems().And.BeSubsetOf(bystanders.Select(b => b.Id)).And.HaveCountGreaterThanOrEqualTo(15);
        }
        finally
        {
            bystanders.ForEach(b => b.Dispose());
        }
    }

    private static int DrainAnswers(RawPeer peer)
    {
        var count = 0;
        while (peer.ReadRaw(0, 300) is not null)
        {
            count++;
        }

        return count;
    }
}
