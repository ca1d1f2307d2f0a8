using System.Security.Cryptography;
using CsCheck;
using TcrToolkit.Discovery.Fuzz;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests;

/// <summary>Property tests of the decoders (CsCheck) and a replay of the committed fuzz corpus.</summary>
public sealed class PropertyTests
{
    private static readonly PrivateKey Key = PrivateKey.ParseHex("0xb71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291");
    private static readonly Bytes32 LocalId = new(Convert.FromHexString("bbbb9d047f0488c0b5a93c1c3f2d8bafc7c8ff337024a55434a0d0555de64db9"));

    private static readonly Gen<(string Key, byte[] Value)[]> GenPairs =
        Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 8], Gen.Byte.Array[0, 20]).Array[0, 6];

    [Fact]
    public void Enr_RandomEntries_RoundTripThroughTextAndBytes()
    {
        Gen.Select(GenPairs, Gen.ULong[1, ulong.MaxValue - 1]).Sample((pairs, seq) =>
        {
            var builder = new EnrBuilder { Sequence = seq };
            foreach (var (k, v) in pairs.DistinctBy(p => p.Key).Where(p => p.Key is not "id" and not "secp256k1"))
            {
                builder.Set(k, v);
            }

            var record = builder.Build(Key);
            var parsed = Enr.Parse(record.ToString());
            return parsed.Equals(record) && parsed.Sequence == seq && parsed.NodeId == Key.PublicKey.NodeId;
        }, iter: 200);
    }

    [Fact]
    public void Enr_MutatedValidRecord_NeverThrowsAndNeverVerifiesWithChangedContent()
    {
        var valid = new EnrBuilder().SetUdp(30303).Set("x", [1, 2, 3]).Build(Key).ToBytes();
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte[1, 255]).Sample((index, flip) =>
        {
            var mutated = (byte[])valid.Clone();
            mutated[index] ^= flip;
            var ok = Enr.TryDecode(mutated, out var record, out var reason);
            // A flipped byte either breaks the encoding or the signature; only a change inside the signature itself
            // could in theory verify, which would need a forged signature.
            return !ok && record is null && reason.Length > 0;
        }, iter: 300);
    }

    [Fact]
    public void Decoders_RandomBytes_NeverThrow()
    {
        Gen.Byte.Array[0, 1400].Sample(bytes =>
        {
            DecoderTarget.Run(bytes);
            return true;
        }, iter: 2000);
    }

    [Fact]
    public void PacketDecoder_TruncatedOrMutatedVectorPackets_NeverThrow()
    {
        var packets = Directory.GetFiles(CorpusDirectory(), "*packet*").Select(File.ReadAllBytes).ToArray();
        using var masking = V4Crypto.CreateAes(LocalId.AsSpan());
        Gen.Select(Gen.Int[0, packets.Length - 1], Gen.Int[0, 400], Gen.Int[0, 399], Gen.Byte).Sample((which, cut, at, value) =>
        {
            var packet = packets[which];
            var truncated = packet.AsSpan(0, Math.Min(cut, packet.Length)).ToArray();
            PacketCodec.TryDecode(truncated, masking, PacketCodec.DefaultProtocolId, out _, out _);
            var mutated = (byte[])packet.Clone();
            mutated[at % mutated.Length] ^= value;
            if (PacketCodec.TryDecode(mutated, masking, PacketCodec.DefaultProtocolId, out var decoded, out _) && decoded!.MessageCiphertext.Length >= 16)
            {
                PacketCodec.TryDecryptMessage(decoded, RandomNumberGenerator.GetBytes(16), out _);
            }

            return true;
        }, iter: 2000);
    }

    [Fact]
    public void MessageCodec_RandomMessages_RoundTrip()
    {
        var genId = Gen.Byte.Array[0, 8];
        Gen.Select(genId, Gen.ULong, Gen.Int[0, 256].Array[1, 5], Gen.Byte.Array[0, 64]).Sample((id, seq, distances, payload) =>
        {
            DiscoveryMessage[] messages =
            [
                new PingMessage(id, seq),
                new FindNodeMessage(id, distances),
                new TalkRequestMessage(id, payload, payload),
                new TalkResponseMessage(id, payload),
            ];
            foreach (var m in messages)
            {
                if (!MessageCodec.TryDecode(MessageCodec.Encode(m), out var back, out _) || back!.GetType() != m.GetType() || !back.RequestId.SequenceEqual(id))
                {
                    return false;
                }
            }

            return true;
        }, iter: 300);
    }

    [Fact]
    public void FuzzCorpus_ReplaysWithoutExceptions()
    {
        var files = Directory.GetFiles(CorpusDirectory());

        foreach (var file in files)
        {
            DecoderTarget.Run(File.ReadAllBytes(file));
        }

        files.Should().HaveCountGreaterThan(10);
    }

    private static string CorpusDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TcrToolkit.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "tests", "TcrToolkit.Discovery.Fuzz", "corpus");
    }
}
