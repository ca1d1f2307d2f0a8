using System.Net;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>A discv5 message (discv5-wire.md "Protocol Messages"); every one starts with a request id of at most 8 bytes.</summary>
internal abstract record DiscoveryMessage(byte[] RequestId)
{
    public const int MaxRequestIdSize = 8;

    public abstract byte Type { get; }
}

internal sealed record PingMessage(byte[] RequestId, ulong EnrSeq) : DiscoveryMessage(RequestId)
{
    public override byte Type => 0x01;
}

internal sealed record PongMessage(byte[] RequestId, ulong EnrSeq, IPAddress RecipientIp, int RecipientPort) : DiscoveryMessage(RequestId)
{
    public override byte Type => 0x02;
}

internal sealed record FindNodeMessage(byte[] RequestId, int[] Distances) : DiscoveryMessage(RequestId)
{
    public override byte Type => 0x03;
}

/// <summary>NODES carries raw records; the node verifies each one before use.</summary>
internal sealed record NodesMessage(byte[] RequestId, int Total, byte[][] Records) : DiscoveryMessage(RequestId)
{
    public override byte Type => 0x04;
}

internal sealed record TalkRequestMessage(byte[] RequestId, byte[] Protocol, byte[] Request) : DiscoveryMessage(RequestId)
{
    public override byte Type => 0x05;
}

internal sealed record TalkResponseMessage(byte[] RequestId, byte[] Response) : DiscoveryMessage(RequestId)
{
    public override byte Type => 0x06;
}

/// <summary>message-pt = message-type || rlp(message-data). Decoding is bounded and reports failures as reasons.</summary>
internal static class MessageCodec
{
    /// <summary>The most distances a FINDNODE may carry before it is rejected.</summary>
    public const int MaxDistances = 256;

    /// <summary>The most records one NODES message may carry (a 1280-byte packet cannot hold more).</summary>
    public const int MaxRecordsPerNodes = 32;

    public static byte[] Encode(DiscoveryMessage message)
    {
        var writer = new RlpWriter(128);
        var marker = writer.StartList();
        writer.WriteString(message.RequestId);
        switch (message)
        {
            case PingMessage ping:
                writer.WriteUInt64(ping.EnrSeq);
                break;
            case PongMessage pong:
                writer.WriteUInt64(pong.EnrSeq);
                var ip = pong.RecipientIp.IsIPv4MappedToIPv6 ? pong.RecipientIp.MapToIPv4() : pong.RecipientIp;
                writer.WriteString(ip.GetAddressBytes());
                writer.WriteUInt64((ulong)pong.RecipientPort);
                break;
            case FindNodeMessage find:
                var list = writer.StartList();
                foreach (var d in find.Distances)
                {
                    writer.WriteUInt64((ulong)d);
                }

                writer.EndList(list);
                break;
            case NodesMessage nodes:
                writer.WriteUInt64((ulong)nodes.Total);
                var records = writer.StartList();
                foreach (var r in nodes.Records)
                {
                    writer.WriteEncoded(r);
                }

                writer.EndList(records);
                break;
            case TalkRequestMessage talk:
                writer.WriteString(talk.Protocol);
                writer.WriteString(talk.Request);
                break;
            case TalkResponseMessage resp:
                writer.WriteString(resp.Response);
                break;
            default:
                throw new ArgumentException($"Unknown message {message.GetType().Name}.", nameof(message));
        }

        writer.EndList(marker);
        var result = new byte[1 + writer.Length];
        result[0] = message.Type;
        writer.WrittenSpan.CopyTo(result.AsSpan(1));
        return result;
    }

    public static bool TryDecode(ReadOnlySpan<byte> plaintext, out DiscoveryMessage? message, out string reason)
    {
        message = null;
        if (plaintext.IsEmpty)
        {
            reason = "the message is empty.";
            return false;
        }

        try
        {
            var outer = new RlpReader(plaintext[1..]);
            if (!outer.HasRemaining || !outer.NextIsList)
            {
                reason = "the message data is not an RLP list.";
                return false;
            }

            var list = outer.ReadList();
            outer.EnsureEnd();
            if (!list.HasRemaining || list.NextIsList)
            {
                reason = "the message has no request id.";
                return false;
            }

            var requestId = list.ReadString();
            if (requestId.Length > DiscoveryMessage.MaxRequestIdSize)
            {
                reason = $"the request id is {requestId.Length} bytes; at most 8 are allowed.";
                return false;
            }

            var id = requestId.ToArray();
            switch (plaintext[0])
            {
                case 0x01:
                    message = new PingMessage(id, list.ReadUInt64());
                    break;
                case 0x02:
                    {
                        var seq = list.ReadUInt64();
                        var ip = list.ReadString();
                        if (ip.Length is not (4 or 16))
                        {
                            reason = "the PONG address is neither 4 nor 16 bytes.";
                            return false;
                        }

                        var port = list.ReadUInt64();
                        if (port > ushort.MaxValue)
                        {
                            reason = "the PONG port is above 65535.";
                            return false;
                        }

                        message = new PongMessage(id, seq, new IPAddress(ip), (int)port);
                        break;
                    }

                case 0x03:
                    {
                        var distances = new List<int>();
                        var inner = list.ReadList();
                        while (inner.HasRemaining)
                        {
                            if (distances.Count == MaxDistances)
                            {
                                reason = "the FINDNODE carries too many distances.";
                                return false;
                            }

                            var d = inner.ReadUInt64();
                            if (d > 256)
                            {
                                reason = $"the distance {d} is above 256.";
                                return false;
                            }

                            distances.Add((int)d);
                        }

                        message = new FindNodeMessage(id, [.. distances]);
                        break;
                    }

                case 0x04:
                    {
                        var total = list.ReadUInt64();
                        var records = new List<byte[]>();
                        var inner = list.ReadList();
                        while (inner.HasRemaining)
                        {
                            if (records.Count == MaxRecordsPerNodes)
                            {
                                reason = "the NODES message carries too many records.";
                                return false;
                            }

                            records.Add(inner.ReadEncodedItem().ToArray());
                        }

                        message = new NodesMessage(id, (int)Math.Min(total, 256), [.. records]);
                        break;
                    }

                case 0x05:
                    message = new TalkRequestMessage(id, list.ReadString().ToArray(), list.ReadString().ToArray());
                    break;
                case 0x06:
                    message = new TalkResponseMessage(id, list.ReadString().ToArray());
                    break;
                default:
                    reason = $"the message type 0x{plaintext[0]:x2} is unknown or not served.";
                    return false;
            }

            // Later versions may append fields; extra list elements are ignored, as the spec's forward compatibility asks.
            reason = string.Empty;
            return true;
        }
        catch (EthereumFormatException ex)
        {
            message = null;
            reason = $"the message RLP is malformed ({ex.Message})";
            return false;
        }
    }
}
