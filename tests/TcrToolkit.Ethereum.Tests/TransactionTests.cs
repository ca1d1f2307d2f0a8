namespace TcrToolkit.Ethereum.Tests;

public sealed class TransactionTests
{
    private const string HardhatKey0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static readonly Address HardhatAddress0 = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

    [Fact]
    public void Sign_Eip155Example_MatchesPublishedSigningDataAndTransaction()
    {
        using var key = PrivateKey.ParseHex("0x4646464646464646464646464646464646464646464646464646464646464646");
        var tx = new LegacyTransaction
        {
            ChainId = 1,
            Nonce = 9,
            GasPrice = EthUnits.ParseGwei("20"),
            GasLimit = 21000,
            To = Address.Parse("0x3535353535353535353535353535353535353535"),
            Value = EthUnits.ParseEther("1"),
        };

        Hex.Encode(tx.EncodeForSigning()).Should().Be(
            "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080");
        tx.GetSigningHash().ToString().Should().Be("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");

        var signed = tx.Sign(key);

        signed.ToHex().Should().Be(
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
        signed.From.Should().Be(key.Address);
    }

    [Fact]
    public void Sign_Eip1559WithAccessList_MatchesEthersVector()
    {
        // Vector computed with ethers 6.17.0 (Transaction.from + SigningKey.sign).
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var contract = Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
        var tx = new Eip1559Transaction
        {
            ChainId = 31337,
            Nonce = 7,
            MaxPriorityFeePerGas = 1_500_000_000UL,
            MaxFeePerGas = 30_000_000_000UL,
            GasLimit = 100_000,
            To = contract,
            Value = 12345UL,
            Data = Hex.Decode("0xa9059cbb"),
            AccessList = [new AccessListEntry(contract, [UInt256.One.ToBytes32()])],
        };

        var signed = tx.Sign(key);

        tx.GetSigningHash().ToString().Should().Be("0x3408237f8b392dd4f3d8207241678e74bd591c2b87833cb374cbdc42182d9b5a");
        signed.ToHex().Should().Be(
            "0x02f8ad827a69078459682f008506fc23ac00830186a0945fbdb2315678afecb367f032d93f642f64180aa382303984a9059cbbf838f7945fbdb2315678afecb367f032d93f642f64180aa3e1a0000000000000000000000000000000000000000000000000000000000000000101a0c5c48db470f2af718de7cb014b520e941d8834134ea4929972d24f336ed37d04a0593a95db80f79b059a181d40d0c00d4f1ef517215282f2332beb9a73b0eda769");
        signed.Hash.ToString().Should().Be("0xa8e9fdfaecf9dfc411cb56aee95df57717e991240f212ed6f3f98927301f0e19");
    }

    [Fact]
    public void Sign_Eip2930ContractCreation_MatchesEthersVector()
    {
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var tx = new Eip2930Transaction
        {
            ChainId = 1,
            Nonce = 0,
            GasPrice = 20_000_000_000UL,
            GasLimit = 53_000,
            To = null,
            Data = Hex.Decode("0x6080604052"),
        };

        var signed = tx.Sign(key);

        signed.ToHex().Should().Be(
            "0x01f85701808504a817c80082cf088080856080604052c080a0d496f794a29d3b62a37256d339a29ab6505f668cd92f0fcb26d2ebe18263e768a06f4985d07a5f47893f11412d943458e691067b5e5275b220d95e03aeea484d34");
        signed.Hash.ToString().Should().Be("0x70260401c5c421a5faa5af6f3c25838f8fa1579486b31c3e0397ce6eed0da699");
    }

    [Fact]
    public void Sign_LegacyWithoutChainId_UsesV27Or28()
    {
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var tx = new LegacyTransaction
        {
            Nonce = 1,
            GasPrice = 1UL,
            GasLimit = 21000,
            To = Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            Value = 1UL,
        };

        var signed = tx.Sign(key);

        signed.ToHex().Should().Be(
            "0xf85f01018252089470997970c51812dc3a010c7d01b50e0d17dc79c801801ca0d305523b00cf74b4e7bd083c4b33932cb4ea57146428013d023699bf6ef0943fa058acbf4267d50b9ed9e6fbb8660e98a4043b74c923dfaa921448e676481af607");
        signed.Hash.ToString().Should().Be("0xb34798616f87dc0461340d527b2efae7c1e7653f7be30074e2d37eac9a3dc124");
    }

    [Theory]
    [InlineData("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")]
    [InlineData("0x02f8ad827a69078459682f008506fc23ac00830186a0945fbdb2315678afecb367f032d93f642f64180aa382303984a9059cbbf838f7945fbdb2315678afecb367f032d93f642f64180aa3e1a0000000000000000000000000000000000000000000000000000000000000000101a0c5c48db470f2af718de7cb014b520e941d8834134ea4929972d24f336ed37d04a0593a95db80f79b059a181d40d0c00d4f1ef517215282f2332beb9a73b0eda769")]
    [InlineData("0x01f85701808504a817c80082cf088080856080604052c080a0d496f794a29d3b62a37256d339a29ab6505f668cd92f0fcb26d2ebe18263e768a06f4985d07a5f47893f11412d943458e691067b5e5275b220d95e03aeea484d34")]
    [InlineData("0xf85f01018252089470997970c51812dc3a010c7d01b50e0d17dc79c801801ca0d305523b00cf74b4e7bd083c4b33932cb4ea57146428013d023699bf6ef0943fa058acbf4267d50b9ed9e6fbb8660e98a4043b74c923dfaa921448e676481af607")]
    public void Decode_SignedVectors_RoundTripAndRecoverSender(string raw)
    {
        var decoded = Transaction.DecodeHex(raw);

        decoded.ToHex().Should().Be(raw);
        decoded.Transaction.WithSignature(decoded.Signature).ToHex().Should().Be(raw);
        decoded.Hash.Should().Be(Keccak256.Hash(Hex.Decode(raw)));
        decoded.From.Should().BeOneOf(HardhatAddress0, Address.Parse("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"));
    }

    [Fact]
    public void Decode_Eip155Example_ExposesFields()
    {
        var decoded = Transaction.DecodeHex("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
        var tx = decoded.Transaction.Should().BeOfType<LegacyTransaction>().Which;
        tx.ChainId.Should().Be(1UL);
        tx.Nonce.Should().Be(9UL);
        tx.GasPrice.Should().Be(EthUnits.ParseGwei("20"));
        tx.Value.Should().Be(EthUnits.ParseEther("1"));
        tx.Data.Length.Should().Be(0);
        decoded.Signature.V.Should().Be(27);
    }

    [Theory]
    [InlineData("0x", "cannot be empty")]
    [InlineData("0x03c0", "Unsupported transaction type 0x03")]
    [InlineData("0x80", "Invalid first byte 0x80")]
    [InlineData("0xc0", "not valid RLP")]
    [InlineData("0xc6808080808080", "no signature (6 fields)")]
    [InlineData("0x02c0", "not valid RLP")]
    [InlineData("0x02c0c0", "not valid RLP")]
    [InlineData("0xc9808080808080808080", "v must be 27, 28 or an EIP-155 value")]
    [InlineData("0xc9808080808080230101", "v must be 27, 28 or an EIP-155 value of 37 or more; got 35")]
    [InlineData("0xc98080808080801b8001", "r must be between")]
    public void Decode_Malformed_ThrowsTransactionFormatException(string raw, string expected)
    {
        var act = () => Transaction.DecodeHex(raw);
        act.Should().Throw<TransactionFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Decode_HighS_RejectedPerEip2()
    {
        var decoded = Transaction.DecodeHex("0x01f85701808504a817c80082cf088080856080604052c080a0d496f794a29d3b62a37256d339a29ab6505f668cd92f0fcb26d2ebe18263e768a06f4985d07a5f47893f11412d943458e691067b5e5275b220d95e03aeea484d34");
        var n = UInt256.Parse("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
        var high = new Signature(decoded.Signature.R, n - decoded.Signature.S, decoded.Signature.RecoveryId ^ 1);
        var raw = decoded.Transaction.WithSignature(high).ToHex();

        var act = () => Transaction.DecodeHex(raw);

        act.Should().Throw<TransactionFormatException>().WithMessage("*high s value*EIP-2*");
    }

    [Fact]
    public void Decode_YParityAboveOne_Rejected()
    {
        var decoded = Transaction.DecodeHex("0x01f85701808504a817c80082cf088080856080604052c080a0d496f794a29d3b62a37256d339a29ab6505f668cd92f0fcb26d2ebe18263e768a06f4985d07a5f47893f11412d943458e691067b5e5275b220d95e03aeea484d34");
        var tx = (Eip2930Transaction)decoded.Transaction;
        var writer = new RlpWriter();
        writer.WriteEncoded([1]);
        var list = writer.StartList();
        writer.WriteUInt64(tx.ChainId);
        writer.WriteUInt64(tx.Nonce);
        writer.WriteUInt256(tx.GasPrice);
        writer.WriteUInt64(tx.GasLimit);
        writer.WriteString([]);
        writer.WriteUInt256(tx.Value);
        writer.WriteString(tx.Data.Span);
        writer.WriteEncoded([0xc0]);
        writer.WriteUInt64(2);
        writer.WriteUInt256(decoded.Signature.R);
        writer.WriteUInt256(decoded.Signature.S);
        writer.EndList(list);

        var act = () => Transaction.Decode(writer.ToArray());

        act.Should().Throw<TransactionFormatException>().WithMessage("*yParity must be 0 or 1; got 2*");
    }

    [Fact]
    public void Decode_TrailingBytesAfterEnvelope_Rejected()
    {
        var act = () => Transaction.DecodeHex("0x01f85701808504a817c80082cf088080856080604052c080a0d496f794a29d3b62a37256d339a29ab6505f668cd92f0fcb26d2ebe18263e768a06f4985d07a5f47893f11412d943458e691067b5e5275b220d95e03aeea484d3400");
        act.Should().Throw<TransactionFormatException>().WithMessage("*trailing*");
    }

    [Fact]
    public void LegacyChainIdZero_IsRejectedInFavourOfNull()
    {
        var act = () => new LegacyTransaction { ChainId = 0 };
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*use null*");
    }

    [Fact]
    public void Legacy_LargeChainId_EncodesVBeyond64Bits()
    {
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var tx = new LegacyTransaction { ChainId = ulong.MaxValue, GasLimit = 21000, To = HardhatAddress0 };
        var signed = tx.Sign(key);
        var decoded = Transaction.Decode(signed.RawBytes);
        ((LegacyTransaction)decoded.Transaction).ChainId.Should().Be(ulong.MaxValue);
        decoded.From.Should().Be(key.Address);
    }

    [Fact]
    public void WithSignature_OverflowRecoveryId_Throws()
    {
        var tx = new Eip1559Transaction { ChainId = 1 };
        var act = () => tx.WithSignature(new Signature(1UL, 1UL, 3));
        act.Should().Throw<ArgumentException>().WithMessage("*recovery id is 2 or 3*");
    }

    [Fact]
    public void Eip1559_PriorityFeeAboveMaxFee_RefusesToSign()
    {
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var tx = new Eip1559Transaction { ChainId = 1, MaxPriorityFeePerGas = 2UL, MaxFeePerGas = 1UL };
        var act = () => tx.Sign(key);
        act.Should().Throw<InvalidOperationException>().WithMessage("*MaxPriorityFeePerGas (2 wei) exceeds MaxFeePerGas (1 wei)*");
    }
}
