using BenchmarkDotNet.Attributes;

namespace TcrToolkit.Benchmarks;

/// <summary>Hot paths of the Ethereum layer, with allocations (the targets ask for zero on Keccak).</summary>
[MemoryDiagnoser]
public class EthereumBenchmarks : IDisposable
{
    private readonly Operations _operations = new(BenchmarkInputs.Default);

    [Benchmark(Description = "keccak256(32 bytes)")]
    public byte Keccak32() => _operations.Keccak32();

    [Benchmark(Description = "decode registry log from JSON-RPC hex")]
    public int DecodeLog() => _operations.DecodeLog().Enr.Length;

    [Benchmark(Description = "sign + serialize EIP-1559 tx")]
    public int SignEip1559() => _operations.SignEip1559();

    public void Dispose()
    {
        _operations.Dispose();
        GC.SuppressFinalize(this);
    }
}
