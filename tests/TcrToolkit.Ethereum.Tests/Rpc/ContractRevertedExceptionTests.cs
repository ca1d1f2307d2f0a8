using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

public sealed class ContractRevertedExceptionTests
{
    private const string Endpoint = "http://127.0.0.1:8545";

    // ProbeValueTooLarge(uint256 value, uint256 max) with value 2000, max 1000.
    private static readonly byte[] CustomError = Hex.Decode(
        "0x5d6000de00000000000000000000000000000000000000000000000000000000000007d000000000000000000000000000000000000000000000000000000000000003e8");

    [Fact]
    public void Create_NoDecoder_DescribesSelector()
    {
        var exception = new ContractRevertedException(CustomError, null, Endpoint, "eth_call");

        exception.Message.Should().Be("Execution reverted with error selector 0x5d6000de (68 bytes of revert data, not decoded).");
        exception.Selector.Should().Be("0x5d6000de");
        exception.Decoded.Should().BeNull();
    }

    [Fact]
    public void Create_StandardDecoderUnknownSelector_LeavesDataUndecoded()
    {
        var exception = new ContractRevertedException(CustomError, null, Endpoint, "eth_call", RevertDecoder.Standard);

        exception.Decoded.Should().BeNull();
        exception.Message.Should().Contain("0x5d6000de").And.Contain("not decoded");
    }

    [Fact]
    public void Create_DecoderKnowsCustomError_ShowsNamedArguments()
    {
        var decoder = new RevertDecoder([AbiError.Parse("ProbeValueTooLarge(uint256 value, uint256 max)")]);

        var exception = new ContractRevertedException(CustomError, null, Endpoint, "eth_call", decoder);

        exception.Decoded!.Name.Should().Be("ProbeValueTooLarge");
        exception.Decoded["value"].AsUInt256().Should().Be(2000UL);
        exception.Message.Should().Be("Execution reverted: ProbeValueTooLarge(value=2000, max=1000).");
    }

    [Fact]
    public void Create_EmptyData_SaysSo()
    {
        var exception = new ContractRevertedException([], "execution reverted", Endpoint, "eth_estimateGas", RevertDecoder.Standard);

        exception.Message.Should().Be("Execution reverted without revert data. The node said: execution reverted");
        exception.Selector.Should().BeNull();
        exception.Decoded.Should().BeNull();
    }

    [Fact]
    public void Create_KnownSelectorMalformedArguments_KeepsRawDataUndecoded()
    {
        var truncated = CustomError[..40];
        var decoder = new RevertDecoder([AbiError.Parse("ProbeValueTooLarge(uint256 value, uint256 max)")]);

        var exception = new ContractRevertedException(truncated, null, Endpoint, "eth_call", decoder);

        exception.Decoded.Should().BeNull();
        exception.RevertData.Length.Should().Be(40);
    }
}
