using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests;

/// <summary>The vectors of devp2p discv5/discv5-wire-test-vectors.md, decoded and re-encoded byte for byte.</summary>
public sealed class WireVectorTests
{
    private const string NodeAKey = "0xeef77acb6c6a6eebc5b363a475ac583ec7eccdb42b6481424c60f59aa326547f";
    private const string NodeBKey = "0x66fb62bfbd66b9177a138c1e5cddbe4f7c30c343e94e68df8769459cb1cde628";
    private const string NodeAId = "0xaaaa8419e9f49d0083561b48287df592939a8d19947d8c0ef88f2a4856a69fbb";
    private const string NodeBId = "0xbbbb9d047f0488c0b5a93c1c3f2d8bafc7c8ff337024a55434a0d0555de64db9";

    private const string PingPacket =
        "00000000000000000000000000000000088b3d4342774649325f313964a39e55" +
        "ea96c005ad52be8c7560413a7008f16c9e6d2f43bbea8814a546b7409ce783d3" +
        "4c4f53245d08dab84102ed931f66d1492acb308fa1c6715b9d139b81acbdcc";

    private const string WhoAreYouPacket =
        "00000000000000000000000000000000088b3d434277464933a1ccc59f5967ad" +
        "1d6035f15e528627dde75cd68292f9e6c27d6b66c8100a873fcbaed4e16b8d";

    private const string HandshakePacket =
        "00000000000000000000000000000000088b3d4342774649305f313964a39e55" +
        "ea96c005ad521d8c7560413a7008f16c9e6d2f43bbea8814a546b7409ce783d3" +
        "4c4f53245d08da4bb252012b2cba3f4f374a90a75cff91f142fa9be3e0a5f3ef" +
        "268ccb9065aeecfd67a999e7fdc137e062b2ec4a0eb92947f0d9a74bfbf44dfb" +
        "a776b21301f8b65efd5796706adff216ab862a9186875f9494150c4ae06fa4d1" +
        "f0396c93f215fa4ef524f1eadf5f0f4126b79336671cbcf7a885b1f8bd2a5d83" +
        "9cf8";

    private const string HandshakeWithEnrPacket =
        "00000000000000000000000000000000088b3d4342774649305f313964a39e55" +
        "ea96c005ad539c8c7560413a7008f16c9e6d2f43bbea8814a546b7409ce783d3" +
        "4c4f53245d08da4bb23698868350aaad22e3ab8dd034f548a1c43cd246be9856" +
        "2fafa0a1fa86d8e7a3b95ae78cc2b988ded6a5b59eb83ad58097252188b902b2" +
        "1481e30e5e285f19735796706adff216ab862a9186875f9494150c4ae06fa4d1" +
        "f0396c93f215fa4ef524e0ed04c3c21e39b1868e1ca8105e585ec17315e755e6" +
        "cfc4dd6cb7fd8e1a1f55e49b4b5eb024221482105346f3c82b15fdaae36a3bb1" +
        "2a494683b4a3c7f2ae41306252fed84785e2bbff3b022812d0882f06978df84a" +
        "80d443972213342d04b9048fc3b1d5fcb1df0f822152eced6da4d3f6df27e70e" +
        "4539717307a0208cd208d65093ccab5aa596a34d7511401987662d8cf62b1394" +
        "71";

    private const string ChallengeSeq1 =
        "0x000000000000000000000000000000006469736376350001010102030405060708090a0b0c00180102030405060708090a0b0c0d0e0f100000000000000001";

    private const string ChallengeSeq0 =
        "0x000000000000000000000000000000006469736376350001010102030405060708090a0b0c00180102030405060708090a0b0c0d0e0f100000000000000000";

    private const string EphemeralKey = "0x0288ef00023598499cb6c940146d050d2b1fb914198c327f76aad590bead68b6";
    private const string EphemeralPubkey = "0x039a003ba6517b473fa0cd74aefe99dadfdb34627f90fec6362df85803908f53a5";

    private static byte[] H(string hex) => Hex.Decode(hex, HexPrefix.Optional);

    private static Aes MaskingFor(string nodeId) => V4Crypto.CreateAes(H(nodeId));

    [Fact]
    public void NodeKeys_DeriveTheVectorNodeIds()
    {
        using var a = PrivateKey.ParseHex(NodeAKey);
        using var b = PrivateKey.ParseHex(NodeBKey);

        a.PublicKey.NodeId.ToString().Should().Be(NodeAId);
        b.PublicKey.NodeId.ToString().Should().Be(NodeBId);
    }

    [Fact]
    public void PingMessagePacket_DecodesAndReencodesByteForByte()
    {
        var packet = H(PingPacket);
        using var masking = MaskingFor(NodeBId);

        PacketCodec.TryDecode(packet, masking, PacketCodec.DefaultProtocolId, out var decoded, out var reason).Should().BeTrue(reason);
        decoded!.Flag.Should().Be(PacketFlag.Message);
        decoded.SourceId.Should().Equal(H(NodeAId));
        decoded.Nonce.Should().Equal(H("0xffffffffffffffffffffffff"));
        PacketCodec.TryDecryptMessage(decoded, new byte[16], out var plaintext).Should().BeTrue();
        MessageCodec.TryDecode(plaintext, out var message, out reason).Should().BeTrue(reason);
        message.Should().BeOfType<PingMessage>().Which.EnrSeq.Should().Be(2);
        message!.RequestId.Should().Equal(0, 0, 0, 1);

        var reencoded = PacketCodec.Encode(PacketFlag.Message, H(NodeBId), packet.AsSpan(0, 16), decoded.Nonce,
            PacketCodec.MessageAuthData(H(NodeAId)), new byte[16], MessageCodec.Encode(message), PacketCodec.DefaultProtocolId, out _);
        Hex.Encode(reencoded, false).Should().Be(PingPacket);
    }

    [Fact]
    public void WhoAreYouPacket_DecodesToTheChallengeAndReencodes()
    {
        var packet = H(WhoAreYouPacket);
        using var masking = MaskingFor(NodeBId);

        PacketCodec.TryDecode(packet, masking, PacketCodec.DefaultProtocolId, out var decoded, out var reason).Should().BeTrue(reason);
        decoded!.Flag.Should().Be(PacketFlag.WhoAreYou);
        decoded.Nonce.Should().Equal(H("0x0102030405060708090a0b0c"));
        decoded.IdNonce.Should().Equal(H("0x0102030405060708090a0b0c0d0e0f10"));
        decoded.EnrSeq.Should().Be(0);
        decoded.AuthenticatedData.Should().Equal(H(ChallengeSeq0));

        var reencoded = PacketCodec.Encode(PacketFlag.WhoAreYou, H(NodeBId), packet.AsSpan(0, 16), decoded.Nonce,
            PacketCodec.WhoAreYouAuthData(decoded.IdNonce, 0), [], [], PacketCodec.DefaultProtocolId, out var challenge);
        Hex.Encode(reencoded, false).Should().Be(WhoAreYouPacket);
        challenge.Should().Equal(H(ChallengeSeq0));
    }

    [Theory]
    [InlineData(HandshakePacket, ChallengeSeq1, "0x4f9fac6de7567d1e3b1241dffe90f662", false)]
    [InlineData(HandshakeWithEnrPacket, ChallengeSeq0, "0x53b1c075f41876423154e157470c2f48", true)]
    public void HandshakePacket_VerifiesDecryptsAndReencodesByteForByte(string hex, string challengeHex, string readKey, bool withRecord)
    {
        var packet = H(hex);
        using var nodeA = PrivateKey.ParseHex(NodeAKey);
        using var nodeB = PrivateKey.ParseHex(NodeBKey);
        using var ephemeral = PrivateKey.ParseHex(EphemeralKey);
        using var masking = MaskingFor(NodeBId);
        var challenge = H(challengeHex);

        PacketCodec.TryDecode(packet, masking, PacketCodec.DefaultProtocolId, out var decoded, out var reason).Should().BeTrue(reason);
        decoded!.Flag.Should().Be(PacketFlag.Handshake);
        decoded.SourceId.Should().Equal(H(NodeAId));
        decoded.EphemeralPublicKey.Should().Equal(H(EphemeralPubkey));
        HandshakeCrypto.VerifyIdProof(nodeA.PublicKey, decoded.IdSignature, challenge, decoded.EphemeralPublicKey, H(NodeBId))
            .Should().BeTrue();
        var shared = V4Crypto.Ecdh(PublicKey.FromBytes(decoded.EphemeralPublicKey), nodeB);
        var (initiatorKey, _) = HandshakeCrypto.DeriveKeys(shared, challenge, H(NodeAId), H(NodeBId));
        initiatorKey.Should().Equal(H(readKey));
        PacketCodec.TryDecryptMessage(decoded, initiatorKey, out var plaintext).Should().BeTrue();
        MessageCodec.TryDecode(plaintext, out var message, out reason).Should().BeTrue(reason);
        message.Should().BeOfType<PingMessage>().Which.EnrSeq.Should().Be(1);
        Enr? record = null;
        if (withRecord)
        {
            record = Enr.Decode(decoded.Record);
            record.NodeId.ToString().Should().Be(NodeAId);
        }
        else
        {
            decoded.Record.Should().BeEmpty();
        }

        // Re-encode from the keys alone: deterministic RFC 6979 low-S signing reproduces the vector's id-signature.
        var ephemeralPublic = ephemeral.PublicKey.ToCompressedBytes();
        var signature = HandshakeCrypto.SignIdProof(nodeA, challenge, ephemeralPublic, H(NodeBId));
        var keys = HandshakeCrypto.DeriveKeys(V4Crypto.Ecdh(nodeB.PublicKey, ephemeral), challenge, H(NodeAId), H(NodeBId));
        var authData = PacketCodec.HandshakeAuthData(H(NodeAId), signature, ephemeralPublic, record is null ? [] : record.Encoded);
        var reencoded = PacketCodec.Encode(PacketFlag.Handshake, H(NodeBId), packet.AsSpan(0, 16), decoded.Nonce, authData,
            keys.InitiatorKey, MessageCodec.Encode(new PingMessage([0, 0, 0, 1], 1)), PacketCodec.DefaultProtocolId, out _);
        Hex.Encode(reencoded, false).Should().Be(hex);
    }

    [Fact]
    public void Ecdh_MatchesVector()
    {
        using var secret = PrivateKey.ParseHex("0xfb757dc581730490a1d7a00deea65e9b1936924caaea8f44d476014856b68736");
        var publicKey = PublicKey.FromBytes(H("0x039961e4c2356d61bedb83052c115d311acb3a96f5777296dcf297351130266231"));

        V4Crypto.Ecdh(publicKey, secret).Should().Equal(H("0x033b11a2a1f214567e1537ce5e509ffd9b21373247f2a3ff6841f4976f53165e7e"));
    }

    [Fact]
    public void Ecdh_RandomKeyPairs_AgreeOnTheCompressedSharedPoint()
    {
        for (var i = 0; i < 20; i++)
        {
            using var a = PrivateKey.Generate();
            using var b = PrivateKey.Generate();

            var ab = V4Crypto.Ecdh(b.PublicKey, a);
            var ba = V4Crypto.Ecdh(a.PublicKey, b);

            ab.Should().Equal(ba);
            ab.Should().HaveCount(33);
            ab[0].Should().BeOneOf((byte)2, (byte)3);
        }
    }

    [Fact]
    public void KeyDerivation_MatchesVector()
    {
        using var ephemeral = PrivateKey.ParseHex("0xfb757dc581730490a1d7a00deea65e9b1936924caaea8f44d476014856b68736");
        var destination = PublicKey.FromBytes(H("0x0317931e6e0840220642f230037d285d122bc59063221ef3226b1f403ddc69ca91"));

        var (initiator, recipient) = HandshakeCrypto.DeriveKeys(V4Crypto.Ecdh(destination, ephemeral), H(ChallengeSeq0), H(NodeAId), H(NodeBId));

        initiator.Should().Equal(H("0xdccc82d81bd610f4f76d3ebe97a40571"));
        recipient.Should().Equal(H("0xac74bb8773749920b0d3a8881c173ec5"));
    }

    [Fact]
    public void IdNonceSigning_MatchesVectorAndVerifies()
    {
        using var key = PrivateKey.ParseHex("0xfb757dc581730490a1d7a00deea65e9b1936924caaea8f44d476014856b68736");
        var ephemeral = H("0x039961e4c2356d61bedb83052c115d311acb3a96f5777296dcf297351130266231");
        var expected = H("0x94852a1e2318c4e5e9d422c98eaf19d1d90d876b29cd06ca7cb7546d0fff7b484fe86c09a064fe72bdbef73ba8e9c34df0cd2b53e9d65528c2c7f336d5dfc6e6");

        HandshakeCrypto.SignIdProof(key, H(ChallengeSeq0), ephemeral, H(NodeBId)).Should().Equal(expected);
        HandshakeCrypto.VerifyIdProof(key.PublicKey, expected, H(ChallengeSeq0), ephemeral, H(NodeBId)).Should().BeTrue();
        HandshakeCrypto.VerifyIdProof(key.PublicKey, expected, H(ChallengeSeq1), ephemeral, H(NodeBId)).Should().BeFalse();
    }

    [Fact]
    public void AesGcm_MatchesVector()
    {
        var key = H("0x9f2d77db7004bf8a1a85107ac686990b");
        var nonce = H("0x27b5af763c446acd2749fe8e");
        var plaintext = H("0x01c20101");
        var ad = H("0x93a7400fa0d6a694ebc24d5cf570f65d04215b6ac00757875e3f3a5f42107903");
        var output = new byte[plaintext.Length + 16];

        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, 4), output.AsSpan(4), ad);

        output.Should().Equal(H("0xa5d12a2d94b8ccb3ba55558229867dc13bfa3648"));
        var packet = new DecodedPacket
        {
            Flag = PacketFlag.Message, Nonce = nonce, AuthenticatedData = ad, AuthData = [], MessageCiphertext = output,
        };
        PacketCodec.TryDecryptMessage(packet, key, out var decrypted).Should().BeTrue();
        decrypted.Should().Equal(plaintext);
    }

    [Fact]
    public void PingPacket_WithWrongKeyOrOtherDestination_IsRejectedWithoutThrowing()
    {
        var packet = H(PingPacket);
        using var otherMasking = MaskingFor(NodeAId);
        using var masking = MaskingFor(NodeBId);

        PacketCodec.TryDecode(packet, otherMasking, PacketCodec.DefaultProtocolId, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("protocol id");
        PacketCodec.TryDecode(packet, masking, "d5waku"u8, out _, out _).Should().BeFalse();
        PacketCodec.TryDecode(packet, masking, PacketCodec.DefaultProtocolId, out var decoded, out _).Should().BeTrue();
        PacketCodec.TryDecryptMessage(decoded!, new byte[16].Select(_ => (byte)1).ToArray(), out _).Should().BeFalse();
    }
}
