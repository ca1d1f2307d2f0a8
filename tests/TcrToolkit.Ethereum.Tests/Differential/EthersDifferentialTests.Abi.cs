using System.Text.Json;
using System.Text.Json.Nodes;
using TcrToolkit.Ethereum.Abi;
using static TcrToolkit.Testing.Differential.DifferentialRun;

namespace TcrToolkit.Ethereum.Tests.Differential;

public sealed partial class EthersDifferentialTests
{
    [Fact]
    public void Abi_RandomNestedTypesAndValues_EncodeAndDecodeLikeEthers()
    {
        Run("abi", inputs =>
        {
            var random = new RandomAbi(inputs);
            var types = Enumerable.Range(0, inputs.Random.Next(1, 5)).Select(_ => random.Type(inputs.Random.Next(1, 5))).ToArray();
            var values = types.Select(random.Value).ToArray();
            var ours = AbiCodec.Encode(types, values);
            var function = new JsonObject
            {
                ["type"] = "function",
                ["name"] = "f" + inputs.Random.Next(1000),
                ["stateMutability"] = "nonpayable",
                ["inputs"] = new JsonArray([.. types.Select((t, i) => (JsonNode)RandomAbi.ToJsonParameter($"a{i}", t))]),
                ["outputs"] = new JsonArray(),
            };
            var request = new JsonObject
            {
                ["op"] = "abi",
                ["types"] = new JsonArray([.. types.Select(t => (JsonNode)JsonValue.Create(t.CanonicalName))]),
                ["values"] = new JsonArray([.. values.Select(RandomAbi.ToJson)]),
                ["ours"] = Hex.Encode(ours),
                ["function"] = function,
            };
            return (request, (types, values, ours, function: ContractAbi.Parse(new JsonArray(function.DeepClone()).ToJsonString()).Functions[0]));
        }, (input, answer) =>
        {
            Expect("signature of the JSON ABI function", answer.Get("signature"), input.function.Signature);
            Expect("selector", answer.Get("selector"), input.function.Selector.ToString());
            var expectedJson = new JsonArray([.. input.values.Select(RandomAbi.ToJson)]).ToJsonString();
            Expect("encoding", answer.Get("encoded"), Hex.Encode(input.ours));
            Expect("ethers' decoding of our encoding", expectedJson, Compact(answer.Value.GetProperty("decoded")));
            var decoded = AbiCodec.Decode(input.types, Hex.Decode(answer.Get("encoded")));
            Expect("our decoding of ethers' encoding", expectedJson, new JsonArray([.. decoded.Select(RandomAbi.ToJson)]).ToJsonString());
            Expect("decoded values equal the originals", true, decoded.SequenceEqual(input.values));
        });
    }

    [Fact]
    public void AbiEvent_RandomEventsAndLogs_EncodeTopicsAndDecodeLikeEthers()
    {
        Run("abi-event", inputs =>
        {
            var random = new RandomAbi(inputs);
            var anonymous = inputs.Random.Next(5) == 0;
            var count = inputs.Random.Next(0, 6);
            var indexedLeft = anonymous ? 4 : 3;
            var parameters = new List<AbiParameter>();
            for (var i = 0; i < count; i++)
            {
                // Mostly value types in topics, as contracts index them; sometimes hashed dynamic ones.
                var indexed = indexedLeft > 0 && inputs.Random.Next(2) == 0;
                var type = indexed && inputs.Random.Next(3) != 0 ? random.Elementary() : random.Type(inputs.Random.Next(0, 4));
                indexedLeft -= indexed ? 1 : 0;
                parameters.Add(new AbiParameter($"p{i}", type, indexed));
            }

            var e = new AbiEvent("E" + inputs.Random.Next(1000), parameters, anonymous);
            var values = parameters.Select(p => random.Value(p.Type)).ToArray();
            var (topics, data) = e.EncodeLog([.. values]);
            var request = new JsonObject
            {
                ["op"] = "abi-event",
                ["event"] = new JsonObject
                {
                    ["type"] = "event",
                    ["name"] = e.Name,
                    ["anonymous"] = anonymous,
                    ["inputs"] = new JsonArray([.. parameters.Select(p => (JsonNode)RandomAbi.ToJsonParameter(p.Name, p.Type, p.Indexed))]),
                },
                ["values"] = new JsonArray([.. values.Select(RandomAbi.ToJson)]),
                ["topics"] = new JsonArray([.. topics.Select(t => (JsonNode)JsonValue.Create(t.ToString()))]),
                ["data"] = Hex.Encode(data),
            };
            return (request, (e, values, topics, data));
        }, (input, answer) =>
        {
            var (e, values, topics, data) = input;
            Expect("event topic", answer.Get("topic"), e.Topic.ToString());

            // ethers' decoding of our log: values, with indexed dynamic ones as their hash.
            var expected = new JsonArray();
            var topicIndex = e.Anonymous ? 0 : 1;
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = e.Inputs[i];
                expected.Add(parameter.Indexed && AbiEvent.IsHashedInTopic(parameter.Type)
                    ? new JsonObject { ["hash"] = topics[topicIndex].ToString() }
                    : RandomAbi.ToJson(values[i]));
                topicIndex += parameter.Indexed ? 1 : 0;
            }

            Expect("ethers' decoding of our log", expected.ToJsonString(), Compact(answer.Value.GetProperty("decoded")));

            // ethers encodes logs unless an indexed value is an array or tuple ("not implemented").
            var encoded = answer.Value.GetProperty("encoded");
            var hashedComposite = e.Inputs.Any(p => p.Indexed && AbiEvent.IsHashedInTopic(p.Type) && p.Type.Kind is not (AbiTypeKind.Bytes or AbiTypeKind.String));
            if (encoded.TryGetProperty("error", out var error))
            {
                Expect("ethers refuses only indexed arrays and tuples", true, hashedComposite);
                return;
            }

            var theirTopics = encoded.GetProperty("topics").EnumerateArray().Select(t => Bytes32.Parse(t.GetString())).ToList();
            Expect("topics", string.Join(",", theirTopics), string.Join(",", topics));
            Expect("data", encoded.GetProperty("data").GetString(), Hex.Encode(data));
            var ours = e.DecodeLog(theirTopics, Hex.Decode(encoded.GetProperty("data").GetString()));
            Expect("our decoding of ethers' log", expected.ToJsonString(), new JsonArray([.. ours.Arguments.Select(a =>
                a.IsHashed ? new JsonObject { ["hash"] = a.Value.AsBytes32().ToString() } : RandomAbi.ToJson(a.Value))]).ToJsonString());
        });
    }

    private static string Compact(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("error", out var error)
            ? "error: " + error.GetString()
            : JsonNode.Parse(element.GetRawText())!.ToJsonString();
}
