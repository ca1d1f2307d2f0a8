using System.Reflection;
using TcrToolkit.CodeGen.Tests.Generated;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using Xunit.Abstractions;

namespace TcrToolkit.CodeGen.Tests;

/// <summary>
/// Differential tests of the compiled kitchen-sink bindings against the dynamic ABI codec, on random values of every
/// type: what the generated code encodes, the dynamic codec encodes byte for byte, and what the dynamic codec encodes,
/// the generated code decodes back to the same values.
/// </summary>
public sealed class RoundTripTests(ITestOutputHelper output)
{
    private const int Iterations = 40;
    private static readonly ContractAbi Abi = KitchenSinkSource.Load().Abi;
    private static readonly IReadOnlyDictionary<string, string> Names = BindingGenerator.MemberNames(Abi);
    private static readonly Type Bindings = typeof(KitchenSink);

    [Fact]
    public void EncodeCall_RandomArguments_MatchesDynamicCodec()
    {
        ForEachSeed(seed =>
        {
            var random = new RandomAbiValues(seed);
            foreach (var function in Abi.Functions)
            {
                var encode = Bindings.GetMethod("Encode" + Names["function:" + function.Signature])!;
                var parameters = encode.GetParameters();
                var args = function.Inputs.Select((p, i) => random.Next(p.Type, parameters[i].ParameterType)).ToArray();

                var generated = (byte[])encode.Invoke(null, args)!;

                var dynamic = function.EncodeCall([.. args.Select((a, i) => RandomAbiValues.ToDynamic(a, function.Inputs[i].Type))]);
                Hex.Encode(generated).Should().Be(Hex.Encode(dynamic), function.Signature);
            }
        });
    }

    [Fact]
    public void DecodeOutput_DynamicEncoding_ReturnsTheSameValues()
    {
        ForEachSeed(seed =>
        {
            var random = new RandomAbiValues(seed);
            foreach (var function in Abi.Functions.Where(f => f.Outputs.Count > 0))
            {
                var decode = Bindings.GetMethod("Decode" + Names["function:" + function.Signature] + "Output")!;
                var types = OutputTypes(decode.ReturnType, function.Outputs.Count);
                var values = function.Outputs.Select((o, i) => random.Next(o.Type, types[i])).ToArray();
                var data = function.EncodeOutput([.. values.Select((v, i) => RandomAbiValues.ToDynamic(v, function.Outputs[i].Type))]);

                var decoded = Invoke(decode, data);

                var again = function.Outputs.Count == 1
                    ? [RandomAbiValues.ToDynamic(decoded, function.Outputs[0].Type)]
                    : (object?[])RandomAbiValues.ToDynamic(decoded, AbiType.Tuple(function.Outputs))!;
                Hex.Encode(function.EncodeOutput(again)).Should().Be(Hex.Encode(data), function.Signature);
            }
        });
    }

    [Fact]
    public void EventTryDecode_DynamicLog_DecodesFromRpcModelAndHex()
    {
        ForEachSeed(seed =>
        {
            var random = new RandomAbiValues(seed);
            foreach (var e in Abi.Events)
            {
                var record = Bindings.GetNestedType(Names["event:" + e.Signature])!;
                var fields = record.GetConstructors().Single(c => c.GetParameters().Length == e.Inputs.Count).GetParameters();
                var values = e.Inputs.Select((p, i) => p.Indexed && AbiEvent.IsHashedInTopic(p.Type)
                    ? RandomDynamic(random, p.Type)
                    : random.Next(p.Type, fields[i].ParameterType)).ToArray();
                var (topics, data) = e.EncodeLog([.. values.Select((v, i) => RandomAbiValues.ToDynamic(v, e.Inputs[i].Type))]);
                var log = new Log { Address = default, Topics = topics, Data = data };

                var fromModel = record.GetMethod("TryDecode", [typeof(Log)])!.Invoke(null, [log]);
                var fromHex = record.GetMethod("TryDecode", [typeof(IReadOnlyList<string>), typeof(string)])!
                    .Invoke(null, [topics.Select(t => t.ToString()).ToList(), Hex.Encode(data)]);

                fromModel.Should().NotBeNull(e.Signature);
                Describe(fromHex, e).Should().Be(Describe(fromModel, e), e.Signature);
                var topic = e.Anonymous ? 0 : 1;
                for (var i = 0; i < e.Inputs.Count; i++)
                {
                    var actual = record.GetProperty(fields[i].Name!)!.GetValue(fromModel);
                    var p = e.Inputs[i];
                    if (p.Indexed && AbiEvent.IsHashedInTopic(p.Type))
                    {
                        actual.Should().Be(topics[topic++], $"{e.Signature} {p.Name} is the topic hash");
                        continue;
                    }

                    topic += p.Indexed ? 1 : 0;
                    AbiValue.From(p.Type, RandomAbiValues.ToDynamic(actual, p.Type))
                        .Should().Be(AbiValue.From(p.Type, RandomAbiValues.ToDynamic(values[i], p.Type)), $"{e.Signature} {p.Name}");
                }
            }
        });
    }

    [Fact]
    public void EventTryDecode_OtherEventsLog_ReturnsNull()
    {
        var log = new Log { Address = default, Topics = [KitchenSink.PingEvent.Topic], Data = Array.Empty<byte>() };

        KitchenSink.IndexedEvent.TryDecode(log).Should().BeNull();
        KitchenSink.DecodeEvent(log).Should().Be(new KitchenSink.PingEvent());
    }

    [Fact]
    public void CreateFilter_IndexedValues_MatchDynamicTopicFilter()
    {
        var owner = Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
        var expected = Abi.GetEvent("Indexed").CreateTopicFilter(owner, null, "label");

        var filter = KitchenSink.IndexedEvent.CreateFilter(owner: owner, label: "label");

        filter.Topics.Should().HaveCount(4);
        for (var i = 0; i < 4; i++)
        {
            (filter.Topics[i] ?? []).Should().Equal(expected.Topics.Count > i ? expected.Topics[i] ?? [] : []);
        }
    }

    [Fact]
    public void CreateFilter_SmallIndexedValues_EncodeAsTopicWords()
    {
        var expected = Abi.GetEvent("Small").CreateTopicFilter(new byte[] { 1, 2, 3, 4 }, (short)-2, (byte)2);

        var filter = KitchenSink.SmallEvent.CreateFilter(b4: [1, 2, 3, 4], i16: -2, stage: KitchenSink.Stage.Closed);

        filter.Topics.Select(t => t ?? []).Should().BeEquivalentTo(expected.Topics.Select(t => t ?? []), o => o.WithStrictOrdering());
    }

    [Fact]
    public void CustomErrors_RandomValues_RoundTripWithDynamicCodecAndRevertDecoder()
    {
        ForEachSeed(seed =>
        {
            var random = new RandomAbiValues(seed);
            foreach (var error in Abi.Errors)
            {
                var record = Bindings.GetNestedType(Names["error:" + error.Signature])!;
                var value = error.Inputs.Count == 0 ? Activator.CreateInstance(record)! : random.Next(AbiType.Tuple(error.Inputs), record);

                var encoded = (byte[])record.GetMethod("Encode")!.Invoke(value, null)!;

                var args = (object?[])RandomAbiValues.ToDynamic(value, AbiType.Tuple(error.Inputs))!;
                Hex.Encode(encoded).Should().Be(Hex.Encode(error.Encode(args)), error.Signature);
                var decoded = KitchenSink.DecodeError(encoded);
                decoded.Should().NotBeNull().And.BeOfType(record);
                Hex.Encode((byte[])record.GetMethod("Encode")!.Invoke(decoded, null)!).Should().Be(Hex.Encode(encoded));
                KitchenSink.RevertDecoder.Decode(encoded).Name.Should().Be(error.Name);
            }
        });
    }

    [Fact]
    public void TryGetError_ContractRevertedException_GivesTypedError()
    {
        var revert = new KitchenSink.BadStageError(KitchenSink.Stage.Active, KitchenSink.Stage.Closed).Encode();
        var exception = new ContractRevertedException(revert, null, "http://127.0.0.1/", "eth_call", KitchenSink.RevertDecoder);

        var found = KitchenSink.TryGetError(exception, out var error);

        found.Should().BeTrue();
        error.Should().Be(new KitchenSink.BadStageError(KitchenSink.Stage.Active, KitchenSink.Stage.Closed));
        exception.Decoded!.Name.Should().Be("BadStage");
    }

    [Fact]
    public void DecodeError_EnumValuePastTheLastMember_ThrowsAbiDecodingException()
    {
        var revert = Abi.GetError("BadStage").Encode((byte)1, (byte)3);

        var act = () => KitchenSink.DecodeError(revert);

        act.Should().Throw<AbiDecodingException>().WithMessage("*3 is not a member of the enum (0 to 2)*");
    }

    [Fact]
    public void DecodeError_UnknownSelector_ReturnsNull()
    {
        KitchenSink.DecodeError(AbiError.ErrorString.Encode("nope")).Should().BeNull();
        KitchenSink.DecodeError([1, 2]).Should().BeNull();
    }

    [Fact]
    public void EncodeDeployment_RandomArguments_IsBytecodeThenDynamicConstructorEncoding()
    {
        ForEachSeed(seed =>
        {
            var random = new RandomAbiValues(seed);
            var constructor = Abi.Constructor!;
            var owner = (Address)random.Next(AbiType.Address, typeof(Address));
            var initial = (KitchenSink.Inner)random.Next(constructor.Inputs[1].Type, typeof(KitchenSink.Inner));

            var generated = KitchenSink.EncodeDeployment(owner, initial);

            var expected = constructor.EncodeDeployment(Hex.Decode(KitchenSink.BytecodeHex), owner, RandomAbiValues.ToDynamic(initial, constructor.Inputs[1].Type));
            Hex.Encode(generated).Should().Be(Hex.Encode(expected));
        });
    }

    [Fact]
    public void EncodeFixedBytes_WrongLength_ThrowsArgumentException()
    {
        var act = () => KitchenSink.EncodeAllBytes(new byte[3], new byte[4], new byte[31], default, [], "", default, false);

        act.Should().Throw<ArgumentException>().WithMessage("A bytes1 value holds exactly 1 bytes; got 3.*");
    }

    [Fact]
    public void EncodeFixedArray_WrongCount_ThrowsArgumentException()
    {
        var act = () => KitchenSink.EncodeArrays([], [default, default], [], [[], []], [], [], []);

        act.Should().Throw<ArgumentException>().WithMessage("A address[3] holds exactly 3 elements; got 2.*");
    }

    private static object RandomDynamic(RandomAbiValues random, AbiType type) => type.Kind switch
    {
        AbiTypeKind.String => random.Next(type, typeof(string)),
        AbiTypeKind.Bytes => random.Next(type, typeof(byte[])),
        _ => random.Next(type, DynamicClr(type)),
    };

    // The generated C# type for hashed indexed values is Bytes32; the random source value needs the full type.
    private static Type DynamicClr(AbiType type) => type.Kind switch
    {
        AbiTypeKind.Array or AbiTypeKind.FixedArray => typeof(IReadOnlyList<>).MakeGenericType(DynamicClr(type.ElementType!)),
        AbiTypeKind.Tuple => typeof(KitchenSink.Inner),
        AbiTypeKind.UInt => typeof(UInt256),
        _ => throw new NotSupportedException(type.CanonicalName),
    };

    private static Type[] OutputTypes(Type returnType, int count) => count == 1
        ? [returnType]
        : [.. returnType.GetConstructors().Single(c => c.GetParameters().Length == count).GetParameters().Select(p => p.ParameterType)];

    private static string Describe(object? value, AbiEvent e) =>
        value is null ? "null" : string.Join("|", value.GetType().GetProperties().Where(p => p.Name != "EqualityContract")
            .Select(p => p.GetValue(value) is { } v ? Format(v) : "null"));

    private static string Format(object value) => value switch
    {
        byte[] bytes => Hex.Encode(bytes),
        System.Collections.IEnumerable list and not string => "[" + string.Join(",", list.Cast<object>().Select(Format)) + "]",
        _ when value.GetType().IsClass && value is not string => string.Join(";", value.GetType().GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.GetValue(value) is { } v ? Format(v) : "null")),
        _ => value.ToString() ?? "",
    };

    private static object? Invoke(MethodInfo decode, byte[] data)
    {
        // ReadOnlySpan<byte> parameters cannot be boxed for reflection: call through a typed delegate.
        var returnType = decode.ReturnType;
        var invoker = typeof(RoundTripTests).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(returnType);
        return invoker.Invoke(null, [decode, data]);
    }

    private static object? InvokeTyped<T>(MethodInfo decode, byte[] data)
    {
        var function = decode.CreateDelegate<SpanDecoder<T>>();
        return function(data);
    }

    private delegate T SpanDecoder<T>(ReadOnlySpan<byte> data);

    private void ForEachSeed(Action<int> test)
    {
        var start = Environment.TickCount;
        for (var i = 0; i < Iterations; i++)
        {
            var seed = start + i;
            try
            {
                test(seed);
            }
            catch
            {
                output.WriteLine($"failed with seed {seed}");
                throw;
            }
        }
    }
}
