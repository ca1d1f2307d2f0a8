using System.Collections.Concurrent;
using TcrToolkit.Libp2p.Noise;

namespace TcrToolkit.Libp2p.Muxing;

/// <summary>
/// What yamux and mplex share: the secured stream, one write lock (each frame goes out whole, header and payload in one
/// write), the stream table, inbound stream limits, and a read loop from which no exception escapes.
/// </summary>
internal abstract class MuxerBase : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inboundCount;
    private int _outboundCount;

    protected MuxerBase(Stream secured, PeerId remotePeer, bool isInitiator, Libp2pHostOptions options)
    {
        Secured = secured;
        RemotePeer = remotePeer;
        IsInitiator = isInitiator;
        Options = options;
        Reader = new FrameReader(secured);
    }

    public abstract string ProtocolId { get; }

    public PeerId RemotePeer { get; }

    public bool IsInitiator { get; }

    protected Libp2pHostOptions Options { get; }

    protected Stream Secured { get; }

    protected FrameReader Reader { get; }

    protected ConcurrentDictionary<ulong, MuxedStream> Streams { get; } = new();

    /// <summary>Called for every inbound stream the limits admitted; must not block.</summary>
    public Action<MuxedStream>? InboundStream { get; set; }

    /// <summary>Ticks (Environment.TickCount64) of the last frame received.</summary>
    public long LastActivity { get; protected set; } = Environment.TickCount64;

    public int StreamCount => Streams.Count;

    public Task Completion => _completion.Task;

    public Exception? Error { get; private set; }

    public CancellationToken ClosedToken => _closed.Token;

    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Runs the read loop until the connection ends. Never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            await ReadLoopAsync(_closed.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Error = ex;
        }
        finally
        {
            await CloseAsync(Error).ConfigureAwait(false);
        }
    }

    protected abstract Task ReadLoopAsync(CancellationToken cancellationToken);

    public abstract Task<MuxedStream> OpenStreamAsync(CancellationToken cancellationToken);

    /// <summary>Counts an outbound stream against the limit.</summary>
    protected void AdmitOutbound()
    {
        if (IsClosed)
        {
            throw new ConnectionClosedException($"The connection to {RemotePeer} is closed.", Error);
        }

        if (Interlocked.Increment(ref _outboundCount) > Options.MaxOutboundStreamsPerConnection)
        {
            Interlocked.Decrement(ref _outboundCount);
            throw new Libp2pLimitException($"{Options.MaxOutboundStreamsPerConnection} outbound streams are already open to {RemotePeer}.");
        }
    }

    /// <summary>Counts an inbound stream; false when the limit refuses it.</summary>
    protected bool AdmitInbound()
    {
        if (Interlocked.Increment(ref _inboundCount) > Options.MaxInboundStreamsPerConnection)
        {
            Interlocked.Decrement(ref _inboundCount);
            return false;
        }

        return true;
    }

    /// <summary>Forgets a finished stream.</summary>
    public void Release(MuxedStream stream)
    {
        if (Streams.TryRemove(new KeyValuePair<ulong, MuxedStream>(Key(stream), stream)))
        {
            if (stream.IsOutbound)
            {
                Interlocked.Decrement(ref _outboundCount);
            }
            else
            {
                Interlocked.Decrement(ref _inboundCount);
            }
        }
    }

    protected abstract ulong Key(MuxedStream stream);

    /// <summary>Writes one whole frame under the write lock.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            throw new ConnectionClosedException($"The connection to {RemotePeer} is closed.", Error);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Secured.WriteAsync(frame, _closed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            _ = CloseAsync(ex);
            throw new ConnectionClosedException($"Writing to {RemotePeer} failed; the connection is closed.", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one frame given as header and payload; over Noise they are sealed together without a copy into a frame array.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (Secured is not NoiseSecureStream noise || header.Length + payload.Length > NoiseSecureStream.MaxPlaintext)
        {
            await WriteFrameAsync((byte[])[.. header.Span, .. payload.Span], cancellationToken).ConfigureAwait(false);
            return;
        }

        if (IsClosed)
        {
            throw new ConnectionClosedException($"The connection to {RemotePeer} is closed.", Error);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await noise.WriteMessageAsync(header, payload, _closed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            _ = CloseAsync(ex);
            throw new ConnectionClosedException($"Writing to {RemotePeer} failed; the connection is closed.", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes a control frame without waiting (resets, window updates from synchronous paths).</summary>
    public void WriteFrameInBackground(byte[] frame)
    {
        if (IsClosed)
        {
            return;
        }

        _ = WriteIgnoringFailureAsync(frame);
    }

    private async Task WriteIgnoringFailureAsync(byte[] frame)
    {
        try
        {
            await WriteFrameAsync(frame, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Libp2pException)
        {
            // The connection is closing; CloseAsync resets every stream.
        }
    }

    /// <summary>Sends a polite goodbye where the protocol has one.</summary>
    protected virtual ValueTask SendGoAwayAsync() => ValueTask.CompletedTask;

    public async Task CloseAsync(Exception? error = null)
    {
        if (_closed.IsCancellationRequested)
        {
            return;
        }

        Error ??= error;
        if (error is null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await SendGoAwayAsync().AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Best effort only.
            }
        }

        try
        {
            await _closed.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        foreach (var stream in Streams.Values)
        {
            stream.DeliverReset();
        }

        try
        {
            await Secured.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Disposing a broken transport may throw; it is gone either way.
        }

        _completion.TrySetResult();
    }

    public ValueTask DisposeAsync() => new(CloseAsync());

    protected void Touch() => LastActivity = Environment.TickCount64;
}

/// <summary>
/// Buffered reads for frame decoders (the muxers' frames on the secured stream, Noise's frames on the transport):
/// headers, and frames that fit, come out of one buffer (64 KiB unless given), payloads into arrays of their exact size.
/// </summary>
internal sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private readonly string _frameName;
    private int _start;
    private int _end;

    public FrameReader(Stream stream, int bufferSize = 64 * 1024, string frameName = "frame")
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        _frameName = frameName;
    }

    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    public void Consume(int count) => _start += count;

    /// <summary>Reads until at least <paramref name="count"/> bytes are available. False on a clean end before any.</summary>
    public async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end == 0)
                {
                    return false;
                }

                throw new Libp2pProtocolException($"The connection ended inside a {_frameName}.");
            }

            _end += read;
        }

        return true;
    }

    /// <summary>Reads exactly <paramref name="length"/> payload bytes into a new array.</summary>
    public async ValueTask<byte[]> ReadPayloadAsync(int length, CancellationToken cancellationToken)
    {
        var payload = new byte[length];
        var fromBuffer = Math.Min(length, _end - _start);
        _buffer.AsSpan(_start, fromBuffer).CopyTo(payload);
        _start += fromBuffer;
        if (fromBuffer < length)
        {
            try
            {
                await _stream.ReadExactlyAsync(payload.AsMemory(fromBuffer), cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException ex)
            {
                throw new Libp2pProtocolException($"The connection ended inside a {_frameName} payload.", ex);
            }
        }

        return payload;
    }
}

/// <summary>Varint reads for the mplex decoder.</summary>
internal static class FrameReaderExtensions
{
    /// <summary>Reads a varint from the buffer; null on a clean end of the connection before its first byte.</summary>
    public static async ValueTask<ulong?> ReadVarintAsync(this FrameReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (UnsignedVarint.TryRead(reader.Available, out var value, out var read))
            {
                case UnsignedVarint.ReadResult.Done:
                    reader.Consume(read);
                    return value;
                case UnsignedVarint.ReadResult.Invalid:
                    throw new Libp2pProtocolException("A frame varint is longer than 9 bytes or not minimal.");
            }

            if (!await reader.EnsureAsync(reader.Available.Length + 1, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }
}
