using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using TcrToolkit.Libp2p;
using TcrToolkit.Libp2p.Mplex;
using TcrToolkit.Libp2p.Muxing;
using TcrToolkit.Libp2p.Noise;
using TcrToolkit.Libp2p.Yamux;

namespace TcrToolkit.Libp2p.Bench;

/// <summary>
/// Our Noise transport (and muxer) over an in-memory duplex pipe instead of a socket: what our code costs on top of the
/// cipher, without the kernel's TCP copies.
/// </summary>
internal static class InMemory
{
    private static readonly PeerId Peer = PeerId.Parse("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");

    private static (NoiseSecureStream A, NoiseSecureStream B) SecuredPair()
    {
        var ab = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var ba = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var k1 = RandomNumberGenerator.GetBytes(32);
        var k2 = RandomNumberGenerator.GetBytes(32);
        var a = new NoiseSecureStream(new Duplex(ba.Reader.AsStream(), ab.Writer.AsStream()), new NoiseCipher(k1), new NoiseCipher(k2));
        var b = new NoiseSecureStream(new Duplex(ab.Reader.AsStream(), ba.Writer.AsStream()), new NoiseCipher(k2), new NoiseCipher(k1));
        return (a, b);
    }

    public static async Task<double> NoiseOnlyAsync(long bytes)
    {
        var (a, b) = SecuredPair();
        var chunk = RandomNumberGenerator.GetBytes(NoiseSecureStream.MaxPlaintext);
        var started = Stopwatch.GetTimestamp();
        var write = Task.Run(async () =>
        {
            for (long sent = 0; sent < bytes; sent += chunk.Length)
            {
                await a.WriteAsync(chunk);
            }
        });
        var buffer = new byte[256 * 1024];
        long got = 0;
        while (got < bytes)
        {
            got += await b.ReadAsync(buffer);
        }

        await write;
        return got / 1048576.0 / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public static async Task<double> MuxedAsync(StreamMuxer kind, long bytes)
    {
        var (a, b) = SecuredPair();
        var options = new Libp2pHostOptions();
        MuxerBase client = kind == StreamMuxer.Yamux ? new YamuxMuxer(a, Peer, true, options) : new MplexMuxer(a, Peer, true, options);
        MuxerBase server = kind == StreamMuxer.Yamux ? new YamuxMuxer(b, Peer, false, options) : new MplexMuxer(b, Peer, false, options);
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.InboundStream = stream => _ = Task.Run(async () =>
        {
            var buffer = new byte[256 * 1024];
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            received.TrySetResult(total);
        });
        _ = client.RunAsync();
        _ = server.RunAsync();
        var chunk = RandomNumberGenerator.GetBytes(64 * 1024);
        var started = Stopwatch.GetTimestamp();
        var stream = await client.OpenStreamAsync(CancellationToken.None);
        for (long sent = 0; sent < bytes; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk);
        }

        await stream.CloseWriteAsync();
        var total = await received.Task;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await client.CloseAsync();
        await server.CloseAsync();
        return total != bytes ? throw new InvalidOperationException("Bytes were lost.") : bytes / 1048576.0 / seconds;
    }

    private sealed class Duplex(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => write.Flush();

        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                read.Dispose();
                write.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
