using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

public sealed class RevertDecoderTests
{
    private const string ErrorString =
        "0x08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000001052706350726f62653a20726561736f6e00000000000000000000000000000000";

    private static DecodedRevert? Decode(string hex) => StandardRevertDecoder.Instance.Decode(Hex.Decode(hex));

    [Fact]
    public void Decode_ErrorString_ReturnsReason()
    {
        Decode(ErrorString).Should().Be(new DecodedRevert("Error", ["RpcProbe: reason"]));
    }

    [Fact]
    public void Decode_EmptyErrorString_ReturnsEmptyReason()
    {
        Decode("0x08c379a0" + new string('0', 62) + "20" + new string('0', 64)).Should().Be(new DecodedRevert("Error", [""]));
    }

    [Fact]
    public void Decode_PanicDivisionByZero_ReturnsCodeAndMeaning()
    {
        var decoded = Decode("0x4e487b71" + new string('0', 62) + "12");

        decoded.Should().Be(new DecodedRevert("Panic", ["0x12 (division or modulo by zero)"]));
        decoded!.ToString().Should().Be("Panic(0x12 (division or modulo by zero))");
    }

    [Fact]
    public void Decode_PanicUnknownCode_ReturnsBareCode()
    {
        Decode("0x4e487b71" + new string('0', 62) + "99").Should().Be(new DecodedRevert("Panic", ["0x99"]));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("0x08c379")]
    [InlineData("0x5d6000de00000000000000000000000000000000000000000000000000000000000007d0")]
    [InlineData("0x4e487b710000000000000000000000000000000000000000000000000000000000000012ff")]
    public void Decode_UnknownOrShortOrTrailingBytes_ReturnsNull(string hex)
    {
        Decode(hex).Should().BeNull();
    }

    [Fact]
    public void Decode_ErrorStringTruncated_ReturnsNull()
    {
        Decode(ErrorString[..^2]).Should().BeNull();
    }

    [Fact]
    public void Decode_ErrorStringDirtyPadding_ReturnsNull()
    {
        Decode(ErrorString[..^2] + "01").Should().BeNull();
    }

    [Fact]
    public void Decode_ErrorStringBadOffset_ReturnsNull()
    {
        Decode(ErrorString.Replace("0000000000000000000000000000000000000000000000000000000000000020", "0000000000000000000000000000000000000000000000000000000000000040", StringComparison.Ordinal))
            .Should().BeNull();
    }

    [Fact]
    public void Decode_ErrorStringLengthBeyondData_ReturnsNull()
    {
        Decode(ErrorString.Replace("0000000000000000000000000000000000000000000000000000000000000010", "00000000000000000000000000000000000000000000000000000000000000ff", StringComparison.Ordinal))
            .Should().BeNull();
    }

    [Fact]
    public void Decode_ErrorStringInvalidUtf8_ReturnsNull()
    {
        Decode("0x08c379a0" + new string('0', 62) + "20" + new string('0', 62) + "02" + "ff fe".Replace(" ", "", StringComparison.Ordinal) + new string('0', 60))
            .Should().BeNull();
    }

    [Fact]
    public void ContractRevertedException_NoDecoder_DescribesSelector()
    {
        var data = Hex.Decode("0x5d6000de00000000000000000000000000000000000000000000000000000000000007d000000000000000000000000000000000000000000000000000000000000003e8");

        var exception = new ContractRevertedException(data, null, "http://127.0.0.1:8545", "eth_call");

        exception.Message.Should().Be("Execution reverted with error selector 0x5d6000de (68 bytes of revert data, not decoded).");
        exception.Selector.Should().Be("0x5d6000de");
    }

    [Fact]
    public void ContractRevertedException_EmptyData_SaysSo()
    {
        var exception = new ContractRevertedException([], "execution reverted", "http://127.0.0.1:8545", "eth_estimateGas", StandardRevertDecoder.Instance);

        exception.Message.Should().Be("Execution reverted without revert data. The node said: execution reverted");
        exception.Selector.Should().BeNull();
        exception.Decoded.Should().BeNull();
    }
}
