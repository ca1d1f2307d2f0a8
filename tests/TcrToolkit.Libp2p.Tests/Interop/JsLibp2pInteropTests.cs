using System.Security.Cryptography;
using System.Text.Json.Nodes;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Libp2p.Tests.Interop;

[Trait("Category", "Integration")]
public sealed class JsLibp2pInteropTests
{
    private const string Echo = "/test/echo/1.0.0";
    private const int Streams = 64;
    private const int StreamSize = 16 * 1024;
    private const int BigSize = 4 * 1024 * 1024;

    public static TheoryData<string, StreamMuxer> Combinations => new()
    {
        { "tcp", StreamMuxer.Yamux },
        { "tcp", StreamMuxer.Mplex },
        { "ws", StreamMuxer.Yamux },
        { "ws", StreamMuxer.Mplex },
    };

    private static string JsName(StreamMuxer muxer) => muxer == StreamMuxer.Yamux ? "yamux" : "mplex";

    private static Libp2pHost NewHost(StreamMuxer muxer)
    {
        var host = new Libp2pHost(PrivateKey.Generate(), new Libp2pHostOptions { Muxers = [muxer] });
        host.Handle(Echo, async (incoming, ct) =>
        {
            await incoming.Stream.CopyToAsync(incoming.Stream, ct);
            await incoming.Stream.CloseWriteAsync(ct);
        }, new ProtocolHandlerOptions { MaxInboundStreamsPerConnection = 256 });
        return host;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task CSharpDialsJs_IdentifyPingAndConcurrentEcho_Succeed(string transport, StreamMuxer muxer)
    {
        await using var js = await JsLibp2pPeer.StartAsync(transport, JsName(muxer));
        await using var host = NewHost(muxer);

        var connection = await host.DialAsync(Multiaddr.Parse(js.Address));
        connection.RemotePeer.Should().Be(PeerId.Parse(js.PeerId));
        connection.Muxer.Should().Be(muxer == StreamMuxer.Yamux ? "/yamux/1.0.0" : "/mplex/6.7.0");

        var info = await connection.IdentifyAsync();
        info.AgentVersion.Should().Be("js-libp2p-interop-peer");
        info.Protocols.Should().Contain([Echo, "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"]);
        info.PublicKeyPeerId.Should().Be(PeerId.Parse(js.PeerId));
        info.ListenAddresses.Should().Contain(a => a.ToString().StartsWith("/ip4/127.0.0.1/tcp/", StringComparison.Ordinal));

        (await connection.PingAsync()).Should().BePositive();

        var results = await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => EchoAsync(connection, i == 0 ? BigSize : StreamSize)));
        results.Should().AllSatisfy(ok => ok.Should().BeTrue());
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task JsDialsCSharp_IdentifyPingAndConcurrentEcho_Succeed(string transport, StreamMuxer muxer)
    {
        await using var host = NewHost(muxer);
        var address = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0" + (transport == "ws" ? "/ws" : string.Empty)));
        await using var js = await JsLibp2pPeer.StartAsync(transport, JsName(muxer));

        var dial = await js.AskAsync(new JsonObject { ["cmd"] = "dial", ["addr"] = address.ToString() });
        dial["peerId"]!.GetValue<string>().Should().Be(host.PeerId.ToString());
        dial["agentVersion"]!.GetValue<string>().Should().Be(host.Options.AgentVersion);
        dial["protocols"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Contain([Echo, "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"]);

        var ping = await js.AskAsync(new JsonObject { ["cmd"] = "ping", ["addr"] = address.ToString() });
        ping["rtt"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0);

        await js.AskAsync(new JsonObject
        {
            ["cmd"] = "echo",
            ["addr"] = address.ToString(),
            ["streams"] = Streams,
            ["size"] = StreamSize,
            ["bigSize"] = BigSize,
        }, TimeSpan.FromMinutes(2));

        host.Connections.Should().ContainSingle(c => c.RemotePeer == PeerId.Parse(js.PeerId) && !c.IsOutbound);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ws")]
    public async Task CSharpDialsJs_ExpectingAnotherIdentity_IsRefused(string transport)
    {
        await using var js = await JsLibp2pPeer.StartAsync(transport, "mplex");
        await using var host = NewHost(StreamMuxer.Mplex);
        var impostor = PeerId.FromPublicKey(PrivateKey.Generate().PublicKey);

        var act = () => host.DialAsync(Multiaddr.Parse(js.Address).WithPeerId(impostor));

        var thrown = await act.Should().ThrowAsync<PeerIdMismatchException>();
        thrown.Which.Actual.Should().Be(PeerId.Parse(js.PeerId));
        host.Connections.Should().BeEmpty();
    }

    // js-libp2p 2.8.11 does not hand the /p2p id of a dialled multiaddr to Noise (its upgrader passes no remotePeer),
    // so it does not refuse the connection; what it can never do is attribute it to anyone but the identity our
    // handshake proved. Our own dialler refuses such a peer (the test above).
    [Theory]
    [InlineData("tcp")]
    [InlineData("ws")]
    public async Task JsDialsCSharp_WithAnotherPeerIdInAddress_LearnsOnlyOurProvenIdentity(string transport)
    {
        await using var host = NewHost(StreamMuxer.Yamux);
        var address = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0" + (transport == "ws" ? "/ws" : string.Empty)));
        await using var js = await JsLibp2pPeer.StartAsync(transport, "yamux");
        var impostor = PeerId.FromPublicKey(PrivateKey.Generate().PublicKey);

        var answer = await js.TryAskAsync(new JsonObject { ["cmd"] = "dial", ["addr"] = address.WithPeerId(impostor).ToString() });

        if (answer["ok"]!.GetValue<bool>())
        {
            answer["peerId"]!.GetValue<string>().Should().Be(host.PeerId.ToString()).And.NotBe(impostor.ToString());
        }
    }

    [Fact]
    public async Task JsPeer_WithOurSecp256k1Key_HasOurPeerIdAndIsVerified()
    {
        using var key = PrivateKey.Generate();
        var secret = new byte[32];
        key.ExportSecret(secret);
        var protobuf = Convert.ToHexString([0x08, 0x02, 0x12, 0x20, .. secret]);
        await using var js = await JsLibp2pPeer.StartAsync("tcp", "yamux", protobuf);
        await using var host = NewHost(StreamMuxer.Yamux);

        PeerId.Parse(js.PeerId).Should().Be(PeerId.FromPublicKey(key.PublicKey));
        js.PeerId.Should().StartWith("16Uiu2");
        var connection = await host.DialAsync(Multiaddr.Parse(js.Address));
        connection.RemotePeer.Secp256k1PublicKey.Should().Be(key.PublicKey);
        (await connection.PingAsync()).Should().BePositive();
    }

    private static async Task<bool> EchoAsync(Libp2pConnection connection, int size)
    {
        var payload = RandomNumberGenerator.GetBytes(size);
        await using var stream = await connection.OpenStreamAsync(Echo);
        var send = Task.Run(async () =>
        {
            await stream.WriteAsync(payload);
            await stream.CloseWriteAsync();
        });
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        await send;
        return received.ToArray().AsSpan().SequenceEqual(payload);
    }
}
