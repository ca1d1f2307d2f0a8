using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

public sealed class RevertDecoderTests
{
    private static readonly RevertDecoder Decoder = new(new ContractAbi([
        AbiError.Parse("RegistryWrongStage(bytes32 nodeId, uint8 current)"),
        AbiError.Parse("VotingNoVotingPower(uint256 pollId, address voter, uint48 snapshot)"),
    ]));

    [Fact]
    public void Decode_ErrorString_SolidityDocsExample_GivesReason()
    {
        // From the Solidity documentation, "Error handling: Assert, Require, Revert and Exceptions".
        var data = Hex.Decode(
            "0x08c379a0" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "000000000000000000000000000000000000000000000000000000000000001a" +
            "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000");

        var revert = Decoder.Decode(data);

        revert.Kind.Should().Be(RevertKind.ErrorString);
        revert.Name.Should().Be("Error");
        revert.Message.Should().Be("Not enough Ether provided.");
        AbiError.ErrorString.Encode("Not enough Ether provided.").Should().Equal(data);
    }

    [Theory]
    [InlineData(0x01, "panic 0x1: assertion failed")]
    [InlineData(0x11, "panic 0x11: arithmetic overflow or underflow")]
    [InlineData(0x12, "panic 0x12: division or modulo by zero")]
    [InlineData(0x21, "panic 0x21: value too big or negative for the enum type")]
    [InlineData(0x32, "panic 0x32: array index out of bounds")]
    [InlineData(0x41, "panic 0x41: too much memory allocated or array too large")]
    [InlineData(0x99, "panic 0x99: unknown panic code")]
    public void Decode_Panic_GivesCodeAndMeaning(int code, string message)
    {
        var data = Hex.Decode("0x4e487b71" + code.ToString("x64", System.Globalization.CultureInfo.InvariantCulture));

        var revert = Decoder.Decode(data);

        revert.Kind.Should().Be(RevertKind.Panic);
        revert.PanicCode.Should().Be((UInt256)(ulong)code);
        revert.Message.Should().Be(message);
    }

    [Fact]
    public void Decode_CustomErrorFromAnyKnownAbi_GivesNameAndNamedArguments()
    {
        var voter = Address.Parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
        var data = AbiError.Parse("VotingNoVotingPower(uint256,address,uint48)").Encode(7, voter, 1_700_000_000);

        var revert = Decoder.Decode(data);

        revert.Kind.Should().Be(RevertKind.CustomError);
        revert.Name.Should().Be("VotingNoVotingPower");
        revert["voter"].AsAddress().Should().Be(voter);
        revert.Message.Should().Be($"VotingNoVotingPower(pollId=7, voter={voter}, snapshot=1700000000)");
    }

    [Fact]
    public void Decode_UnknownSelector_SaysSoAndKeepsRawData()
    {
        var data = Hex.Decode("0xdeadbeef0000");

        var revert = Decoder.Decode(data);

        revert.Kind.Should().Be(RevertKind.Unknown);
        revert.Selector.Should().Be(new AbiSelector(0xdeadbeef));
        revert.Data.ToArray().Should().Equal(data);
        revert.Message.Should().Be("reverted with unknown data (selector 0xdeadbeef): 0xdeadbeef0000");
    }

    [Fact]
    public void Decode_Empty_SaysRevertedWithoutData()
    {
        var revert = Decoder.Decode([]);

        revert.Kind.Should().Be(RevertKind.Empty);
        revert.Message.Should().Be("reverted without data");
    }

    [Fact]
    public void Decode_KnownSelectorWithTruncatedArguments_ThrowsAbiDecodingException()
    {
        var data = Hex.Decode("0x4e487b71" + new string('0', 62));

        var act = () => Decoder.Decode(data);

        act.Should().Throw<AbiDecodingException>().WithMessage(
            "Cannot decode uint256 at offset 0: the data ends after 31 bytes, 32 needed from here (truncated data).");
    }
}
