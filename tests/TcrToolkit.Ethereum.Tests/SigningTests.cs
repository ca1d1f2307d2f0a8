namespace TcrToolkit.Ethereum.Tests;

public sealed class SigningTests
{
    private static readonly UInt256 N = UInt256.Parse("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    [Fact]
    public void Sign_Eip155ExampleHash_ReproducesPublishedSignature()
    {
        // EIP-155 example: the signing hash and the (r, s) of its v = 37 signature (chain id 1, y parity 0).
        using var key = PrivateKey.ParseHex("0x4646464646464646464646464646464646464646464646464646464646464646");
        var hash = Bytes32.Parse("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");

        var signature = key.Sign(hash);

        signature.R.ToString().Should().Be("18515461264373351373200002665853028612451056578545711640558177340181847433846");
        signature.S.ToString().Should().Be("46948507304638947509940763649030358759909902576025900602547168820602576006531");
        signature.RecoveryId.Should().Be(0);
    }

    [Fact]
    public void Sign_Eip712MailExample_ReproducesPublishedSignature()
    {
        using var cow = PrivateKey.FromBytes(Keccak256.HashUtf8("cow").AsSpan());
        var digest = Bytes32.Parse("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");

        var signature = cow.Sign(digest);

        signature.V.Should().Be(28);
        signature.R.Should().Be(UInt256.Parse("0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"));
        signature.S.Should().Be(UInt256.Parse("0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562"));
        cow.Address.ToString().Should().Be("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
    }

    [Fact]
    public void Sign_RandomKeysAndHashes_AreLowSAndRecoverToSigner()
    {
        var random = new Random(1234);
        for (var i = 0; i < 200; i++)
        {
            using var key = PrivateKey.Generate();
            var hash = new byte[32];
            random.NextBytes(hash);

            var signature = key.Sign(hash);

            signature.IsLowS.Should().BeTrue();
            signature.RecoveryId.Should().BeLessThan(2);
            PublicKey.Recover(hash, signature).Should().Be(key.PublicKey);
            key.PublicKey.Verify(hash, signature, requireLowS: true).Should().BeTrue();
        }
    }

    [Fact]
    public void Sign_SameInput_IsDeterministic()
    {
        using var key = PrivateKey.ParseHex("0x4646464646464646464646464646464646464646464646464646464646464646");
        var hash = Keccak256.HashUtf8("deterministic");
        key.Sign(hash).Should().Be(key.Sign(hash));
    }

    [Fact]
    public void Verify_HighS_RejectedOnlyWhenStrict()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.HashUtf8("malleable");
        var low = key.Sign(hash);
        var high = new Signature(low.R, N - low.S, low.RecoveryId ^ 1);

        high.IsLowS.Should().BeFalse();
        key.PublicKey.Verify(hash, high).Should().BeTrue();
        key.PublicKey.Verify(hash, high, requireLowS: true).Should().BeFalse();
        PublicKey.Recover(hash, high).Should().Be(key.PublicKey);
        high.NormalizeS().Should().Be(low);
    }

    [Fact]
    public void Verify_WrongHashOrKey_ReturnsFalse()
    {
        using var key = PrivateKey.Generate();
        using var other = PrivateKey.Generate();
        var hash = Keccak256.HashUtf8("message");
        var signature = key.Sign(hash);
        key.PublicKey.Verify(Keccak256.HashUtf8("other message"), signature).Should().BeFalse();
        other.PublicKey.Verify(hash, signature).Should().BeFalse();
        key.PublicKey.Verify(hash, default).Should().BeFalse();
    }

    [Fact]
    public void Recover_WrongRecoveryParity_YieldsDifferentKey()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.HashUtf8("parity");
        var signature = key.Sign(hash);
        var flipped = new Signature(signature.R, signature.S, signature.RecoveryId ^ 1);
        PublicKey.Recover(hash, flipped).Should().NotBe(key.PublicKey);
    }

    [Fact]
    public void Recover_OverflowRecoveryIdWithLargeR_ThrowsRecoveryException()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.HashUtf8("overflow");
        var signature = key.Sign(hash);
        // r + n exceeds the field prime unless r < p - n (about 2^128), which a real signature practically never has.
        var overflow = new Signature(N - UInt256.One, signature.S, 2);
        var act = () => PublicKey.Recover(hash, overflow);
        act.Should().Throw<SignatureRecoveryException>().WithMessage("*r + n*");
    }

    [Fact]
    public void Recover_RNotOnCurve_ThrowsRecoveryException()
    {
        // x = 5 gives y^2 = 132, which has no square root modulo p.
        var act = () => PublicKey.Recover(new byte[32], new Signature(5UL, 1UL, 0));
        act.Should().Throw<SignatureRecoveryException>().WithMessage("*not the x coordinate*");
    }

    [Fact]
    public void Sign_HashNot32Bytes_Throws()
    {
        using var key = PrivateKey.Generate();
        var act = () => key.Sign(new byte[31]);
        act.Should().Throw<ArgumentException>().WithMessage("*32-byte hash*");
    }

    [Fact]
    public void Signature_BytesRoundTrip_WithVariants()
    {
        using var key = PrivateKey.Generate();
        var signature = key.Sign(Keccak256.HashUtf8("bytes"));
        var bytes = signature.ToBytes();
        bytes[64].Should().Be((byte)(27 + signature.RecoveryId));
        Signature.FromBytes(bytes).Should().Be(signature);
        bytes[64] -= 27;
        Signature.FromBytes(bytes).Should().Be(signature);
        Signature.Parse(signature.ToString()).Should().Be(signature);
    }

    [Theory]
    [InlineData(64, 27, 1, 1, "65 bytes")]
    [InlineData(65, 29, 1, 1, "v must be 27 or 28")]
    [InlineData(65, 27, 0, 1, "r must be between")]
    [InlineData(65, 27, 1, 0, "s must be between")]
    public void Signature_FromBytesMalformed_Throws(int length, byte v, byte r, byte s, string expected)
    {
        var bytes = new byte[length];
        if (length == 65)
        {
            bytes[31] = r;
            bytes[63] = s;
            bytes[64] = v;
        }

        var act = () => Signature.FromBytes(bytes);
        act.Should().Throw<SignatureFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Signature_SAtOrAboveOrder_Throws()
    {
        var act = () => new Signature(1UL, N, 0);
        act.Should().Throw<SignatureFormatException>();
        var recoveryId = () => new Signature(1UL, 1UL, 4);
        recoveryId.Should().Throw<SignatureFormatException>().WithMessage("*0 to 3*");
    }

    [Fact]
    public void Signature_OverflowRecoveryId_CannotBeEncodedAsV()
    {
        var signature = new Signature(1UL, 1UL, 2);
        var act = () => signature.V;
        act.Should().Throw<InvalidOperationException>().WithMessage("*x >= n*");
        signature.ToString().Should().Contain("recoveryId=2");
    }
}
