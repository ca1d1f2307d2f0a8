using TcrToolkit.Libp2p.Mplex;
using TcrToolkit.Libp2p.Multistream;
using TcrToolkit.Libp2p.Muxing;
using TcrToolkit.Libp2p.Noise;
using TcrToolkit.Libp2p.Protocols;
using TcrToolkit.Libp2p.Yamux;

namespace TcrToolkit.Libp2p.Fuzz;

/// <summary>
/// The fuzz targets: each feeds untrusted bytes to one decoder and lets only the decoder's documented failure type
/// through; anything else escaping is a finding. The test project replays the committed corpus through the same targets.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["yamux-session"] = bytes => RunMuxer(bytes, (stream, peer, options) => new YamuxMuxer(stream, peer, isInitiator: true, options)),
        ["mplex-session"] = bytes => RunMuxer(bytes, (stream, peer, options) => new MplexMuxer(stream, peer, isInitiator: false, options)),
        ["yamux-header"] = bytes => YamuxHeader.TryRead(bytes, out _, out _),
        ["mplex-header"] = bytes => MplexFrame.TryReadHeader(bytes, 1 << 20, out _, out _, out _, out _, out _),
        ["multistream"] = bytes => Expect<Libp2pProtocolException>(() => MultistreamSelect.ReadAsync(new MemoryStream(bytes), CancellationToken.None).GetAwaiter().GetResult()),
        ["noise-payload"] = bytes => Expect<NoiseHandshakeException>(() => NoiseHandshake.VerifyPayload(bytes, new byte[32])),
        ["identify"] = bytes => Expect<Libp2pProtocolException>(() => Identify.Decode(bytes)),
        ["multiaddr"] = bytes => Expect<FormatException>(() => Multiaddr.FromBytes(bytes)),
        ["peer-id"] = bytes => PeerId.TryFromBytes(bytes, out _),
        ["length-prefixed"] = bytes => Expect<Libp2pProtocolException>(() => LengthPrefixedMessage.ReadAsync(new MemoryStream(bytes), 4096).AsTask().GetAwaiter().GetResult()),
    };

    private static readonly PeerId Remote = PeerId.Parse("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");

    private static void Expect<T>(Action action)
        where T : Exception
    {
        try
        {
            action();
        }
        catch (T)
        {
        }
    }

    /// <summary>Runs a muxer's read loop over the bytes as if they came from the secured connection; its loop must end without throwing.</summary>
    private static void RunMuxer(byte[] bytes, Func<Stream, PeerId, Libp2pHostOptions, MuxerBase> create)
    {
        var options = new Libp2pHostOptions { MaxInboundStreamsPerConnection = 8 };
        var muxer = create(new ReplayStream(bytes), Remote, options);
        muxer.InboundStream = stream => _ = DrainAsync(stream);
        var run = muxer.RunAsync();
        if (!run.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("The muxer loop did not end after its input ran out.");
        }
    }

    private static async Task DrainAsync(MuxedStream stream)
    {
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (Libp2pException)
        {
        }
    }

    /// <summary>Reads return the fuzz input; writes are dropped.</summary>
    private sealed class ReplayStream(byte[] input) : Stream
    {
        private readonly MemoryStream _input = new(input);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
        }
    }
}
