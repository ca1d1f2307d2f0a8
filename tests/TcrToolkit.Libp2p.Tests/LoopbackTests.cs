using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Libp2p.Tests;

public sealed class LoopbackTests
{
    private const string Echo = "/test/echo/1.0.0";

    private static async Task<(Libp2pHost Server, Libp2pHost Client, Multiaddr Address)> StartAsync(StreamMuxer muxer, bool webSocket, string ip = "127.0.0.1")
    {
        var options = new Libp2pHostOptions { Muxers = [muxer] };
        var server = new Libp2pHost(PrivateKey.Generate(), options);
        server.Handle(Echo, async (incoming, ct) =>
        {
            await incoming.Stream.CopyToAsync(incoming.Stream, ct);
            await incoming.Stream.CloseWriteAsync(ct);
        });
        var family = ip.Contains(':', StringComparison.Ordinal) ? "ip6" : "ip4";
        var address = await server.ListenAsync(Multiaddr.Parse($"/{family}/{ip}/tcp/0" + (webSocket ? "/ws" : string.Empty)));
        var client = new Libp2pHost(PrivateKey.Generate(), options);
        return (server, client, address);
    }

    [Theory]
    [InlineData(StreamMuxer.Yamux, false)]
    [InlineData(StreamMuxer.Mplex, false)]
    [InlineData(StreamMuxer.Yamux, true)]
    [InlineData(StreamMuxer.Mplex, true)]
    public async Task Echo_ManyConcurrentStreams_ReturnsEveryPayload(StreamMuxer muxer, bool webSocket)
    {
        var (server, client, address) = await StartAsync(muxer, webSocket);
        await using (server)
        await using (client)
        {
            var connection = await client.DialAsync(address);
            connection.RemotePeer.Should().Be(server.PeerId);
            var tasks = Enumerable.Range(0, 20).Select(async i =>
            {
                var payload = RandomNumberGenerator.GetBytes(i == 0 ? 2 * 1024 * 1024 : 1000 + i);
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
            });
            (await Task.WhenAll(tasks)).Should().AllBeEquivalentTo(true);
        }
    }

    [Fact]
    public async Task Dial_ExpectingAnotherPeer_ThrowsPeerIdMismatch()
    {
        var (server, client, address) = await StartAsync(StreamMuxer.Yamux, webSocket: false);
        await using (server)
        await using (client)
        {
            var impostor = PeerId.FromPublicKey(PrivateKey.Generate().PublicKey);
            var act = () => client.DialAsync(address.WithPeerId(impostor));
            (await act.Should().ThrowAsync<PeerIdMismatchException>()).Which.Actual.Should().Be(server.PeerId);
        }
    }

    [Fact]
    public async Task PingAndIdentify_OverIpv6_Answer()
    {
        var (server, client, address) = await StartAsync(StreamMuxer.Yamux, webSocket: false, ip: "::1");
        await using (server)
        await using (client)
        {
            var connection = await client.DialAsync(address);
            (await connection.PingAsync()).Should().BeGreaterThan(TimeSpan.Zero);
            var info = await connection.IdentifyAsync();
            info.Protocols.Should().Contain([Echo, "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"]);
            info.PublicKeyPeerId.Should().Be(server.PeerId);
            (await connection.KeepAlivePingAsync()).Should().BeGreaterThan(TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task OpenStream_UnhandledProtocol_ThrowsProtocolNotSupported()
    {
        var (server, client, address) = await StartAsync(StreamMuxer.Mplex, webSocket: false);
        await using (server)
        await using (client)
        {
            var connection = await client.DialAsync(address);
            var act = () => connection.OpenStreamAsync("/nobody/1.0.0");
            await act.Should().ThrowAsync<ProtocolNotSupportedException>();
            (await connection.PingAsync()).Should().BeGreaterThan(TimeSpan.Zero);
        }
    }
}
