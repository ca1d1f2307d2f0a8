using TcrToolkit.Ethereum.Abi;
using Xunit.Abstractions;

namespace TcrToolkit.Ethereum.Tests.Abi;

/// <summary>
/// The registry log hot path, written as generated bindings will write it: from the JSON-RPC hex form straight to
/// typed values, allocating only the results.
/// </summary>
public sealed class LogHotPathTests(ITestOutputHelper output)
{
    private static readonly AbiEvent Registered =
        AbiEvent.Parse("Registered(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, string enr)");

    private static readonly Bytes32 RegisteredTopic = Registered.Topic;

    [Fact]
    public void DecodeRegistryLog_FromHex_AllocatesOnlyTheResultString()
    {
        var (topics, data) = SampleLog();
        var expected = Registered.DecodeLog([.. topics.Select(t => Bytes32.Parse(t))], Hex.Decode(data));
        for (var i = 0; i < 100; i++)
        {
            Decode(topics, data); // warm up the JIT tiers and the pool's per-thread cache
        }

        // The least of five rounds: a round can include a one-off allocation on this thread by tiered compilation
        // (seen on a loaded machine: 2 bytes per call more in one round), which is not the decoder's.
        const int Iterations = 2000;
        RegistryLog last = default;
        var perCall = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Iterations; i++)
            {
                last = Decode(topics, data);
            }

            perCall = Math.Min(perCall, (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations);
        }

        // The only heap result is the 150-character string: 20 bytes of header and length plus 2 bytes per UTF-16
        // character and the terminator, rounded up to 8.
        var resultBytes = (20 + (2 * (last.Enr.Length + 1)) + 7) / 8 * 8;
        output.WriteLine($"allocated {perCall:F1} bytes per decoded log; the result string is {resultBytes} bytes");
        perCall.Should().BeLessThanOrEqualTo(resultBytes);
        last.NodeId.Should().Be(expected["nodeId"].AsBytes32());
        last.Owner.Should().Be(expected["owner"].AsAddress());
        last.Deposit.Should().Be(expected["deposit"].AsUInt256());
        last.ApplicationEnd.Should().Be(expected["applicationEnd"].AsUInt256());
        last.Enr.Should().Be(expected["enr"].AsString()).And.HaveLength(150);
    }

    [Fact]
    public void DecodeRegistryLog_OtherEventTopic_IsRejected()
    {
        var (topics, data) = SampleLog();
        topics[0] = Keccak256.HashUtf8("Other()").ToString();

        var act = () => Decode(topics, data);

        act.Should().Throw<InvalidOperationException>().WithMessage("Not a Registered log.");
    }

    [Fact]
    public void ReadAddressTopic_DirtyPadding_ThrowsAbiDecodingException()
    {
        var act = () => LogHex.ReadAddressTopic("0x01" + new string('0', 22) + "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");

        act.Should().Throw<AbiDecodingException>().WithMessage("Cannot decode address at offset 0: the high-order 12 padding bytes are not zero.");
    }

    [Fact]
    public void TopicEquals_ShortTopic_ThrowsHexFormatException()
    {
        var act = () => LogHex.TopicEquals("0x1234", RegisteredTopic);

        act.Should().Throw<HexFormatException>().WithMessage("Expected 32 bytes (64 hex digits) but the text holds 2 bytes (4 digits).");
    }

    [Fact]
    public void DecodeData_OddDigits_ThrowsHexFormatException()
    {
        var act = () => LogHex.DecodeData("0x123").Dispose();

        act.Should().Throw<HexFormatException>().WithMessage("Hex text has an odd number of digits (3)*");
    }

    // What generated code for the event will look like.
    private static RegistryLog Decode(string[] topics, string data)
    {
        if (topics.Length != 3 || !LogHex.TopicEquals(topics[0], RegisteredTopic))
        {
            throw new InvalidOperationException("Not a Registered log.");
        }

        var nodeId = LogHex.ReadBytes32Topic(topics[1]);
        var owner = LogHex.ReadAddressTopic(topics[2]);
        using var bytes = LogHex.DecodeData(data);
        var reader = bytes.CreateReader();
        return new RegistryLog(nodeId, owner, reader.ReadUInt256(), reader.ReadUInt256(), reader.ReadString());
    }

    private static (string[] Topics, string Data) SampleLog()
    {
        var enr = string.Concat(Enumerable.Repeat("enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04j", 3))[..150];
        var (topics, data) = Registered.EncodeLog(
            Keccak256.HashUtf8("node-7"),
            Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
            UInt256.Parse("250000000000000000000"),
            1_767_225_600UL,
            enr);
        return ([.. topics.Select(t => t.ToString())], Hex.Encode(data));
    }

    private readonly record struct RegistryLog(Bytes32 NodeId, Address Owner, UInt256 Deposit, UInt256 ApplicationEnd, string Enr);
}
