using System.Net;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests;

public sealed class EnrTests
{
    private const string Eip778Example =
        "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8";

    private const string Eip778Key = "0xb71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";

    [Fact]
    public void Parse_Eip778Example_YieldsNodeIdAndEndpoint()
    {
        var record = Enr.Parse(Eip778Example);

        record.NodeId.ToString().Should().Be("0xa448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7");
        record.Sequence.Should().Be(1);
        record.Ip.Should().Be(IPAddress.Parse("127.0.0.1"));
        record.Udp.Should().Be(30303);
        record.Tcp.Should().BeNull();
        record.Keys.Should().Equal("id", "ip", "secp256k1", "udp");
        record.ToString().Should().Be(Eip778Example);
    }

    [Fact]
    public void Build_WithEip778KeyAndFields_ReproducesTheExampleByteForByte()
    {
        using var key = PrivateKey.ParseHex(Eip778Key);

        var record = new EnrBuilder { Sequence = 1 }.SetIp(IPAddress.Loopback).SetUdp(30303).Build(key);

        record.ToString().Should().Be(Eip778Example);
    }

    [Fact]
    public void Decode_UnknownKeysAndListValues_AreKeptAndReencodedExactly()
    {
        using var key = PrivateKey.ParseHex(Eip778Key);
        var list = Rlp.Encode(new RlpList(new RlpString([1, 2]), new RlpList(new RlpString([3]))));
        var record = new EnrBuilder().Set("zz-custom", [9, 9, 9]).SetEncoded("eth", list).Build(key);

        var decoded = Enr.Decode(record.Encoded);

        decoded.GetString("zz-custom").Should().Equal(9, 9, 9);
        decoded.GetEncodedValue("eth").Should().Equal(list);
        decoded.Encoded.ToArray().Should().Equal(record.Encoded.ToArray());
    }

    [Fact]
    public void Waku2AndMultiaddrs_RoundTripThroughTypedAccessors()
    {
        using var key = PrivateKey.Generate();
        byte[] ws = [0x04, 127, 0, 0, 1, 0x06, 0x1f, 0x90, 0xdd, 0x03];
        byte[] dns = [0x36, 3, (byte)'a', (byte)'.', (byte)'b', 0x06, 0x01, 0xbb];

        var record = new EnrBuilder()
            .SetWaku2(Waku2Capabilities.Relay | Waku2Capabilities.Store)
            .SetMultiaddrs([ws, dns])
            .Build(key);
        var decoded = Enr.Parse(record.ToString());

        decoded.Waku2.Should().Be(Waku2Capabilities.Relay | Waku2Capabilities.Store);
        decoded.Waku2!.Value.HasFlag(Waku2Capabilities.Store).Should().BeTrue();
        decoded.Multiaddrs.Should().HaveCount(2);
        decoded.Multiaddrs[0].Should().Equal(ws);
        decoded.Multiaddrs[1].Should().Equal(dns);
    }

    [Fact]
    public void From_UpdatingAField_IncrementsSequenceAndKeepsOtherEntries()
    {
        using var key = PrivateKey.Generate();
        var first = new EnrBuilder().Set("x", [1]).SetUdp(9000).Build(key);

        var second = EnrBuilder.From(first).SetUdp(9001).Build(key);

        second.Sequence.Should().Be(first.Sequence + 1);
        second.Udp.Should().Be(9001);
        second.GetString("x").Should().Equal(1);
        second.NodeId.Should().Be(first.NodeId);
    }

    [Fact]
    public void Decode_UnsortedKeys_IsRejectedWithReason()
    {
        var encoded = SignedRaw(("udp", [0x76, 0x5f]), ("ip", [127, 0, 0, 1]));

        Enr.TryDecode(encoded, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("not sorted");
    }

    [Fact]
    public void Decode_DuplicateKey_IsRejectedWithReason()
    {
        var encoded = SignedRaw(("ip", [127, 0, 0, 1]), ("ip", [127, 0, 0, 2]));

        Enr.TryDecode(encoded, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("twice");
    }

    [Fact]
    public void Decode_Over300Bytes_IsRejectedWithReason()
    {
        var encoded = SignedRaw(("zz", new byte[260]));

        var act = () => Enr.Decode(encoded);

        act.Should().Throw<EnrFormatException>().Which.Reason.Should().Contain("at most 300");
    }

    [Fact]
    public void Decode_ChangedByte_FailsSignatureCheck()
    {
        var encoded = Enr.Parse(Eip778Example).ToBytes();
        encoded[^1] ^= 1; // the udp port

        Enr.TryDecode(encoded, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("signature");
    }

    [Fact]
    public void Decode_NonCanonicalRlp_IsRejectedWithReason()
    {
        var encoded = Enr.Parse(Eip778Example).ToBytes();
        // The sequence number 1 (0x01) re-encoded as the one-byte string 0x8101 is non-canonical.
        var seqIndex = 2 + 2 + 64;
        encoded[seqIndex].Should().Be(0x01);
        var mangled = encoded[..seqIndex].Concat(new byte[] { 0x81, 0x01 }).Concat(encoded[(seqIndex + 1)..]).ToArray();
        mangled[1] = (byte)(mangled[1] + 1);

        Enr.TryDecode(mangled, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("canonical");
    }

    [Fact]
    public void Parse_Padding_IsRejected()
    {
        var act = () => Enr.Parse(Eip778Example + "=");

        act.Should().Throw<EnrFormatException>().Which.Reason.Should().Contain("padding");
    }

    [Fact]
    public void Decode_UnknownIdentityScheme_IsRejected()
    {
        var encoded = SignedRaw(("id", "v5"u8.ToArray()));

        Enr.TryDecode(encoded, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("v4");
    }

    /// <summary>Encodes [sig, 1, pairs...] exactly in the given order, with the secp256k1 key of the EIP example.</summary>
    private static byte[] SignedRaw(params (string Key, byte[] Value)[] pairs)
    {
        using var key = PrivateKey.ParseHex(Eip778Key);
        var all = new List<(string Key, byte[] Value)> { ("id", "v4"u8.ToArray()) };
        if (pairs.Length > 0 && pairs[0].Key == "id")
        {
            all.Clear();
        }

        all.AddRange(pairs);
        all.Add(("secp256k1", key.PublicKey.ToCompressedBytes()));
        var content = new List<RlpItem> { new RlpString([1]) };
        foreach (var (k, v) in all)
        {
            content.Add(new RlpString(System.Text.Encoding.UTF8.GetBytes(k)));
            content.Add(new RlpString(v));
        }

        var hash = Keccak256.Hash(Rlp.Encode(new RlpList(content)));
        var sig = key.Sign(hash);
        var items = new List<RlpItem> { new RlpString(sig.R.ToBigEndianBytes().Concat(sig.S.ToBigEndianBytes()).ToArray()) };
        items.AddRange(content);
        return Rlp.Encode(new RlpList(items));
    }
}
