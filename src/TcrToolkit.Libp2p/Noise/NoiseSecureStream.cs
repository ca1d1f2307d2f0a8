using System.Buffers.Binary;
using TcrToolkit.Libp2p.Muxing;

namespace TcrToolkit.Libp2p.Noise;

/// <summary>
/// The Noise transport phase as a <see cref="Stream"/>: every write is cut into messages of at most 65,519 plaintext
/// bytes, each sent as a 2-byte length, ciphertext and tag; reads decrypt one message at a time. One reader and one
/// writer may run at once.
/// </summary>
internal sealed class NoiseSecureStream : Stream
{
    public const int MaxPlaintext = NoiseHandshake.MaxMessageSize - NoiseCipher.TagSize;

    private readonly Stream _inner;
    private readonly NoiseCipher _send;
    private readonly NoiseCipher _receive;
    private readonly byte[] _sendBuffer = new byte[2 + NoiseHandshake.MaxMessageSize];
    private readonly FrameReader _frames;
    private readonly byte[] _plaintext = new byte[MaxPlaintext];
    private int _plaintextOffset;
    private int _plaintextLength;
    private bool _disposed;

    public NoiseSecureStream(Stream inner, NoiseCipher send, NoiseCipher receive)
    {
        _inner = inner;
        _send = send;
        _receive = receive;
        _frames = new FrameReader(inner, 4 * (2 + NoiseHandshake.MaxMessageSize), "Noise frame");
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_plaintextLength == 0)
        {
            // Socket reads fill a 256 KiB buffer, so one receive call usually brings several whole frames.
            if (!await _frames.EnsureAsync(2, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(_frames.Available);
            if (length < NoiseCipher.TagSize)
            {
                throw new Libp2pProtocolException($"A Noise frame of {length} bytes is shorter than its tag.");
            }

            if (!await _frames.EnsureAsync(2 + length, cancellationToken).ConfigureAwait(false))
            {
                throw new Libp2pProtocolException("The connection ended inside a Noise frame.");
            }

            // The frame stays in the reader's buffer until the next read fills it again.
            var frame = _frames.Available.Slice(2, length);
            _frames.Consume(2 + length);
            var plaintextLength = length - NoiseCipher.TagSize;
            var direct = buffer.Length >= plaintextLength;
            var target = direct ? buffer.Span : _plaintext;
            if (!_receive.TryDecrypt([], frame, target))
            {
                throw new Libp2pProtocolException("A Noise frame failed authentication.");
            }

            if (direct)
            {
                return plaintextLength;
            }

            _plaintextOffset = 0;
            _plaintextLength = plaintextLength;
        }

        var count = Math.Min(buffer.Length, _plaintextLength);
        _plaintext.AsSpan(_plaintextOffset, count).CopyTo(buffer.Span);
        _plaintextOffset += count;
        _plaintextLength -= count;
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, MaxPlaintext)];
            BinaryPrimitives.WriteUInt16BigEndian(_sendBuffer, (ushort)(chunk.Length + NoiseCipher.TagSize));
            _send.Encrypt([], chunk.Span, _sendBuffer.AsSpan(2, chunk.Length + NoiseCipher.TagSize));
            await _inner.WriteAsync(_sendBuffer.AsMemory(0, 2 + chunk.Length + NoiseCipher.TagSize), cancellationToken).ConfigureAwait(false);
            buffer = buffer[chunk.Length..];
        }
    }

    /// <summary>
    /// Sends <paramref name="header"/> and <paramref name="payload"/> as one Noise message, encrypted in place in the
    /// send buffer (no intermediate frame array). Together they must fit in <see cref="MaxPlaintext"/>.
    /// </summary>
    public async ValueTask WriteMessageAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var length = header.Length + payload.Length;
        if (length > MaxPlaintext)
        {
            throw new ArgumentException($"A Noise message holds at most {MaxPlaintext} bytes; got {length}.", nameof(payload));
        }

        BinaryPrimitives.WriteUInt16BigEndian(_sendBuffer, (ushort)(length + NoiseCipher.TagSize));
        header.Span.CopyTo(_sendBuffer.AsSpan(2));
        payload.Span.CopyTo(_sendBuffer.AsSpan(2 + header.Length));
        var plaintext = _sendBuffer.AsSpan(2, length);
        _send.Encrypt([], plaintext, _sendBuffer.AsSpan(2, length + NoiseCipher.TagSize));
        await _inner.WriteAsync(_sendBuffer.AsMemory(0, 2 + length + NoiseCipher.TagSize), cancellationToken).ConfigureAwait(false);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _inner.Dispose();
            _send.Dispose();
            _receive.Dispose();
        }

        base.Dispose(disposing);
    }
}
