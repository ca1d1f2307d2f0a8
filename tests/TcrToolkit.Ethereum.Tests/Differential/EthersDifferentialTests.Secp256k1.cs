using System.Text.Json.Nodes;

namespace TcrToolkit.Ethereum.Tests.Differential;

public sealed partial class EthersDifferentialTests
{
    [Fact]
    public void Sign_DigestsAtAndAboveGroupOrder_SignLikeEthers()
    {
        // RFC 6979 reduces the digest modulo n before it seeds the nonce (bits2octets). Random digests reach n with
        // probability 2^-128, so these are asked for explicitly; NBitcoin.Secp256k1 4.0.4 skips the reduction.
        string[] digests =
        [
            "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
            "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
            "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "0x0000000000000000000000000000000000000000000000000000000000000000",
        ];
        string[] keys =
        [
            "0x0000000000000000000000000000000000000000000000000000000000000001",
            "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
            "0x4646464646464646464646464646464646464646464646464646464646464646",
        ];
        var cases = keys.SelectMany(key => digests.Select(digest => (key, digest))).ToList();

        var answers = oracle.Ask([.. cases.Select(c => new JsonObject { ["op"] = "sign", ["key"] = c.key, ["digest"] = c.digest })]);

        for (var i = 0; i < cases.Count; i++)
        {
            using var key = PrivateKey.ParseHex(cases[i].key);
            var signature = key.Sign(Hex.Decode(cases[i].digest));
            signature.ToString().Should().Be(answers[i].Get("serialized"), $"key {cases[i].key}, digest {cases[i].digest}");
        }
    }
}
