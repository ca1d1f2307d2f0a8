using CsCheck;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p.Mplex;
using TcrToolkit.Libp2p.Multistream;
using TcrToolkit.Libp2p.Yamux;

namespace TcrToolkit.Libp2p.Tests;

public sealed class VarintTests
{
    // Vectors from multiformats/unsigned-varint's README.
    [Theory]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "8001")]
    [InlineData(255UL, "ff01")]
    [InlineData(300UL, "ac02")]
    [InlineData(16384UL, "808001")]
    public void Write_SpecVector_MatchesBytes(ulong value, string hex)
    {
        var buffer = new byte[9];
        var n = UnsignedVarint.Write(buffer, value);
        Convert.ToHexStringLower(buffer, 0, n).Should().Be(hex);
        UnsignedVarint.Read(Convert.FromHexString(hex), out var read).Should().Be(value);
        read.Should().Be(n);
    }

    [Theory]
    [InlineData("8000")]
    [InlineData("ffffffffffffffffff01")]
    public void TryRead_NonMinimalOrTooLong_IsInvalid(string hex) =>
        UnsignedVarint.TryRead(Convert.FromHexString(hex), out _, out _).Should().Be(UnsignedVarint.ReadResult.Invalid);

    [Fact]
    public void WriteThenRead_AnyValue_RoundTrips() =>
        Gen.ULong[0, long.MaxValue].Sample(value =>
        {
            var buffer = new byte[9];
            var n = UnsignedVarint.Write(buffer, value);
            n.Should().Be(UnsignedVarint.GetSize(value));
            UnsignedVarint.Read(buffer.AsSpan(0, n), out var read).Should().Be(value);
            read.Should().Be(n);
            UnsignedVarint.TryRead(buffer.AsSpan(0, n - 1), out _, out _).Should().Be(UnsignedVarint.ReadResult.NeedMoreData);
        });

    [Fact]
    public async Task LengthPrefixed_OverLimit_ThrowsBeforeReadingPayload()
    {
        using var stream = new MemoryStream(LengthPrefixedMessage.Encode(new byte[100]));
        var act = async () => await LengthPrefixedMessage.ReadAsync(stream, 99);
        (await act.Should().ThrowAsync<MessageTooLargeException>()).Which.Length.Should().Be(100);
    }

    [Fact]
    public async Task LengthPrefixed_RoundTripsAndEndsWithNull() =>
        await Gen.Byte.Array[0, 3000].SampleAsync(async payload =>
        {
            using var stream = new MemoryStream();
            await LengthPrefixedMessage.WriteAsync(stream, payload);
            stream.Position = 0;
            (await LengthPrefixedMessage.ReadAsync(stream, 3000)).Should().Equal(payload);
            (await LengthPrefixedMessage.ReadAsync(stream, 3000)).Should().BeNull();
        }, iter: 200);
}

public sealed class PeerIdTests
{
    // libp2p/specs peer-ids/peer-ids.md secp256k1 vector; the text forms are what js-libp2p computes for it.
    private const string SpecPrivateKey = "53DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB";
    private const string SpecPublicKeyProtobuf = "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99";
    private const string SpecPeerId = "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY";
    private const string SpecCid = "bafzaajiiaijcca3xo7uzjzcsyilaj6i54cj44qk7kqzpoao5rti2pjx6udtdbp6kte";

    [Fact]
    public void FromPublicKey_SpecVector_MatchesProtobufAndText()
    {
        using var key = PrivateKey.ParseHex(SpecPrivateKey);
        var peerId = PeerId.FromPublicKey(key.PublicKey);
        Convert.ToHexStringLower(peerId.ToBytes()).Should().Be("0025" + SpecPublicKeyProtobuf);
        peerId.ToString().Should().Be(SpecPeerId);
        peerId.ToCidString().Should().Be(SpecCid);
    }

    [Fact]
    public void Parse_Base58AndCid_GiveTheSameKey()
    {
        var fromText = PeerId.Parse(SpecPeerId);
        var fromCid = PeerId.Parse(SpecCid);
        fromText.Should().Be(fromCid);
        fromText.KeyType.Should().Be(IdentityKeyType.Secp256k1);
        Convert.ToHexStringLower(fromText.Secp256k1PublicKey!.ToCompressedBytes()).Should().Be(SpecPublicKeyProtobuf[8..]);
    }

    [Fact]
    public void Parse_Ed25519PeerId_IsAccepted()
    {
        var peerId = PeerId.Parse("12D3KooWKjHQZUBCpyB7f1XprBB3s4sBVqWM9U7qzDMdUKeSQRdd");
        peerId.KeyType.Should().Be(IdentityKeyType.Ed25519);
        peerId.ToString().Should().Be("12D3KooWKjHQZUBCpyB7f1XprBB3s4sBVqWM9U7qzDMdUKeSQRdd");
    }

    [Theory]
    [InlineData("")]
    [InlineData("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5K")]
    [InlineData("QmNotBase58!")]
    [InlineData("bafzzzz")]
    public void TryParse_Garbage_ReturnsFalse(string text) => PeerId.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void TryFromBytes_RandomBytes_NeverThrows() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            if (PeerId.TryFromBytes(bytes, out var peerId))
            {
                PeerId.FromBytes(peerId.ToBytes()).Should().Be(peerId);
            }
        });
}

public sealed class MultiaddrTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/4001", "047f000001060fa1")]
    [InlineData("/ip6/::1/tcp/60000/ws", "290000000000000000000000000000000106ea60dd03")]
    [InlineData("/dns4/node-01.do-ams3.waku.sandbox.status.im/tcp/8000/wss", "36266e6f64652d30312e646f2d616d73332e77616b752e73616e64626f782e7374617475732e696d061f40de03")]
    public void ParseAndBytes_Vectors_RoundTrip(string text, string hex)
    {
        var address = Multiaddr.Parse(text);
        Convert.ToHexStringLower(address.ToBytes()).Should().Be(hex);
        Multiaddr.FromBytes(Convert.FromHexString(hex)).ToString().Should().Be(text);
    }

    [Fact]
    public void P2p_Component_CarriesThePeerId()
    {
        const string text = "/ip4/127.0.0.1/tcp/60000/p2p/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY";
        var address = Multiaddr.Parse(text);
        address.PeerId!.ToString().Should().Be("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");
        address.ToString().Should().Be(text);
        Multiaddr.FromBytes(address.ToBytes()).Should().Be(address);
        address.WithoutPeerId().ToString().Should().Be("/ip4/127.0.0.1/tcp/60000");
        Multiaddr.Parse("/ip4/127.0.0.1/tcp/1/ipfs/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY").Should().Be(Multiaddr.Parse("/ip4/127.0.0.1/tcp/1/p2p/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY"));
    }

    [Theory]
    [InlineData("ip4/1.2.3.4")]
    [InlineData("/ip4/1.2.3")]
    [InlineData("/ip4/::1")]
    [InlineData("/tcp/70000")]
    [InlineData("/quic/1")]
    [InlineData("/tcp")]
    public void Parse_Invalid_ThrowsFormatException(string text) =>
        FluentActions.Invoking(() => Multiaddr.Parse(text)).Should().Throw<FormatException>();

    [Fact]
    public void FromBytes_RandomBytes_ThrowsOnlyFormatException() =>
        Gen.Byte.Array[1, 64].Sample(bytes =>
        {
            try
            {
                var address = Multiaddr.FromBytes(bytes);
                Multiaddr.FromBytes(address.ToBytes()).Should().Be(address);
                Multiaddr.Parse(address.ToString()).Should().Be(address);
            }
            catch (FormatException)
            {
            }
        });

    [Fact]
    public void TextAndBinary_GeneratedAddresses_RoundTrip() =>
        Gen.Select(Gen.Byte.Array[4], Gen.UShort, Gen.Bool).Sample((ip, port, ws) =>
        {
            var address = Multiaddr.FromEndPoint(new System.Net.IPEndPoint(new System.Net.IPAddress(ip), port), ws);
            Multiaddr.Parse(address.ToString()).Should().Be(address);
            Multiaddr.FromBytes(address.ToBytes()).Should().Be(address);
        });
}

public sealed class FrameCodecTests
{
    [Fact]
    public void Multistream_Encode_MatchesSpecBytes()
    {
        // "/multistream/1.0.0\n" is 19 bytes: 0x13 then the text.
        MultistreamSelect.Encode("/multistream/1.0.0").Should().Equal([0x13, .. "/multistream/1.0.0\n"u8.ToArray()]);
        MultistreamSelect.DecodeBody("na\n"u8).Should().Be("na");
        FluentActions.Invoking(() => MultistreamSelect.DecodeBody("na"u8)).Should().Throw<Libp2pProtocolException>();
    }

    [Fact]
    public void YamuxHeader_RoundTripsAndRejectsBadVersion()
    {
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 15], Gen.UInt, Gen.UInt).Sample((type, flags, id, length) =>
        {
            var header = new YamuxHeader((YamuxType)type, (YamuxFlags)flags, id, length);
            YamuxHeader.TryRead(header.ToArray(), out var read, out _).Should().BeTrue();
            read.Should().Be(header);
        });
        var bad = new YamuxHeader(YamuxType.Data, YamuxFlags.None, 1, 0).ToArray();
        bad[0] = 1;
        YamuxHeader.TryRead(bad, out _, out var error).Should().BeFalse();
        error.Should().Contain("version");
    }

    [Fact]
    public void YamuxHeader_SpecExample_IsBigEndian() =>
        Convert.ToHexStringLower(new YamuxHeader(YamuxType.WindowUpdate, YamuxFlags.Syn, 1, 0x40000).ToArray())
            .Should().Be("000100010000000100040000");

    [Fact]
    public void MplexFrame_RoundTripsAndEnforcesLimit()
    {
        Gen.Select(Gen.UInt, Gen.Int[0, 6], Gen.Byte.Array[0, 300]).Sample((id, flag, payload) =>
        {
            var frame = MplexFrame.Encode(id, (MplexFlag)flag, payload);
            MplexFrame.TryReadHeader(frame, 1024, out var readId, out var readFlag, out var length, out var headerSize, out _).Should().Be(MplexFrame.Result.Done);
            (readId, readFlag, length).Should().Be((id, (MplexFlag)flag, payload.Length));
            frame.AsSpan(headerSize).ToArray().Should().Equal(payload);
            if (payload.Length > 10)
            {
                MplexFrame.TryReadHeader(frame, 10, out _, out _, out _, out _, out _).Should().Be(MplexFrame.Result.Invalid);
            }
        });

        // Spec example: NewStream on stream 0 named "0" is 00 01 30.
        MplexFrame.Encode(0, MplexFlag.NewStream, "0"u8).Should().Equal([0x00, 0x01, 0x30]);
    }
}

public sealed class NoisePayloadTests
{
    private static byte[] Payload(PrivateKey claimed, PrivateKey signer, byte[] staticKey) =>
        new ProtoWriter()
            .WriteBytesField(1, IdentityKey.FromSecp256k1(claimed.PublicKey).Marshal())
            .WriteBytesField(2, IdentityKey.SignSecp256k1(signer, [.. "noise-libp2p-static-key:"u8.ToArray(), .. staticKey]))
            .ToArray();

    [Fact]
    public void VerifyPayload_SignedByTheClaimedKey_ReturnsItsPeerId()
    {
        using var key = PrivateKey.Generate();
        var staticKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        Noise.NoiseHandshake.VerifyPayload(Payload(key, key, staticKey), staticKey).Should().Be(PeerId.FromPublicKey(key.PublicKey));
    }

    [Fact]
    public void VerifyPayload_SignedByAnotherKey_IsRefused()
    {
        using var claimed = PrivateKey.Generate();
        using var signer = PrivateKey.Generate();
        var staticKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        FluentActions.Invoking(() => Noise.NoiseHandshake.VerifyPayload(Payload(claimed, signer, staticKey), staticKey))
            .Should().Throw<NoiseHandshakeException>().WithMessage("*signature*");
    }

    [Fact]
    public void VerifyPayload_SignatureOverAnotherStaticKey_IsRefused()
    {
        using var key = PrivateKey.Generate();
        var staticKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var other = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        FluentActions.Invoking(() => Noise.NoiseHandshake.VerifyPayload(Payload(key, key, other), staticKey))
            .Should().Throw<NoiseHandshakeException>();
    }

    [Fact]
    public void VerifyPayload_RandomBytes_ThrowsOnlyHandshakeException() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            try
            {
                Noise.NoiseHandshake.VerifyPayload(bytes, new byte[32]);
            }
            catch (NoiseHandshakeException)
            {
            }
        });

    [Fact]
    public void DerSignature_RoundTripsAndRejectsNonCanonical()
    {
        using var key = PrivateKey.Generate();
        var signature = key.Sign(new byte[32]);
        var der = DerSignature.Encode(signature.R, signature.S);
        DerSignature.TryDecode(der, out var r, out var s).Should().BeTrue();
        (r, s).Should().Be((signature.R, signature.S));
        byte[] padded = [0x30, (byte)(der[1] + 1), 0x02, (byte)(der[3] + 1), 0x00, .. der.AsSpan(4)];
        if ((der[4] & 0x80) == 0)
        {
            DerSignature.TryDecode(padded, out _, out _).Should().BeFalse();
        }
    }
}
