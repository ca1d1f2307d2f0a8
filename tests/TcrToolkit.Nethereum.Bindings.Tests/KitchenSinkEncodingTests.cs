using System.Collections;
using System.Numerics;
using System.Reflection;
using System.Text;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Testing.Differential;
using Sink = TcrToolkit.NethereumBindings.Tests.KitchenSink.ContractDefinition;

namespace TcrToolkit.NethereumBindings.Tests;

/// <summary>
/// The Nethereum-style bindings of the kitchen-sink ABI (every ABI type, overloads, structs, nested and fixed arrays;
/// checked in under KitchenSink/ and kept in sync by the generator's tests) used by Nethereum's own encoder and decoder,
/// against the toolkit's ABI codec on random values: the calldata of every function message, and the decoding of
/// every event whose values survive in the log (no anonymous event, no indexed dynamic value).
/// </summary>
public sealed class KitchenSinkEncodingTests
{
    private const int Rounds = 25;

    private static readonly ContractAbi Abi = ContractAbi.Parse(File.ReadAllText(
        Repository.PathOf("tests", "TcrToolkit.CodeGen.Tests", "KitchenSink", "KitchenSink.abi.json")));

    private static readonly Type[] DtoTypes = [.. typeof(Sink.KitchenSinkDeployment).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(Sink.KitchenSinkDeployment).Namespace && !t.Name.EndsWith("Base", StringComparison.Ordinal))
        .OrderBy(t => t.Name, StringComparer.Ordinal)];

    private static readonly MethodInfo DecodeAllEvents = typeof(EventExtensions).GetMethods()
        .Single(m => m.Name == nameof(EventExtensions.DecodeAllEvents) && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(FilterLog[]));

    [Fact]
    public void FunctionMessages_RandomArguments_EncodeAsTheToolkitsCodec()
    {
        var seed = DifferentialSettings.SeedFor("nethereum-kitchen-sink-calls");
        var random = new Random(seed);
        var messages = DtoTypes.Where(t => t.IsSubclassOf(typeof(FunctionMessage))).ToList();
        messages.Should().HaveCount(Abi.Functions.Count, "one message per function");
        foreach (var type in messages)
        {
            var function = FunctionOf(type);
            for (var round = 0; round < Rounds; round++)
            {
                var message = (FunctionMessage)Activator.CreateInstance(type)!;
                var arguments = Fill(message, function.Inputs, random);

                var theirs = (byte[])typeof(FunctionMessageExtensions).GetMethod(nameof(FunctionMessageExtensions.GetCallData))!
                    .MakeGenericMethod(type).Invoke(null, [message])!;

                theirs.Should().Equal(function.EncodeCall(arguments), $"{type.Name} round {round}; {DifferentialSettings.ReproduceHint}");
            }
        }
    }

    [Fact]
    public void EventDtos_LogsTheToolkitEncodes_DecodeToTheSameValues()
    {
        var seed = DifferentialSettings.SeedFor("nethereum-kitchen-sink-events");
        var random = new Random(seed);
        var checkedEvents = 0;
        foreach (var type in DtoTypes.Where(t => typeof(IEventDTO).IsAssignableFrom(t)))
        {
            var name = type.GetCustomAttribute<EventAttribute>()!;
            var inputs = type.GetProperties().Count(p => p.GetCustomAttribute<ParameterAttribute>() is not null);
            var e = Abi.Events.Single(x => x.Name == name.Name && x.Inputs.Count == inputs);
            if (e.Anonymous || e.Inputs.Any(p => p.Indexed && (p.Type.IsDynamic || p.Type.Kind is AbiTypeKind.Tuple or AbiTypeKind.Array or AbiTypeKind.FixedArray)))
            {
                continue; // Nethereum keeps only the topic hash of an indexed dynamic value, and does not match anonymous logs.
            }

            for (var round = 0; round < Rounds; round++)
            {
                var sent = Activator.CreateInstance(type)!;
                var arguments = Fill(sent, e.Inputs, random);
                var (topics, data) = e.EncodeLog(arguments);
                var log = new FilterLog { Topics = [.. topics.Select(t => (object)t.ToString())], Data = Hex.Encode(data) };

                var decoded = (IList)DecodeAllEvents.MakeGenericMethod(type).Invoke(null, [new[] { log }])!;

                decoded.Count.Should().Be(1, $"{type.Name} round {round}");
                var dto = decoded[0]!.GetType().GetProperty("Event")!.GetValue(decoded[0])!;
                AbiText.Values(dto).Should().Equal(AbiText.Values(sent), $"{type.Name} round {round}; {DifferentialSettings.ReproduceHint}");
            }

            checkedEvents++;
        }

        checkedEvents.Should().BeGreaterThanOrEqualTo(4);
    }

    private static AbiFunction FunctionOf(Type message)
    {
        var attribute = message.GetCustomAttribute<FunctionAttribute>()!;
        var inputs = message.GetProperties().Count(p => p.GetCustomAttribute<ParameterAttribute>() is not null);
        return Abi.Functions.Single(f => f.Name == attribute.Name && f.Inputs.Count == inputs);
    }

    /// <summary>Sets the DTO's <c>[Parameter]</c> properties to random values and returns the same values for the toolkit's codec.</summary>
    private static object?[] Fill(object dto, IReadOnlyList<AbiParameter> parameters, Random random)
    {
        var properties = dto.GetType().GetProperties()
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Attribute is not null)
            .OrderBy(p => p.Attribute!.Order)
            .ToList();
        properties.Should().HaveCount(parameters.Count);
        var values = new object?[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var (property, attribute) = properties[i];
            attribute!.Name.Should().Be(parameters[i].Name);
            var (net, ours) = RandomValue(parameters[i].Type, property.PropertyType, random);
            property.SetValue(dto, net);
            values[i] = ours;
        }

        return values;
    }

    private static (object? Net, object? Ours) RandomValue(AbiType type, Type netType, Random random)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                {
                    var value = RandomBits(type.Size, random);
                    return (Convert(value, netType), value);
                }

            case AbiTypeKind.Int:
                {
                    var value = RandomBits(type.Size, random) - (BigInteger.One << (type.Size - 1));
                    return (Convert(value, netType), value);
                }

            case AbiTypeKind.Address:
                {
                    var address = "0x" + System.Convert.ToHexStringLower(RandomBytes(20, random));
                    return (address, address);
                }

            case AbiTypeKind.Bool:
                {
                    var value = random.Next(2) == 1;
                    return (value, value);
                }

            case AbiTypeKind.FixedBytes:
                {
                    var bytes = RandomBytes(type.Size, random);
                    return (bytes, bytes);
                }

            case AbiTypeKind.Bytes:
                {
                    var bytes = RandomBytes(random.Next(0, 70), random);
                    return (bytes, bytes);
                }

            case AbiTypeKind.String:
                {
                    var text = new StringBuilder();
                    for (var n = random.Next(0, 40); n > 0; n--)
                    {
                        text.Append(random.Next(4) == 0 ? "é€😀"[random.Next(2)] : (char)random.Next(0x20, 0x7f));
                    }

                    return (text.ToString(), text.ToString());
                }

            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                {
                    var count = type.Kind == AbiTypeKind.FixedArray ? type.Size : random.Next(0, 4);
                    var list = (IList)Activator.CreateInstance(netType)!;
                    var ours = new List<object?>();
                    var elementType = netType.GetGenericArguments()[0];
                    for (var i = 0; i < count; i++)
                    {
                        var (net, value) = RandomValue(type.ElementType!, elementType, random);
                        list.Add(net);
                        ours.Add(value);
                    }

                    return (list, ours);
                }

            default:
                {
                    var instance = Activator.CreateInstance(netType)!;
                    return (instance, Fill(instance, type.Components, random));
                }
        }
    }

    private static BigInteger RandomBits(int bits, Random random)
    {
        // Edges as often as the middle: 0, the maximum, and random values.
        return random.Next(4) switch
        {
            0 => BigInteger.Zero,
            1 => (BigInteger.One << bits) - 1,
            _ => new BigInteger(RandomBytes((bits + 7) / 8, random), isUnsigned: true, isBigEndian: true) & ((BigInteger.One << bits) - 1),
        };
    }

    private static byte[] RandomBytes(int length, Random random)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static object Convert(BigInteger value, Type netType) => netType == typeof(BigInteger)
        ? value
        : System.Convert.ChangeType(value.ToString(System.Globalization.CultureInfo.InvariantCulture), netType, System.Globalization.CultureInfo.InvariantCulture);
}
