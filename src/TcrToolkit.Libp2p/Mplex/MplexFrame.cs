namespace TcrToolkit.Libp2p.Mplex;

/// <summary>mplex frame flags (libp2p/specs mplex/README.md).</summary>
internal enum MplexFlag : byte
{
    NewStream = 0,
    MessageReceiver = 1,
    MessageInitiator = 2,
    CloseReceiver = 3,
    CloseInitiator = 4,
    ResetReceiver = 5,
    ResetInitiator = 6,
}

/// <summary>An mplex frame: varint <c>(stream id &lt;&lt; 3) | flag</c>, varint length, payload.</summary>
internal static class MplexFrame
{
    public const int MaxHeaderSize = 2 * UnsignedVarint.MaxLength;

    /// <summary>Encodes a whole frame into a new array.</summary>
    public static byte[] Encode(ulong streamId, MplexFlag flag, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[MaxHeaderSize];
        var n = UnsignedVarint.Write(header, (streamId << 3) | (byte)flag);
        n += UnsignedVarint.Write(header[n..], (ulong)payload.Length);
        var frame = new byte[n + payload.Length];
        header[..n].CopyTo(frame);
        payload.CopyTo(frame.AsSpan(n));
        return frame;
    }

    /// <summary>The outcome of <see cref="TryReadHeader"/>.</summary>
    public enum Result
    {
        Done,
        NeedMoreData,
        Invalid,
    }

    /// <summary>Decodes a frame header; refuses flag 7, stream ids above 2^32 and lengths above <paramref name="maxLength"/>.</summary>
    public static Result TryReadHeader(ReadOnlySpan<byte> source, int maxLength, out uint streamId, out MplexFlag flag, out int length, out int headerSize, out string? error)
    {
        streamId = 0;
        flag = 0;
        length = 0;
        headerSize = 0;
        error = null;
        var first = UnsignedVarint.TryRead(source, out var header, out var n1);
        if (first != UnsignedVarint.ReadResult.Done)
        {
            error = "bad header varint";
            return first == UnsignedVarint.ReadResult.NeedMoreData ? Result.NeedMoreData : Result.Invalid;
        }

        var second = UnsignedVarint.TryRead(source[n1..], out var size, out var n2);
        if (second != UnsignedVarint.ReadResult.Done)
        {
            error = "bad length varint";
            return second == UnsignedVarint.ReadResult.NeedMoreData ? Result.NeedMoreData : Result.Invalid;
        }

        if ((header & 7) == 7)
        {
            error = "unknown mplex flag 7";
            return Result.Invalid;
        }

        if (header >> 3 > uint.MaxValue)
        {
            error = "mplex stream id above 2^32";
            return Result.Invalid;
        }

        if (size > (ulong)maxLength)
        {
            error = $"mplex frame of {size} bytes exceeds the limit of {maxLength}";
            return Result.Invalid;
        }

        streamId = (uint)(header >> 3);
        flag = (MplexFlag)(header & 7);
        length = (int)size;
        headerSize = n1 + n2;
        return Result.Done;
    }
}
