using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p.Mplex;
using TcrToolkit.Libp2p.Multistream;
using TcrToolkit.Libp2p.Protocols;
using TcrToolkit.Libp2p.Yamux;

namespace TcrToolkit.Libp2p.Fuzz;

/// <summary>Valid and edge-case inputs for each target, written once and committed as the starting corpus.</summary>
public static class SeedCorpus
{
    public static void Write(string directory)
    {
        foreach (var (target, seeds) in Seeds())
        {
            var folder = Path.Combine(directory, target);
            Directory.CreateDirectory(folder);
            var i = 0;
            foreach (var seed in seeds)
            {
                File.WriteAllBytes(Path.Combine(folder, $"seed-{i++:D3}"), seed);
            }
        }
    }

    private static byte[] Yamux(YamuxType type, YamuxFlags flags, uint id, uint length, byte[]? payload = null) =>
        [.. new YamuxHeader(type, flags, id, length).ToArray(), .. payload ?? []];

    private static IEnumerable<(string, byte[][])> Seeds()
    {
        using var key = PrivateKey.ParseHex("53DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB");
        var identity = IdentityKey.FromSecp256k1(key.PublicKey);
        var staticKey = new byte[32];
        byte[] payload = new ProtoWriter()
            .WriteBytesField(1, identity.Marshal())
            .WriteBytesField(2, IdentityKey.SignSecp256k1(key, [.. "noise-libp2p-static-key:"u8.ToArray(), .. staticKey]))
            .ToArray();
        yield return ("yamux-session",
        [
            [.. Yamux(YamuxType.WindowUpdate, YamuxFlags.Syn, 2, 0), .. Yamux(YamuxType.Data, YamuxFlags.None, 2, 5, "hello"u8.ToArray()), .. Yamux(YamuxType.WindowUpdate, YamuxFlags.Fin, 2, 0)],
            [.. Yamux(YamuxType.Ping, YamuxFlags.Syn, 0, 7), .. Yamux(YamuxType.GoAway, YamuxFlags.None, 0, 0)],
            [.. Yamux(YamuxType.Data, YamuxFlags.Syn, 4, 3, [1, 2, 3]), .. Yamux(YamuxType.WindowUpdate, YamuxFlags.Rst, 4, 0)],
            Yamux(YamuxType.Data, YamuxFlags.Syn, 2, 300000),
            Yamux(YamuxType.Data, YamuxFlags.Syn, 3, 0),
        ]);
        yield return ("mplex-session",
        [
            [.. MplexFrame.Encode(0, MplexFlag.NewStream, "0"u8), .. MplexFrame.Encode(0, MplexFlag.MessageInitiator, "hello"u8), .. MplexFrame.Encode(0, MplexFlag.CloseInitiator, [])],
            [.. MplexFrame.Encode(1, MplexFlag.NewStream, "1"u8), .. MplexFrame.Encode(1, MplexFlag.ResetInitiator, [])],
            MplexFrame.Encode(5, MplexFlag.MessageReceiver, new byte[100]),
            [0x07, 0x00],
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
        ]);
        yield return ("yamux-header", [Yamux(YamuxType.WindowUpdate, YamuxFlags.Syn, 1, 0), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
        yield return ("mplex-header", [MplexFrame.Encode(3, MplexFlag.MessageInitiator, [9]), [0x80, 0x80, 0x01, 0x05]]);
        yield return ("multistream", [MultistreamSelect.Encode(MultistreamSelect.Header), MultistreamSelect.Encode("na"), [0x05, (byte)'a', (byte)'b']]);
        yield return ("noise-payload", [payload, payload[..^3]]);
        yield return ("identify",
        [
            Identify.Encode(identity, [Multiaddr.Parse("/ip4/127.0.0.1/tcp/60000"), Multiaddr.Parse("/dns4/example.org/tcp/443/wss")], ["/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"], Multiaddr.Parse("/ip6/::1/tcp/1/ws"), "ipfs/0.1.0", "fuzz"),
        ]);
        yield return ("multiaddr", [Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001/p2p/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY").ToBytes(), Multiaddr.Parse("/dns4/a.b/tcp/1/ws").ToBytes()]);
        yield return ("peer-id", [PeerId.FromPublicKey(key.PublicKey).ToBytes(), PeerId.Parse("12D3KooWKjHQZUBCpyB7f1XprBB3s4sBVqWM9U7qzDMdUKeSQRdd").ToBytes()]);
        yield return ("length-prefixed", [LengthPrefixedMessage.Encode(new byte[300]), [0xff, 0xff, 0x03]]);
    }
}
