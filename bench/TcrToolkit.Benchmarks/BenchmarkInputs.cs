using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Benchmarks;

/// <summary>
/// The inputs every speed measurement uses, shared with the ethers side of the side-by-side run through one JSON file,
/// so both sides do the same work on the same bytes.
/// </summary>
internal sealed record BenchmarkInputs(
    string PrivateKey,
    ulong ChainId,
    ulong Nonce,
    string MaxPriorityFeePerGas,
    string MaxFeePerGas,
    ulong GasLimit,
    string To,
    string Value,
    string Data,
    string Keccak32,
    string LogEvent,
    string[] LogTopics,
    string LogData)
{
    /// <summary>Fixed defaults: an applyListing-sized EIP-1559 transaction (292 bytes of calldata).</summary>
    public static BenchmarkInputs Default { get; } = new(
        PrivateKey: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        ChainId: 11155111,
        Nonce: 42,
        MaxPriorityFeePerGas: "1500000000",
        MaxFeePerGas: "30000000000",
        GasLimit: 150_000,
        To: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0",
        Value: "0",
        Data: "0x" + string.Concat(Enumerable.Range(0, 292).Select(i => ((i * 37 + 11) % 256).ToString("x2"))),
        Keccak32: "0x" + string.Concat(Enumerable.Range(0, 32).Select(i => ((i * 13 + 7) % 256).ToString("x2"))),
        LogEvent: RegistryLogs.EventSignature,
        LogTopics: RegistryLogs.SampleTopics,
        LogData: RegistryLogs.SampleData);

    public static BenchmarkInputs Load(string path) =>
        JsonSerializer.Deserialize<BenchmarkInputs>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path} holds no benchmark inputs.");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
}

/// <summary>
/// A registry-shaped event, as the speed target describes it: indexed bytes32, indexed address, two uint256
/// and a 150-character string; and its decoder written the way generated bindings decode (hex straight to values).
/// </summary>
internal static class RegistryLogs
{
    public const string EventSignature =
        "Registered(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, string enr)";

    private static readonly AbiEvent Event = AbiEvent.Parse(EventSignature);
    private static readonly Bytes32 Topic = Event.Topic;

    public static string[] SampleTopics => Sample().Topics;

    public static string SampleData => Sample().Data;

    public static RegistryLog Decode(string[] topics, string data)
    {
        if (topics.Length != 3 || !LogHex.TopicEquals(topics[0], Topic))
        {
            throw new InvalidOperationException("Not a Registered log.");
        }

        var nodeId = LogHex.ReadBytes32Topic(topics[1]);
        var owner = LogHex.ReadAddressTopic(topics[2]);
        using var bytes = LogHex.DecodeData(data);
        var reader = bytes.CreateReader();
        return new RegistryLog(nodeId, owner, reader.ReadUInt256(), reader.ReadUInt256(), reader.ReadString());
    }

    private static (string[] Topics, string Data) Sample()
    {
        var enr = string.Concat(Enumerable.Repeat("enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04j", 3))[..150];
        var (topics, data) = Event.EncodeLog(
            Keccak256.HashUtf8("node-7"),
            Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
            UInt256.Parse("250000000000000000000"),
            1_767_225_600UL,
            enr);
        return ([.. topics.Select(t => t.ToString())], Hex.Encode(data));
    }
}

/// <summary>A decoded registry-shaped log.</summary>
internal readonly record struct RegistryLog(Bytes32 NodeId, Address Owner, UInt256 Deposit, UInt256 ApplicationEnd, string Enr);
