namespace TcrToolkit.Libp2p.Muxing;

/// <summary>
/// The receive buffer and close/reset state shared by yamux and mplex streams. The muxer's read loop calls
/// <see cref="Deliver"/>, <see cref="DeliverEnd"/> and <see cref="DeliverReset"/>; the application reads and writes.
/// </summary>
internal abstract class MuxedStream : Libp2pStream
{
    private readonly object _gate = new();
    private readonly Queue<ArraySegment<byte>> _inbound = new();
    private int _buffered;
    private bool _remoteClosed;
    private bool _localClosed;
    private bool _reset;
    private bool _abandoned;
    private bool _released;
    private TaskCompletionSource? _readerWaiting;

    protected MuxedStream(MuxerBase muxer, uint id, bool outbound)
    {
        Muxer = muxer;
        Id = id;
        IsOutbound = outbound;
    }

    public uint Id { get; }

    public bool IsOutbound { get; }

    protected MuxerBase Muxer { get; }

    public override PeerId RemotePeer => Muxer.RemotePeer;

    /// <summary>Bytes delivered and not yet read.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _buffered;
            }
        }
    }

    protected bool IsReset
    {
        get
        {
            lock (_gate)
            {
                return _reset;
            }
        }
    }

    protected bool IsLocalClosed
    {
        get
        {
            lock (_gate)
            {
                return _localClosed;
            }
        }
    }

    /// <summary>Appends received data (ownership of the segment passes here). Returns the new buffered total.</summary>
    public int Deliver(ArraySegment<byte> data)
    {
        TaskCompletionSource? wake;
        bool drop;
        int buffered;
        lock (_gate)
        {
            drop = _abandoned || _reset || _remoteClosed;
            if (!drop && data.Count > 0)
            {
                _inbound.Enqueue(data);
                _buffered += data.Count;
            }

            buffered = _buffered;
            wake = _readerWaiting;
            _readerWaiting = null;
        }

        wake?.TrySetResult();
        if (drop)
        {
            OnConsumed(data.Count);
        }

        return buffered;
    }

    /// <summary>The remote closed its writing side.</summary>
    public void DeliverEnd()
    {
        TaskCompletionSource? wake;
        bool release;
        lock (_gate)
        {
            _remoteClosed = true;
            wake = _readerWaiting;
            _readerWaiting = null;
            release = _localClosed && !_released;
            _released |= release;
        }

        wake?.TrySetResult();
        if (release)
        {
            Muxer.Release(this);
        }
    }

    /// <summary>The stream was reset (by the remote, or because the connection ended).</summary>
    public void DeliverReset()
    {
        TaskCompletionSource? wake;
        bool release;
        lock (_gate)
        {
            _reset = true;
            _inbound.Clear();
            _buffered = 0;
            wake = _readerWaiting;
            _readerWaiting = null;
            release = !_released;
            _released = true;
        }

        wake?.TrySetResult();
        OnReset();
        if (release)
        {
            Muxer.Release(this);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            Task wait;
            var consumed = 0;
            lock (_gate)
            {
                if (_reset)
                {
                    throw new StreamResetException($"Stream {Id} ({Protocol}) was reset.");
                }

                while (_inbound.Count > 0 && consumed < buffer.Length)
                {
                    var head = _inbound.Peek();
                    var count = Math.Min(head.Count, buffer.Length - consumed);
                    head.AsSpan(0, count).CopyTo(buffer.Span[consumed..]);
                    consumed += count;
                    if (count == head.Count)
                    {
                        _inbound.Dequeue();
                    }
                    else
                    {
                        _inbound.Dequeue();
                        RequeueFront(head[count..]);
                    }
                }

                if (consumed > 0)
                {
                    _buffered -= consumed;
                }
                else if (_remoteClosed)
                {
                    return 0;
                }
                else
                {
                    _readerWaiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _readerWaiting.Task;
                    goto Wait;
                }
            }

            OnConsumed(consumed);
            return consumed;

        Wait:
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void RequeueFront(ArraySegment<byte> rest)
    {
        var items = _inbound.ToArray();
        _inbound.Clear();
        _inbound.Enqueue(rest);
        foreach (var item in items)
        {
            _inbound.Enqueue(item);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (IsReset)
        {
            throw new StreamResetException($"Stream {Id} ({Protocol}) was reset.");
        }

        if (IsLocalClosed)
        {
            throw new ObjectDisposedException(GetType().Name, "The stream's writing side is closed.");
        }

        await SendDataAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        bool release;
        lock (_gate)
        {
            if (_localClosed || _reset)
            {
                return;
            }

            _localClosed = true;
            release = _remoteClosed && !_released;
            _released |= release;
        }

        try
        {
            await SendCloseAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (release)
            {
                Muxer.Release(this);
            }
        }
    }

    public override void Reset()
    {
        lock (_gate)
        {
            if (_reset || (_localClosed && _remoteClosed))
            {
                return;
            }
        }

        SendReset();
        DeliverReset();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        int discarded;
        lock (_gate)
        {
            if (_abandoned)
            {
                return;
            }

            _abandoned = true;
            discarded = _buffered;
            _inbound.Clear();
            _buffered = 0;
        }

        if (discarded > 0)
        {
            OnConsumed(discarded);
        }

        try
        {
            await CloseWriteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            DeliverReset();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The stream was reset; wake anything waiting.</summary>
    protected virtual void OnReset()
    {
    }

    /// <summary>The application consumed <paramref name="count"/> bytes (yamux grants window for them).</summary>
    protected virtual void OnConsumed(int count)
    {
    }

    protected abstract ValueTask SendDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    protected abstract ValueTask SendCloseAsync(CancellationToken cancellationToken);

    protected abstract void SendReset();
}
