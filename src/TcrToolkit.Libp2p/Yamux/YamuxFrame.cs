using System.Buffers.Binary;

namespace TcrToolkit.Libp2p.Yamux;

/// <summary>yamux frame types (libp2p/specs yamux/README.md).</summary>
internal enum YamuxType : byte
{
    Data = 0,
    WindowUpdate = 1,
    Ping = 2,
    GoAway = 3,
}

/// <summary>yamux header flags.</summary>
[Flags]
internal enum YamuxFlags : ushort
{
    None = 0,
    Syn = 1,
    Ack = 2,
    Fin = 4,
    Rst = 8,
}

/// <summary>The 12-byte yamux header: version, type, flags, stream id, length — all big-endian.</summary>
internal readonly record struct YamuxHeader(YamuxType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    public const int Size = 12;

    public void Write(Span<byte> destination)
    {
        destination[0] = 0;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Length);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        Write(bytes);
        return bytes;
    }

    /// <summary>Decodes a header; fails on a short input, a version other than 0, an unknown type or unknown flags.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out YamuxHeader header, out string? error)
    {
        header = default;
        error = null;
        if (source.Length < Size)
        {
            error = "short header";
            return false;
        }

        if (source[0] != 0)
        {
            error = $"yamux version {source[0]} is not 0";
            return false;
        }

        if (source[1] > (byte)YamuxType.GoAway)
        {
            error = $"unknown yamux frame type {source[1]}";
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        if ((flags & ~0xf) != 0)
        {
            error = $"unknown yamux flags 0x{flags:x4}";
            return false;
        }

        header = new YamuxHeader(
            (YamuxType)source[1],
            (YamuxFlags)flags,
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]));
        return true;
    }
}
