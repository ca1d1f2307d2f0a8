using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Generated;
using Xunit.Abstractions;

namespace TcrToolkit.CodeGen.Tests;

/// <summary>The generated registry event decoders on the JSON-RPC hex form: the LogHotPathTests pattern, generated.</summary>
public sealed class GeneratedHotPathTests(ITestOutputHelper output)
{
    private static readonly AbiEvent Listed = AbiEvent.Parse("Listed(bytes32 indexed nodeId, address indexed owner, uint256 deposit)");

    [Fact]
    public void ListedEventTryDecode_FromHex_AllocatesOnlyTheResult()
    {
        var (topics, data) = SampleLog();
        for (var i = 0; i < 100; i++)
        {
            MailServerRegistry.ListedEvent.TryDecode(topics, data); // warm up the JIT tiers and the pool's per-thread cache
        }

        const int Iterations = 2000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        MailServerRegistry.ListedEvent? last = null;
        for (var i = 0; i < Iterations; i++)
        {
            last = MailServerRegistry.ListedEvent.TryDecode(topics, data);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations;

        // The record: a 16-byte object header, Bytes32 (32), Address (20, padded) and UInt256 (32).
        output.WriteLine($"allocated {perCall:F1} bytes per decoded log");
        perCall.Should().BeLessThanOrEqualTo(112);
        last.Should().Be(new MailServerRegistry.ListedEvent(
            Keccak256.HashUtf8("node-7"), Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), UInt256.Parse("250000000000000000000")));
    }

    [Fact]
    public void DecodeEvent_HexAndRpcModel_PickTheEventByTopic()
    {
        var (topics, data) = SampleLog();
        var log = new TcrToolkit.Ethereum.Rpc.Log { Address = default, Topics = [.. topics.Select(t => Bytes32.Parse(t))], Data = Hex.Decode(data) };

        var fromHex = MailServerRegistry.DecodeEvent(topics, data);
        var fromModel = MailServerRegistry.DecodeEvent(log);

        fromHex.Should().BeOfType<MailServerRegistry.ListedEvent>().And.Be(fromModel);
        MailServerRegistry.ExitedEvent.TryDecode(topics, data).Should().BeNull();
    }

    private static (string[] Topics, string Data) SampleLog()
    {
        var (topics, data) = Listed.EncodeLog(
            Keccak256.HashUtf8("node-7"),
            Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
            UInt256.Parse("250000000000000000000"));
        return ([.. topics.Select(t => t.ToString())], Hex.Encode(data));
    }
}
