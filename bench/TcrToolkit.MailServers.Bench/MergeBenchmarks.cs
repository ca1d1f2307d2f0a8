using BenchmarkDotNet.Attributes;
using TcrToolkit.MailServers.History;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.MailServers.Bench;

/// <summary>
/// <see cref="HistoryMerge.Merge{TMessage}"/> over three servers' in-memory answers with 30% duplicates. Throughput in
/// messages per second counts every message handed to the merge (3 × <see cref="PerServer"/>).
/// </summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private ServerHistory<StoredMessage>[] _answers = [];

    /// <summary>Messages each server returns.</summary>
    [Params(1_000, 100_000)]
    public int PerServer { get; set; }

    /// <summary>Builds the answers (not measured).</summary>
    [GlobalSetup]
    public void Setup() => _answers = MergeInputs.Answers(PerServer);

    /// <summary>The merge: dedupe by hash, order by (timestamp, hash), per-server reports.</summary>
    [Benchmark]
    public int Merge() => HistoryMerge.Merge(_answers).Messages.Count;
}
