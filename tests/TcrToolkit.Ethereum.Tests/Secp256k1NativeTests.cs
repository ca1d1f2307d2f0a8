using System.Security.Cryptography;
using System.Text;

namespace TcrToolkit.Ethereum.Tests;

/// <summary>What the libsecp256k1 backend added: ECDH, compact r || s, allocation-free hot paths, one context for all threads.</summary>
public sealed class Secp256k1NativeTests
{
    // discv5 wire test vectors (ethereum/devp2p, discv5-wire-test-vectors.md), "Cryptographic Primitives".
    private const string VectorSecret = "0xfb757dc581730490a1d7a00deea65e9b1936924caaea8f44d476014856b68736";
    private const string VectorPublicKey =
        "0x9961e4c2356d61bedb83052c115d311acb3a96f5777296dcf297351130266231503061ac4aaee666073d7e5bc2c80c3f5c5b500c1cb5fd0a76abbb6b675ad157";

    private static readonly UInt256 N = UInt256.Parse("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    [Fact]
    public void SharedSecretCompressed_Discv5Vector_ReproducesPublishedSharedSecret()
    {
        using var key = PrivateKey.ParseHex(VectorSecret);
        var peer = PublicKey.Parse(VectorPublicKey);

        var shared = key.SharedSecretCompressed(peer);

        Hex.Encode(shared).Should().Be("0x033b11a2a1f214567e1537ce5e509ffd9b21373247f2a3ff6841f4976f53165e7e");
    }

    [Fact]
    public void SharedSecretCompressed_SpanOverload_WritesSameBytesWithoutAllocating()
    {
        using var key = PrivateKey.ParseHex(VectorSecret);
        var peer = PublicKey.Parse(VectorPublicKey);
        var destination = new byte[40];
        key.SharedSecretCompressed(peer, destination); // warm up

        var allocated = LeastAllocatedOfFiveRounds(() => key.SharedSecretCompressed(peer, destination));

        allocated.Should().Be(0);
        destination.AsSpan(0, 33).ToArray().Should().Equal(key.SharedSecretCompressed(peer));
    }

    [Fact]
    public void SharedSecretCompressed_DisposedKeyShortDestinationOrNullPeer_Throws()
    {
        var key = PrivateKey.ParseHex(VectorSecret);
        var peer = PublicKey.Parse(VectorPublicKey);

        ((Action)(() => key.SharedSecretCompressed(peer, new byte[32]))).Should().Throw<ArgumentException>().WithMessage("*33 are needed*");
        ((Action)(() => key.SharedSecretCompressed(null!))).Should().Throw<ArgumentNullException>();
        key.Dispose();
        ((Action)(() => key.SharedSecretCompressed(peer))).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void SignAndVerifyCompact_Discv5IdSignatureVector_ReproducesPublishedSignature()
    {
        // discv5.1 "ID Nonce Signing": sha256("discovery v5 identity proof" || challenge-data || ephemeral-pubkey ||
        // node-id-B), RFC 6979, r || s.
        using var key = PrivateKey.ParseHex(VectorSecret);
        var input = Encoding.ASCII.GetBytes("discovery v5 identity proof")
            .Concat(Hex.Decode("0x000000000000000000000000000000006469736376350001010102030405060708090a0b0c00180102030405060708090a0b0c0d0e0f100000000000000000"))
            .Concat(Hex.Decode("0x039961e4c2356d61bedb83052c115d311acb3a96f5777296dcf297351130266231"))
            .Concat(Hex.Decode("0xbbbb9d047f0488c0b5a93c1c3f2d8bafc7c8ff337024a55434a0d0555de64db9"))
            .ToArray();
        var hash = SHA256.HashData(input);
        var expected = Hex.Decode(
            "0x94852a1e2318c4e5e9d422c98eaf19d1d90d876b29cd06ca7cb7546d0fff7b484fe86c09a064fe72bdbef73ba8e9c34df0cd2b53e9d65528c2c7f336d5dfc6e6");

        var compact = new byte[Signature.CompactSize];
        key.Sign(hash).WriteCompactTo(compact);

        compact.Should().Equal(expected);
        key.PublicKey.VerifyCompact(hash, expected).Should().BeTrue();
    }

    [Theory]
    [InlineData("r zero")]
    [InlineData("s zero")]
    [InlineData("r = n")]
    [InlineData("s = n")]
    [InlineData("63 bytes")]
    [InlineData("65 bytes")]
    [InlineData("other key")]
    public void VerifyCompact_MalformedOrWrongSignature_ReturnsFalse(string defect)
    {
        using var key = PrivateKey.ParseHex(VectorSecret);
        using var other = PrivateKey.Generate();
        var hash = Keccak256.HashUtf8("compact");
        var compact = new byte[Signature.CompactSize];
        key.Sign(hash).WriteCompactTo(compact);
        var n = N.ToBytes32().AsSpan();
        var signature = defect switch
        {
            "r zero" => [.. new byte[32], .. compact[32..]],
            "s zero" => [.. compact[..32], .. new byte[32]],
            "r = n" => [.. n, .. compact[32..]],
            "s = n" => [.. compact[..32], .. n],
            "63 bytes" => compact[..63],
            "65 bytes" => [.. compact, 27],
            _ => compact,
        };
        var verifier = defect == "other key" ? other.PublicKey : key.PublicKey;

        verifier.VerifyCompact(hash.AsSpan(), signature).Should().BeFalse();
    }

    [Fact]
    public void VerifyCompact_HashNot32Bytes_Throws()
    {
        using var key = PrivateKey.Generate();
        var act = () => key.PublicKey.VerifyCompact(new byte[31], new byte[64]);
        act.Should().Throw<ArgumentException>().WithMessage("*32-byte hash*");
    }

    [Fact]
    public void HotPaths_SignVerifyAndVerifyCompact_AllocateNothing()
    {
        using var key = PrivateKey.ParseHex(VectorSecret);
        var hash = Keccak256.HashUtf8("hot path");
        var compact = new byte[Signature.CompactSize];
        var signature = key.Sign(hash);
        signature.WriteCompactTo(compact);
        key.PublicKey.Verify(hash, signature).Should().BeTrue();
        key.PublicKey.VerifyCompact(hash.AsSpan(), compact).Should().BeTrue();

        var verified = true;
        var allocated = LeastAllocatedOfFiveRounds(() =>
        {
            signature = key.Sign(hash);
            verified &= key.PublicKey.Verify(hash, signature) && key.PublicKey.VerifyCompact(hash.AsSpan(), compact);
        });

        verified.Should().BeTrue();
        allocated.Should().Be(0);
    }

    // The least of five rounds of 100 calls: a round can include a one-off allocation on this thread by tiered
    // compilation (see LogHotPathTests), which is not the code under test.
    private static long LeastAllocatedOfFiveRounds(Action action)
    {
        var least = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                action();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    [Fact]
    public async Task SharedContext_ManyThreadsAtOnce_GiveTheSameResultsAsOneThread()
    {
        var keys = Enumerable.Range(1, 16).Select(i => PrivateKey.FromBytes(Keccak256.HashUtf8($"thread key {i}").AsSpan())).ToArray();
        var hashes = Enumerable.Range(1, 16).Select(i => Keccak256.HashUtf8($"thread hash {i}")).ToArray();
        string Work(int i) =>
            $"{keys[i].Sign(hashes[i])} {PublicKey.Recover(hashes[i], keys[i].Sign(hashes[i])).Address} " +
            $"{keys[i].PublicKey.Verify(hashes[i], keys[i].Sign(hashes[i]))} {Hex.Encode(keys[i].SharedSecretCompressed(keys[(i + 1) % 16].PublicKey))}";
        var expected = Enumerable.Range(0, 16).Select(Work).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(n => Task.Run(() => (n % 16, Work(n % 16)))));

        foreach (var (i, result) in results)
        {
            result.Should().Be(expected[i]);
        }

        foreach (var key in keys)
        {
            key.Dispose();
        }
    }
}
