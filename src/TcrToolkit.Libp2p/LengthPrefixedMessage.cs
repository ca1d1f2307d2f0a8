namespace TcrToolkit.Libp2p;

/// <summary>
/// Messages framed as an unsigned varint length followed by that many bytes — how libp2p request/response protocols
/// (identify, Waku store, light push) put protobuf messages on a stream.
/// </summary>
public static class LengthPrefixedMessage
{
    /// <summary>
    /// Reads one message. Returns null when the stream ends cleanly before the first byte (the remote closed its side).
    /// The length is checked against <paramref name="maxLength"/> before any payload byte is buffered.
    /// </summary>
    /// <exception cref="MessageTooLargeException">The announced length exceeds <paramref name="maxLength"/>.</exception>
    /// <exception cref="Libp2pProtocolException">The varint is invalid or the stream ends inside the message.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, int maxLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var length = await UnsignedVarint.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        if (length is null)
        {
            return null;
        }

        if (length.Value > (ulong)maxLength)
        {
            throw new MessageTooLargeException(length.Value, maxLength);
        }

        var message = new byte[(int)length.Value];
        try
        {
            await stream.ReadExactlyAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new Libp2pProtocolException($"The stream ended inside a message of {message.Length} bytes.", ex);
        }

        return message;
    }

    /// <summary>Writes one message (length prefix and payload in a single write) and flushes the stream.</summary>
    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[UnsignedVarint.GetSize((ulong)message.Length) + message.Length];
        var prefix = UnsignedVarint.Write(buffer, (ulong)message.Length);
        message.Span.CopyTo(buffer.AsSpan(prefix));
        await stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encodes one message with its length prefix into a new array.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> message)
    {
        var buffer = new byte[UnsignedVarint.GetSize((ulong)message.Length) + message.Length];
        var prefix = UnsignedVarint.Write(buffer, (ulong)message.Length);
        message.CopyTo(buffer.AsSpan(prefix));
        return buffer;
    }
}
