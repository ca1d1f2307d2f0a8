using System.Collections.Concurrent;
using TcrToolkit.Libp2p.Muxing;
using TcrToolkit.Libp2p.Noise;

namespace TcrToolkit.Libp2p.Yamux;

/// <summary>
/// yamux 1.0.0: the dialler opens odd stream ids, the listener even ones; each stream has a 256 KiB initial window in
/// each direction that WINDOW_UPDATE frames extend; PING keeps the session alive; GO_AWAY ends it.
/// </summary>
internal sealed class YamuxMuxer : MuxerBase
{
    public const string Id = "/yamux/1.0.0";
    public const int InitialWindow = 256 * 1024;
    public const int MaxFrameData = NoiseSecureStream.MaxPlaintext - YamuxHeader.Size;

    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _pings = new();
    private uint _nextStreamId;
    private uint _nextPing;

    public YamuxMuxer(Stream secured, PeerId remotePeer, bool isInitiator, Libp2pHostOptions options)
        : base(secured, remotePeer, isInitiator, options)
    {
        _nextStreamId = isInitiator ? 1u : 2u;
    }

    public override string ProtocolId => Id;

    protected override ulong Key(MuxedStream stream) => stream.Id;

    public override async Task<MuxedStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        AdmitOutbound();
        var id = Interlocked.Add(ref _nextStreamId, 2) - 2;
        var stream = new YamuxStream(this, id, outbound: true, Options.YamuxWindowSize);
        Streams[id] = stream;
        try
        {
            var extra = (uint)(Options.YamuxWindowSize - InitialWindow);
            await WriteFrameAsync(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.Syn, id, extra).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(stream);
            throw;
        }

        return stream;
    }

    /// <summary>Sends a ping and waits for its answer; returns the round trip.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        var opaque = Interlocked.Increment(ref _nextPing);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[opaque] = answered;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await WriteFrameAsync(new YamuxHeader(YamuxType.Ping, YamuxFlags.Syn, 0, opaque).ToArray(), cancellationToken).ConfigureAwait(false);
            await answered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        finally
        {
            _pings.TryRemove(opaque, out _);
        }
    }

    protected override ValueTask SendGoAwayAsync() =>
        WriteFrameAsync(new YamuxHeader(YamuxType.GoAway, YamuxFlags.None, 0, 0).ToArray(), CancellationToken.None);

    protected override async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await Reader.EnsureAsync(YamuxHeader.Size, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (!YamuxHeader.TryRead(Reader.Available, out var header, out var error))
            {
                throw new Libp2pProtocolException("Bad yamux frame: " + error);
            }

            Reader.Consume(YamuxHeader.Size);
            Touch();
            switch (header.Type)
            {
                case YamuxType.Data:
                    await OnDataAsync(header, cancellationToken).ConfigureAwait(false);
                    break;
                case YamuxType.WindowUpdate:
                    OnWindowUpdate(header);
                    break;
                case YamuxType.Ping:
                    if ((header.Flags & YamuxFlags.Syn) != 0)
                    {
                        WriteFrameInBackground(new YamuxHeader(YamuxType.Ping, YamuxFlags.Ack, 0, header.Length).ToArray());
                    }
                    else if (_pings.TryGetValue(header.Length, out var pending))
                    {
                        pending.TrySetResult();
                    }

                    break;
                case YamuxType.GoAway:
                    return;
            }
        }
    }

    private YamuxStream? StreamFor(YamuxHeader header)
    {
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            var remoteParity = IsInitiator ? 0u : 1u;
            if (header.StreamId == 0 || header.StreamId % 2 != remoteParity || Streams.ContainsKey(header.StreamId))
            {
                throw new Libp2pProtocolException($"The remote opened yamux stream {header.StreamId}, which it may not use.");
            }

            if (!AdmitInbound())
            {
                WriteFrameInBackground(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.Rst, header.StreamId, 0).ToArray());
                return null;
            }

            var stream = new YamuxStream(this, header.StreamId, outbound: false, Options.YamuxWindowSize);
            Streams[header.StreamId] = stream;
            var extra = (uint)(Options.YamuxWindowSize - InitialWindow);
            WriteFrameInBackground(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.Ack, header.StreamId, extra).ToArray());
            InboundStream?.Invoke(stream);
            return stream;
        }

        return Streams.TryGetValue(header.StreamId, out var known) ? (YamuxStream)known : null;
    }

    private async Task OnDataAsync(YamuxHeader header, CancellationToken cancellationToken)
    {
        var stream = StreamFor(header);
        if (header.Length > (uint)Options.YamuxWindowSize)
        {
            throw new Libp2pProtocolException($"A yamux data frame of {header.Length} bytes exceeds the receive window.");
        }

        if (header.Length > 0)
        {
            var payload = await Reader.ReadPayloadAsync((int)header.Length, cancellationToken).ConfigureAwait(false);
            if (stream is not null)
            {
                if (!stream.TakeReceiveWindow((int)header.Length))
                {
                    throw new Libp2pProtocolException($"The remote overran the receive window of yamux stream {header.StreamId}.");
                }

                stream.Deliver(payload);
            }
        }

        ApplyFlags(stream, header.Flags);
    }

    private void OnWindowUpdate(YamuxHeader header)
    {
        var stream = StreamFor(header);
        if (stream is null)
        {
            return;
        }

        if (header.Length > 0)
        {
            stream.AddSendWindow(header.Length);
        }

        ApplyFlags(stream, header.Flags);
    }

    private static void ApplyFlags(YamuxStream? stream, YamuxFlags flags)
    {
        if (stream is null)
        {
            return;
        }

        if ((flags & YamuxFlags.Rst) != 0)
        {
            stream.DeliverReset();
        }
        else if ((flags & YamuxFlags.Fin) != 0)
        {
            stream.DeliverEnd();
        }
    }
}

/// <summary>A yamux stream: a send window that WINDOW_UPDATE frames refill, and a receive window granted back as the application reads.</summary>
internal sealed class YamuxStream : MuxedStream
{
    private readonly object _windowGate = new();
    private readonly int _windowSize;
    private long _sendWindow = YamuxMuxer.InitialWindow;
    private int _receiveWindow;
    private int _unacknowledged;
    private TaskCompletionSource? _windowWaiting;

    public YamuxStream(YamuxMuxer muxer, uint id, bool outbound, int windowSize)
        : base(muxer, id, outbound)
    {
        _windowSize = windowSize;
        _receiveWindow = windowSize;
    }

    public bool TakeReceiveWindow(int length) => Interlocked.Add(ref _receiveWindow, -length) >= 0;

    public void AddSendWindow(uint delta)
    {
        TaskCompletionSource? wake;
        lock (_windowGate)
        {
            _sendWindow += delta;
            wake = _windowWaiting;
            _windowWaiting = null;
        }

        wake?.TrySetResult();
    }

    protected override void OnConsumed(int count)
    {
        var pending = Interlocked.Add(ref _unacknowledged, count);
        if (pending >= _windowSize / 2 && Interlocked.CompareExchange(ref _unacknowledged, 0, pending) == pending)
        {
            Interlocked.Add(ref _receiveWindow, pending);
            if (!IsReset)
            {
                Muxer.WriteFrameInBackground(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.None, Id, (uint)pending).ToArray());
            }
        }
    }

    protected override async ValueTask SendDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int take;
            Task? wait = null;
            lock (_windowGate)
            {
                take = (int)Math.Min(Math.Min(_sendWindow, data.Length), YamuxMuxer.MaxFrameData);
                if (take > 0)
                {
                    _sendWindow -= take;
                }
                else
                {
                    _windowWaiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _windowWaiting.Task;
                }
            }

            if (wait is not null)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (IsReset)
                {
                    throw new StreamResetException($"Stream {Id} ({Protocol}) was reset.");
                }

                continue;
            }

            var frame = new byte[YamuxHeader.Size + take];
            new YamuxHeader(YamuxType.Data, YamuxFlags.None, Id, (uint)take).Write(frame);
            data.Span[..take].CopyTo(frame.AsSpan(YamuxHeader.Size));
            await Muxer.WriteFrameAsync(frame, cancellationToken).ConfigureAwait(false);
            data = data[take..];
        }
    }

    protected override ValueTask SendCloseAsync(CancellationToken cancellationToken) =>
        Muxer.WriteFrameAsync(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.Fin, Id, 0).ToArray(), cancellationToken);

    protected override void SendReset() =>
        Muxer.WriteFrameInBackground(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.Rst, Id, 0).ToArray());

    protected override void OnReset() => AddSendWindow(0);
}
