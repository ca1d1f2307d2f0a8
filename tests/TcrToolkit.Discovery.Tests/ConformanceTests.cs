using System.Net;
using TcrToolkit.Discovery.Tests.Support;

namespace TcrToolkit.Discovery.Tests;

/// <summary>The behaviours of go-ethereum's discv5 conformance suite (cmd/devp2p/internal/v5test), run against our node.</summary>
public sealed class ConformanceTests
{
    [Fact]
    public async Task Ping_AnswersPongWithRequestIdSequenceAndObservedEndpoint()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
        var ping = new PingMessage(peer.NextRequestId(), 1);

        var answer = peer.RequestResponse(0, ping);

        var pong = answer.Should().BeOfType<PongMessage>().Subject;
        pong.RequestId.Should().Equal(ping.RequestId);
        pong.EnrSeq.Should().Be(node.LocalEnr.Sequence);
        new IPEndPoint(pong.RecipientIp, pong.RecipientPort).Should().Be(peer.Sockets[0].LocalEndPoint);
    }

    [Fact]
    public async Task PingLargeRequestId_NineBytes_GetsNoAnswer()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");

        var answer = peer.RequestResponse(0, new PingMessage(new byte[9], 1));

        answer.Should().BeNull();
    }

    [Fact]
    public async Task PingMultiIp_SessionFromOneIpIsNotAcceptedFromAnother()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1", "127.0.0.2");

        peer.RequestResponse(0, new PingMessage(peer.NextRequestId(), 1)).Should().BeOfType<PongMessage>();

        var ping2 = new PingMessage(peer.NextRequestId(), 1);
        peer.Write(1, ping2);
        var challenge = peer.Read(1).Should().BeOfType<DecodedPacket>().Which;
        challenge.Flag.Should().Be(PacketFlag.WhoAreYou);
        peer.Write(1, ping2, challenge);
        var pong2 = peer.Read(1).Should().BeOfType<PongMessage>().Subject;
        pong2.RequestId.Should().Equal(ping2.RequestId);
        pong2.RecipientIp.Should().Be(IPAddress.Parse("127.0.0.2"));

        peer.Write(0, new PingMessage(peer.NextRequestId(), 1));
        peer.Read(0).Should().BeOfType<DecodedPacket>().Which.Flag.Should().Be(PacketFlag.WhoAreYou);
    }

    [Fact]
    public async Task HandshakeResend_SecondPacketBeforeHandshake_GetsTheSameChallengeAndThenPong()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");

        peer.Write(0, new PingMessage(peer.NextRequestId(), 1));
        var challenge1 = peer.Read(0).Should().BeOfType<DecodedPacket>().Subject;
        var ping2 = new PingMessage(peer.NextRequestId(), 1);
        peer.Write(0, ping2);
        var challenge2 = peer.Read(0).Should().BeOfType<DecodedPacket>().Subject;
        challenge2.AuthenticatedData.Should().Equal(challenge1.AuthenticatedData);

        peer.Write(0, ping2, challenge2);

        peer.Read(0).Should().BeOfType<PongMessage>().Which.RequestId.Should().Equal(ping2.RequestId);
    }

    [Fact]
    public async Task TalkRequest_UnknownProtocol_GetsEmptyTalkResponseForAnyRequestId()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
        var id = peer.NextRequestId();

        var first = peer.RequestResponse(0, new TalkRequestMessage(id, "test-protocol"u8.ToArray(), [1, 2]));
        var second = peer.RequestResponse(0, new TalkRequestMessage([], "test-protocol"u8.ToArray(), []));

        var r1 = first.Should().BeOfType<TalkResponseMessage>().Subject;
        r1.RequestId.Should().Equal(id);
        r1.Response.Should().BeEmpty();
        var r2 = second.Should().BeOfType<TalkResponseMessage>().Subject;
        r2.RequestId.Should().BeEmpty();
        r2.Response.Should().BeEmpty();
    }

    [Fact]
    public async Task FindnodeZeroDistance_ReturnsTheNodesOwnRecord()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");

        var answer = peer.RequestResponse(0, new FindNodeMessage(peer.NextRequestId(), [0]));

        var nodesMessage = answer.Should().BeOfType<NodesMessage>().Subject;
        nodesMessage.Records.Should().ContainSingle();
        Enr.Decode(nodesMessage.Records[0]).NodeId.Should().Be(node.NodeId);
    }

    [Fact]
    public async Task FindnodeResults_BystandersThatContactedTheNodeAreReturnedByDistance()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        var bystanders = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var bystander = new RawPeer(node.LocalEnr, "127.0.0.1");
                bystanders.Add(bystander);
                bystander.RequestResponse(0, new PingMessage(bystander.NextRequestId(), bystander.Record.Sequence)).Should().BeOfType<PongMessage>();
            }

            using var peer = new RawPeer(node.LocalEnr, "127.0.0.1");
            var distances = bystanders.Select(b => NodeDistance.Log(b.Id, node.NodeId)).Distinct().ToArray();
            var found = new List<Enr>();
            var request = new FindNodeMessage(peer.NextRequestId(), distances);
            var first = peer.RequestResponse(0, request).Should().BeOfType<NodesMessage>().Subject;
            found.AddRange(first.Records.Select(r => Enr.Decode(r)));
            for (var i = 1; i < first.Total; i++)
            {
                found.AddRange(peer.Read(0).Should().BeOfType<NodesMessage>().Subject.Records.Select(r => Enr.Decode(r)));
            }

            // The querying peer also completed a handshake from its record's endpoint, so it may be listed too.
            found.Select(r => r.NodeId).Where(id => id != peer.Id).Should().BeEquivalentTo(bystanders.Select(b => b.Id));
        }
        finally
        {
            bystanders.ForEach(b => b.Dispose());
        }
    }
}
