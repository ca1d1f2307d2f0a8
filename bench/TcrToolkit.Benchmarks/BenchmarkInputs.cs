using System.Text.Json;

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
    string Keccak32)
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
        Keccak32: "0x" + string.Concat(Enumerable.Range(0, 32).Select(i => ((i * 13 + 7) % 256).ToString("x2"))));

    public static BenchmarkInputs Load(string path) =>
        JsonSerializer.Deserialize<BenchmarkInputs>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path} holds no benchmark inputs.");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
}
