using System.Buffers;
using Google.Protobuf;

namespace TcrToolkit.Waku.Framing;

/// <summary>
/// Unsigned-varint length-prefixed frames, as every Waku request/response protocol writes one protobuf per frame
/// (js-waku's it-length-prefixed, nwaku's writeLp/readLp). Reads are bounded: a prefix longer than 5 bytes or a length
/// above the caller's maximum is a protocol violation before any body byte is allocated.
/// </summary>
public static class LengthPrefixedFrames
{
    /// <summary>Reads one frame.</summary>
    /// <param name="stream">The stream to read from.</param>
    /// <param name="maxLength">The largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body, or <see langword="null"/> when the stream ended cleanly before a prefix.</returns>
    /// <exception cref="WakuProtocolViolationException">The prefix is malformed, too large, or the body is cut short.</exception>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var one = new byte[1];
        ulong length = 0;
        var shift = 0;
        for (var i = 0; ; i++)
        {
            var read = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (i == 0)
                {
                    return null;
                }

                throw new WakuProtocolViolationException("The stream ended inside a frame's length prefix.");
            }

            if (i >= 5)
            {
                throw new WakuProtocolViolationException("A frame's length prefix is longer than 5 bytes.");
            }

            length |= (ulong)(one[0] & 0x7F) << shift;
            shift += 7;
            if ((one[0] & 0x80) == 0)
            {
                if (i > 0 && one[0] == 0)
                {
                    throw new WakuProtocolViolationException("A frame's length prefix is not minimally encoded.");
                }

                break;
            }
        }

        if (length > (ulong)maxLength)
        {
            throw new WakuProtocolViolationException($"A frame of {length} bytes exceeds the limit of {maxLength} bytes.");
        }

        var body = new byte[(int)length];
        var offset = 0;
        while (offset < body.Length)
        {
            var read = await stream.ReadAsync(body.AsMemory(offset), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new WakuProtocolViolationException(
                    $"The stream ended after {offset} of a frame's {body.Length} bytes.");
            }

            offset += read;
        }

        return body;
    }

    /// <summary>Writes one protobuf message as a frame and flushes.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the frame is flushed.</returns>
    public static async Task WriteAsync(Stream stream, IMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        var total = CodedOutputStream.ComputeLengthSize(size) + size;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var output = new CodedOutputStream(buffer);
            output.WriteLength(size);
            message.WriteTo(output);
            output.Flush();
            await stream.WriteAsync(buffer.AsMemory(0, total), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a frame body with <paramref name="parser"/>, turning malformed protobuf into a protocol violation.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="parser">The generated parser.</param>
    /// <param name="body">The frame body.</param>
    /// <returns>The message.</returns>
    /// <exception cref="WakuProtocolViolationException">The body is not a valid message.</exception>
    public static T Parse<T>(MessageParser<T> parser, byte[] body)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WakuProtocolViolationException($"A {typeof(T).Name} frame is not valid protobuf: {ex.Message}", ex);
        }
    }
}
