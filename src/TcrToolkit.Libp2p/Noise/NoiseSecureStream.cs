using System.Buffers.Binary;

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
    private readonly byte[] _receiveBuffer = new byte[NoiseHandshake.MaxMessageSize];
    private readonly byte[] _plaintext = new byte[MaxPlaintext];
    private int _plaintextOffset;
    private int _plaintextLength;
    private bool _disposed;

    public NoiseSecureStream(Stream inner, NoiseCipher send, NoiseCipher receive)
    {
        _inner = inner;
        _send = send;
        _receive = receive;
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
            var header = _receiveBuffer.AsMemory(0, 2);
            var first = await _inner.ReadAtLeastAsync(header, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (first == 0)
            {
                return 0;
            }

            if (first < 2)
            {
                throw new Libp2pProtocolException("The connection ended inside a Noise frame header.");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(_receiveBuffer);
            if (length < NoiseCipher.TagSize)
            {
                throw new Libp2pProtocolException($"A Noise frame of {length} bytes is shorter than its tag.");
            }

            try
            {
                await _inner.ReadExactlyAsync(_receiveBuffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException ex)
            {
                throw new Libp2pProtocolException("The connection ended inside a Noise frame.", ex);
            }

            var plaintextLength = length - NoiseCipher.TagSize;
            var direct = buffer.Length >= plaintextLength;
            var target = direct ? buffer.Span : _plaintext;
            if (!_receive.TryDecrypt([], _receiveBuffer.AsSpan(0, length), target))
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
