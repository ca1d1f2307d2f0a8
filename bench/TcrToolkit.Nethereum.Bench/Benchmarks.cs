using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace TcrToolkit.Nethereum.Bench;

/// <summary>
/// The same operations under BenchmarkDotNet, all in this process (in-process toolchain), TcrToolkit as the baseline
/// of each category. Slower to run than <see cref="Interleaved"/>; run with <c>-- bdn --filter '*'</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(InProcessConfig))]
public class NethereumComparison : IDisposable
{
    private Workload _work = null!;

    [GlobalSetup]
    public void Setup() => _work = new Workload();

    [GlobalCleanup]
    public void Dispose()
    {
        _work?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("keccak")]
    public byte KeccakTcrToolkit() => _work.KeccakOurs();

    [Benchmark, BenchmarkCategory("keccak")]
    public byte KeccakNethereum() => _work.KeccakNethereum();

    [Benchmark(Baseline = true), BenchmarkCategory("sign")]
    public int SignTcrToolkit() => _work.SignOurs();

    [Benchmark, BenchmarkCategory("sign")]
    public int SignTcrToolkitThroughSigner() => _work.SignOursThroughSigner();

    [Benchmark, BenchmarkCategory("sign")]
    public int SignNethereumBouncyCastle() => _work.SignNethereum();

    [Benchmark, BenchmarkCategory("sign")]
    public int SignNethereumNBitcoin() => _work.SignNethereumNBitcoin();

    [Benchmark(Baseline = true), BenchmarkCategory("decode")]
    public object DecodeTcrToolkit() => _work.DecodeLogOurs();

    [Benchmark, BenchmarkCategory("decode")]
    public object DecodeNethereum() => _work.DecodeLogNethereum();

    [Benchmark(Baseline = true), BenchmarkCategory("encode")]
    public byte[] EncodeTcrToolkit() => _work.EncodeOurs();

    [Benchmark, BenchmarkCategory("encode")]
    public byte[] EncodeNethereum() => _work.EncodeNethereum();

    [Benchmark(Baseline = true), BenchmarkCategory("getLogs")]
    public int GetLogsTcrToolkit() => _work.GetLogsOurs();

    [Benchmark, BenchmarkCategory("getLogs")]
    public int GetLogsNethereum() => _work.GetLogsNethereum();

    [Benchmark, BenchmarkCategory("getLogs")]
    public int GetLogsTcrToolkitOverNethereumClient() => _work.GetLogsOursOverNethereumClient();

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
