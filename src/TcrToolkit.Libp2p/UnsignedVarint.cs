namespace TcrToolkit.Libp2p;

/// <summary>
/// The multiformats unsigned varint: 7 bits a byte, least significant group first, at most 9 bytes (63 bits), and
/// minimally encoded (a trailing zero byte is refused).
/// </summary>
public static class UnsignedVarint
{
    /// <summary>The longest encoding the multiformats spec allows.</summary>
    public const int MaxLength = 9;

    /// <summary>Returns how many bytes <paramref name="value"/> takes.</summary>
    public static int GetSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value needs more than 63 bits.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static int Write(Span<byte> destination, ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (ulong)long.MaxValue);
        var size = GetSize(value);
        if (destination.Length < size)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {size} are needed.", nameof(destination));
        }

        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>The outcome of <see cref="TryRead"/>.</summary>
    public enum ReadResult
    {
        /// <summary>A value was read.</summary>
        Done,

        /// <summary>The input ends inside the varint; more bytes are needed.</summary>
        NeedMoreData,

        /// <summary>The varint is longer than 9 bytes or not minimally encoded.</summary>
        Invalid,
    }

    /// <summary>Reads a varint from the start of <paramref name="source"/>.</summary>
    public static ReadResult TryRead(ReadOnlySpan<byte> source, out ulong value, out int bytesRead)
    {
        value = 0;
        bytesRead = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            if (i >= source.Length)
            {
                return ReadResult.NeedMoreData;
            }

            var b = source[i];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    value = 0;
                    return ReadResult.Invalid;
                }

                bytesRead = i + 1;
                return ReadResult.Done;
            }
        }

        value = 0;
        return ReadResult.Invalid;
    }

    /// <summary>Reads a varint that must be complete and valid.</summary>
    /// <exception cref="Libp2pProtocolException">The input is truncated, too long or not minimal.</exception>
    public static ulong Read(ReadOnlySpan<byte> source, out int bytesRead) =>
        TryRead(source, out var value, out bytesRead) switch
        {
            ReadResult.Done => value,
            ReadResult.NeedMoreData => throw new Libp2pProtocolException("The input ends inside a varint."),
            _ => throw new Libp2pProtocolException("A varint is longer than 9 bytes or not minimally encoded."),
        };

    /// <summary>
    /// Reads a varint from a stream one byte at a time. Returns null when the stream ends before the first byte.
    /// </summary>
    /// <exception cref="Libp2pProtocolException">The stream ends inside the varint, or the varint is invalid.</exception>
    public static async ValueTask<ulong?> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[1];
        ulong value = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return i == 0 ? null : throw new Libp2pProtocolException("The stream ended inside a varint.");
            }

            var b = buffer[0];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw new Libp2pProtocolException("A varint is not minimally encoded.");
                }

                return value;
            }
        }

        throw new Libp2pProtocolException("A varint is longer than 9 bytes.");
    }
}
