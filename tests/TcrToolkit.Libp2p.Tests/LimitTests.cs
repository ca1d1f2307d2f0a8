using System.Net.Sockets;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p.Mplex;
using TcrToolkit.Libp2p.Multistream;
using TcrToolkit.Libp2p.Noise;
using TcrToolkit.Libp2p.Transports;

namespace TcrToolkit.Libp2p.Tests;

public sealed class LimitTests
{
    private const string Hang = "/test/hang/1.0.0";

    private static async Task<(Libp2pHost Host, Multiaddr Address)> ListenAsync(Libp2pHostOptions options)
    {
        var host = new Libp2pHost(PrivateKey.Generate(), options);
        host.Handle(Hang, (incoming, ct) => Task.Delay(Timeout.Infinite, ct), new ProtocolHandlerOptions { MaxInboundStreamsPerConnection = 2 });
        host.Handle("/test/throw/1.0.0", (_, _) => throw new InvalidOperationException("handler bug"));
        return (host, await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")));
    }

    private static async Task<Socket> ConnectRawAsync(Multiaddr address)
    {
        var port = (address.Components[1].Value.Span[0] << 8) | address.Components[1].Value.Span[1];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        return socket;
    }

    private static async Task<bool> ClosedByPeerWithinAsync(Socket socket, TimeSpan within)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task SilentInboundConnection_IsClosedAfterTheHandshakeTimeout()
    {
        var (host, address) = await ListenAsync(new Libp2pHostOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        await using (host)
        {
            using var socket = await ConnectRawAsync(address);
            (await ClosedByPeerWithinAsync(socket, TimeSpan.FromSeconds(5))).Should().BeTrue();
        }
    }

    [Fact]
    public async Task InboundHandshakes_OverTheLimit_AreClosedAtOnce()
    {
        var (host, address) = await ListenAsync(new Libp2pHostOptions { MaxPendingHandshakes = 2, HandshakeTimeout = TimeSpan.FromSeconds(20) });
        await using (host)
        {
            using var first = await ConnectRawAsync(address);
            using var second = await ConnectRawAsync(address);
            await Task.Delay(200);
            using var third = await ConnectRawAsync(address);
            (await ClosedByPeerWithinAsync(third, TimeSpan.FromSeconds(3))).Should().BeTrue();
            (await ClosedByPeerWithinAsync(first, TimeSpan.FromMilliseconds(300))).Should().BeFalse();
        }
    }

    [Theory]
    [InlineData(StreamMuxer.Yamux)]
    [InlineData(StreamMuxer.Mplex)]
    public async Task ProtocolStreams_OverTheHandlerLimit_AreReset(StreamMuxer muxer)
    {
        var (host, address) = await ListenAsync(new Libp2pHostOptions { Muxers = [muxer] });
        await using (host)
        await using (var client = new Libp2pHost(PrivateKey.Generate(), new Libp2pHostOptions { Muxers = [muxer] }))
        {
            var connection = await client.DialAsync(address);
            var held = new[] { await connection.OpenStreamAsync(Hang), await connection.OpenStreamAsync(Hang) };
            var read = async () =>
            {
                await using var third = await connection.OpenStreamAsync(Hang);
                _ = await third.ReadAsync(new byte[1]);
            };

            await read.Should().ThrowAsync<StreamResetException>();
            (await connection.PingAsync()).Should().BePositive();
            held.Should().AllSatisfy(s => s.Should().NotBeNull());
        }
    }

    [Fact]
    public async Task Streams_OverTheConnectionLimit_AreRefused()
    {
        var (host, address) = await ListenAsync(new Libp2pHostOptions { MaxInboundStreamsPerConnection = 1 });
        await using (host)
        await using (var client = new Libp2pHost(PrivateKey.Generate()))
        {
            var connection = await client.DialAsync(address);
            await using var held = await connection.OpenStreamAsync(Hang);

            var act = () => connection.OpenStreamAsync(Hang);

            await act.Should().ThrowAsync<Libp2pException>();
            connection.IsClosed.Should().BeFalse();
        }
    }

    [Fact]
    public async Task HandlerThatThrows_ResetsItsStreamAndKeepsTheConnection()
    {
        var (host, address) = await ListenAsync(new Libp2pHostOptions());
        await using (host)
        await using (var client = new Libp2pHost(PrivateKey.Generate()))
        {
            var connection = await client.DialAsync(address);
            var read = async () =>
            {
                await using var stream = await connection.OpenStreamAsync("/test/throw/1.0.0");
                _ = await stream.ReadAsync(new byte[1]);
            };

            await read.Should().ThrowAsync<StreamResetException>();
            (await connection.PingAsync()).Should().BePositive();
        }
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        var options = new Libp2pHostOptions { IdleTimeout = TimeSpan.FromMilliseconds(400), KeepAliveInterval = TimeSpan.Zero };
        var (host, address) = await ListenAsync(options);
        await using (host)
        await using (var client = new Libp2pHost(PrivateKey.Generate(), options))
        {
            var connection = await client.DialAsync(address);
            await connection.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            connection.IsClosed.Should().BeTrue();
        }
    }

    [Theory]
    [InlineData("oversized")]
    [InlineData("bad flag")]
    public async Task MalformedMplexFrame_ClosesOnlyThatConnection(string kind)
    {
        var (host, address) = await ListenAsync(new Libp2pHostOptions { Muxers = [StreamMuxer.Mplex] });
        await using (host)
        {
            using var key = PrivateKey.Generate();
            var (transport, _) = await Transport.DialAsync(address, CancellationToken.None);
            await MultistreamSelect.SelectAsync(transport, [NoiseHandshake.ProtocolId], CancellationToken.None);
            var (secured, _) = await NoiseHandshake.InitiateAsync(transport, key, address.PeerId, CancellationToken.None);
            await MultistreamSelect.SelectAsync(secured, [MplexMuxer.Id], CancellationToken.None);
            await using (secured)
            {
                byte[] frame = kind == "oversized" ? [0x02, 0x80, 0x80, 0x80, 0x01] : [0x07, 0x00];
                await secured.WriteAsync(frame);

                var buffer = new byte[64];
                var drain = async () =>
                {
                    while (await secured.ReadAsync(buffer) > 0)
                    {
                    }
                };
                await drain.Should().CompleteWithinAsync(TimeSpan.FromSeconds(5));
            }

            await using var client = new Libp2pHost(PrivateKey.Generate(), new Libp2pHostOptions { Muxers = [StreamMuxer.Mplex] });
            (await (await client.DialAsync(address)).PingAsync()).Should().BePositive();
        }
    }
}
