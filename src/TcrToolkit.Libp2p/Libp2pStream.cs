namespace TcrToolkit.Libp2p;

/// <summary>
/// One multiplexed stream after protocol negotiation: a duplex <see cref="Stream"/>. Writing sends, reading receives
/// (0 means the remote closed its side), <see cref="CloseWriteAsync"/> half-closes, and disposing closes our side and
/// discards whatever the remote still sends. <see cref="Reset"/> aborts both directions; after a reset, reads and
/// writes throw <see cref="StreamResetException"/>. Reads may run concurrently with writes, but not with other reads,
/// nor writes with other writes.
/// </summary>
public abstract class Libp2pStream : Stream
{
    /// <summary>The protocol agreed with multistream-select.</summary>
    public string Protocol { get; internal set; } = string.Empty;

    /// <summary>The peer at the other end.</summary>
    public abstract PeerId RemotePeer { get; }

    /// <summary>Half-closes: tells the remote we will send nothing more; reading goes on.</summary>
    public abstract ValueTask CloseWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Aborts the stream in both directions and tells the remote.</summary>
    public abstract void Reset();

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);
}

/// <summary>An inbound stream handed to a protocol handler: who opened it, and the stream itself.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name the Waku layer is written against; it holds a stream rather than being one.")]
public sealed class IncomingStream
{
    internal IncomingStream(Libp2pConnection connection, Libp2pStream stream)
    {
        Connection = connection;
        Stream = stream;
    }

    /// <summary>The peer that opened the stream (proved in the Noise handshake).</summary>
    public PeerId RemotePeer => Connection.RemotePeer;

    /// <summary>The protocol agreed with multistream-select.</summary>
    public string Protocol => Stream.Protocol;

    /// <summary>The connection the stream belongs to.</summary>
    public Libp2pConnection Connection { get; }

    /// <summary>The duplex stream. The host disposes it when the handler returns.</summary>
    public Libp2pStream Stream { get; }
}

/// <summary>What a peer said about itself in identify (<c>/ipfs/id/1.0.0</c>).</summary>
public sealed record IdentifyInfo
{
    /// <summary>The peer's protocol version string.</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>The peer's agent (implementation) string.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>The protocols the peer handles.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];

    /// <summary>The addresses the peer listens on (those that parse).</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses { get; init; } = [];

    /// <summary>Our address as the peer sees it, if it said and it parses.</summary>
    public Multiaddr? ObservedAddress { get; init; }

    /// <summary>The peer id derived from the public key in the message, if one was sent.</summary>
    public PeerId? PublicKeyPeerId { get; init; }
}
