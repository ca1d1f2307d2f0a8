using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Events;

/// <summary><see cref="RegistryEvent.TryDecode"/> decodes through the generated bindings and refuses malformed logs.</summary>
public sealed class RegistryEventDecodingTests
{
    private static readonly Address Owner = Address.Parse("0x00000000000000000000000000000000000000a1");

    private static Log LogOf(string name, params object?[] arguments) => TestRegistryAbi.LogOf(name, arguments);

    private static Log AppliedLog() => LogOf("Applied", ScriptedChain.NodeId(1), Owner, 100, 200, new byte[] { 1, 2, 3 });

    [Fact]
    public void TryDecode_AppliedWithDynamicData_ReadsKindNodeIdOwnerAndArguments()
    {
        var decoded = RegistryEvent.TryDecode(AppliedLog());

        var applied = decoded!.Payload.Should().BeOfType<MailServerRegistry.AppliedEvent>().Subject;
        decoded.Name.Should().Be("Applied");
        decoded.NodeId.Should().Be(ScriptedChain.NodeId(1));
        decoded.Owner.Should().Be(Owner);
        applied.Deposit.Should().Be((UInt256)100UL);
        applied.ApplicationEnd.Should().Be((UInt256)200UL);
        applied.Data.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void TryDecode_ChallengedWithoutOwner_HasNoOwner()
    {
        var challenger = Address.Parse("0x00000000000000000000000000000000000000b2");

        var decoded = RegistryEvent.TryDecode(LogOf("Challenged", ScriptedChain.NodeId(2), 9, challenger, 10, 20, 30, Array.Empty<byte>()));

        decoded!.Payload.Should().BeOfType<MailServerRegistry.ChallengedEvent>().Which.Challenger.Should().Be(challenger);
        decoded.NodeId.Should().Be(ScriptedChain.NodeId(2));
        decoded.Owner.Should().BeNull();
    }

    [Fact]
    public void TryDecode_ParameterSet_HasZeroNodeIdAndNoOwner()
    {
        var decoded = RegistryEvent.TryDecode(LogOf("ParameterSet", 3, 1000));

        decoded!.Payload.Should().BeOfType<MailServerRegistry.ParameterSetEvent>().Which.Value.Should().Be((UInt256)1000UL);
        decoded.NodeId.Should().Be(Bytes32.Zero);
        decoded.Owner.Should().BeNull();
    }

    [Fact]
    public void TryDecode_UnknownTopic_ReturnsNull()
    {
        var log = AppliedLog() with { Topics = [Keccak256.HashUtf8("Transfer(address,address,uint256)")] };

        RegistryEvent.TryDecode(log).Should().BeNull();
    }

    [Fact]
    public void TryDecode_NoTopics_ReturnsNull()
    {
        var log = AppliedLog() with { Topics = [] };

        RegistryEvent.TryDecode(log).Should().BeNull();
    }

    [Fact]
    public void TryDecode_TruncatedData_Throws()
    {
        var log = AppliedLog();
        var truncated = log with { Data = log.Data[..70] };

        var decode = () => RegistryEvent.TryDecode(truncated);

        decode.Should().Throw<AbiDecodingException>().Which.Message.Should().Contain("truncated data");
    }

    [Fact]
    public void TryDecode_WrongTopicCount_Throws()
    {
        var log = AppliedLog();
        var fewer = log with { Topics = [.. log.Topics.Take(2)] };

        var decode = () => RegistryEvent.TryDecode(fewer);

        decode.Should().Throw<AbiDecodingException>().Which.Message.Should().Contain("Applied log must have the topics").And.Contain("it has 2");
    }

    [Fact]
    public void TryDecode_BadDynamicOffset_Throws()
    {
        var log = AppliedLog();
        var data = log.Data.ToArray();
        data[95] = 0x21; // the offset of `data`, which must be a multiple of 32 inside the data
        var misaligned = log with { Data = data };

        var decode = () => RegistryEvent.TryDecode(misaligned);

        decode.Should().Throw<AbiDecodingException>().Which.Message.Should().Contain("the offset 33 is not a multiple of 32");
    }

    [Fact]
    public void TryDecode_DirtyOwnerTopic_Throws()
    {
        var log = AppliedLog();
        var owner = log.Topics[2].AsSpan().ToArray();
        owner[3] = 0xff;
        var dirty = log with { Topics = [log.Topics[0], log.Topics[1], new Bytes32(owner)] };

        var decode = () => RegistryEvent.TryDecode(dirty);

        decode.Should().Throw<AbiDecodingException>();
    }

    [Fact]
    public void TryDecode_BoolOtherThanZeroOrOne_Throws()
    {
        var log = LogOf("ChallengeFailed", ScriptedChain.NodeId(4), 1, 10, false, 110, 20, 30, 40, true);
        var data = log.Data.ToArray();
        data[^1] = 2; // quorumReached is a bool: 0 or 1 only
        var dirty = log with { Data = data };

        var decode = () => RegistryEvent.TryDecode(dirty);

        decode.Should().Throw<AbiDecodingException>().Which.TypeName.Should().Be("bool");
    }

    [Fact]
    public void TestAbi_EveryEventWithAListingOrParameter_HasTheBindingsTopic()
    {
        var bound = typeof(MailServerRegistry).GetNestedTypes()
            .Where(t => t.IsSubclassOf(typeof(MailServerRegistry.Event)) && (t.GetProperty("NodeId") is not null || t.Name == "ParameterSetEvent"))
            .ToDictionary(t => t.Name[..^"Event".Length], t => (Bytes32)t.GetProperty("Topic")!.GetValue(null)!);

        TestRegistryAbi.Events.ToDictionary(e => e.Key, e => e.Value.Topic).Should().BeEquivalentTo(bound);
    }

    [Fact]
    public void TryDecode_EveryEvent_AgreesWithAFullDecodeOfTheSameLog()
    {
        foreach (var abiEvent in TestRegistryAbi.Events.Values)
        {
            var arguments = abiEvent.Inputs.Select(p => (object?)(p.Type.CanonicalName switch
            {
                "bytes32" => ScriptedChain.NodeId(abiEvent.Inputs.Count),
                "address" => Owner,
                "bool" => true,
                "bytes" => new byte[] { 7 },
                _ => 42,
            })).ToArray();
            var (topics, data) = abiEvent.EncodeLog(arguments);
            var full = abiEvent.DecodeLog(topics, data);

            var decoded = RegistryEvent.TryDecode(new Log { Address = ScriptedChain.Registry, Topics = topics, Data = data })!;

            decoded.Name.Should().Be(abiEvent.Name);
            decoded.NodeId.Should().Be(abiEvent.Name == "ParameterSet" ? Bytes32.Zero : full["nodeId"].AsBytes32());
            decoded.Owner.Should().Be(abiEvent.Inputs.Any(p => p.Name == "owner") ? full["owner"].AsAddress() : null);
            decoded.Arguments.Select(a => (a.Key, RegistryEvent.FormatValue(a.Value)))
                .Should().Equal(full.Arguments.Select(a => (a.Name, a.Value.ToString())));
        }
    }
}
