using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Fuzz;

/// <summary>
/// One fuzz input exercises every decoder a peer can reach: the ENR decoder and text parser, the packet unmasking and
/// header parser (under a fixed local id), the message decoder, and GCM decryption with a fixed key. Any exception
/// other than the decoders' documented rejections is a finding.
/// </summary>
public static class DecoderTarget
{
    private static readonly byte[] LocalId = Convert.FromHexString("bbbb9d047f0488c0b5a93c1c3f2d8bafc7c8ff337024a55434a0d0555de64db9");
    private static readonly Aes Masking = V4Crypto.CreateAes(LocalId);

    /// <summary>Runs all decoders over <paramref name="input"/>.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        Enr.TryDecode(input, out _, out _);
        try
        {
            Enr.Parse(Enr.TextPrefix + System.Text.Encoding.Latin1.GetString(input));
        }
        catch (EnrFormatException)
        {
        }

        if (PacketCodec.TryDecode(input, Masking, PacketCodec.DefaultProtocolId, out var packet, out _) && packet!.MessageCiphertext.Length >= PacketCodec.TagSize)
        {
            PacketCodec.TryDecryptMessage(packet, new byte[16], out _);
        }

        if (MessageCodec.TryDecode(input, out var message, out _) && message is NodesMessage nodes)
        {
            foreach (var record in nodes.Records)
            {
                Enr.TryDecode(record, out _, out _);
            }
        }
    }

    internal static Bytes32 Id => new(LocalId);
}
