using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using TcrToolkit.MailServers.Bench;
using TcrToolkit.MailServers.History;

// Modes: `eviction [samples per mode = 20] [poll ms = 500]` (run by bench/mailservers-eviction.sh), `coldstart [trials per mode = 20] [seed = 1] [offline listings = 0] [registry,walk]`, `merge-memory [messages per server = 1000000]`,
// `end-to-end [messages per server = 20000]`; anything else goes to BenchmarkDotNet (e.g. `--filter '*Merge*'`).
var invariant = CultureInfo.InvariantCulture;
if (args is ["eviction", .. var evictionArgs])
{
    await Eviction.RunAsync(evictionArgs);
    return 0;
}

if (args is ["coldstart", ..])
{
    var trials = args.Length > 1 ? int.Parse(args[1], invariant) : 20;
    var seed = args.Length > 2 ? int.Parse(args[2], invariant) : 1;
    var offline = args.Length > 3 ? int.Parse(args[3], invariant) : 0;
    var modes = args.Length > 4 ? args[4].Split(',') : ["registry", "walk"];
    await using var network = new ColdStart(offline);
    await network.BuildAsync(Console.Out, seed);
    var random = new Random(seed);
    var results = new List<ColdStart.Trial>();
    for (var i = 0; i < trials; i++)
    {
        // Interleaved, alternating which mode goes first; both modes of one pair use the same bootnode.
        var pairSeed = random.Next();
        foreach (var mode in i % 2 == 0 ? modes : Enumerable.Reverse(modes))
        {
            var trial = await network.RunAsync(mode, i, new Random(pairSeed), TimeSpan.FromSeconds(30));
            results.Add(trial);
            Console.WriteLine(string.Create(invariant,
                $"  {trial.Mode,-8} #{trial.Index,2} boot={trial.BootKind,-9} found={trial.Found} candidate={trial.CandidateMs,7:F0} ms verified={trial.VerifiedMs,7:F0} ms discarded={trial.Discarded}"));
            await Task.Delay(200);
        }
    }

    Console.WriteLine();
    Console.WriteLine("| source | trials | found | candidate median | candidate p90 | verified median | verified p90 | verified max |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var mode in modes)
    {
        var mine = results.Where(r => r.Mode == mode).ToList();
        if (mine.Count == 0)
        {
            continue;
        }

        var found = mine.Where(r => r.Found).ToList();
        var candidate = found.Select(r => r.CandidateMs).ToList();
        // A trial that found nothing counts as its timeout, so the percentiles never flatter a failing mode.
        var verified = mine.Select(r => r.VerifiedMs).ToList();
        Console.WriteLine(string.Create(invariant,
            $"| {Describe(mode)} | {mine.Count} | {found.Count} | " +
            $"{Percentile(candidate, 0.5):F0} ms | {Percentile(candidate, 0.9):F0} ms | {Percentile(verified, 0.5):F0} ms | {Percentile(verified, 0.9):F0} ms | {verified.Max():F0} ms |"));
    }

    return 0;
}

if (args is ["merge-memory", ..])
{
    var perServer = args.Length > 1 ? int.Parse(args[1], invariant) : 1_000_000;
    var answers = MergeInputs.Answers(perServer);
    var input = answers.Sum(a => a.Messages.Count);
    HistoryMerge.Merge(MergeInputs.Answers(1_000)); // JIT warm-up
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    var before = ProcessMemory.Read();
    var reset = ProcessMemory.ResetPeak();
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var clock = Stopwatch.StartNew();
    var merged = HistoryMerge.Merge(answers);
    clock.Stop();
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    var after = ProcessMemory.Read();
    var peak = reset
        ? string.Create(invariant, $"peak during the merge {after.Peak / 1048576.0:F0} MiB (+{(after.Peak - before.Rss) / 1048576.0:F0} MiB)")
        : string.Create(invariant, $"after the merge {after.Rss / 1048576.0:F0} MiB (peak reset unavailable)");
    Console.WriteLine(string.Create(invariant,
        $"merge of 3 × {perServer:N0} messages ({input:N0} in, {merged.Messages.Count:N0} unique out, {1 - ((double)merged.Messages.Count / input):P0} duplicates): " +
        $"{clock.Elapsed.TotalMilliseconds:F0} ms, {input / clock.Elapsed.TotalSeconds / 1e6:F2} M messages/s in; allocated {allocated / (double)input:F1} B per input message " +
        $"({allocated / 1048576.0:F1} MiB); working set with the inputs {before.Rss / 1048576.0:F0} MiB (peak while building them {before.Peak / 1048576.0:F0} MiB), {peak}"));
    Console.WriteLine(string.Join(", ", merged.Servers.Select(s => $"{s.Returned} returned / {s.Missing} missing / {s.OnlyHere} only here")));
    GC.KeepAlive(answers);
    return 0;
}

if (args is ["end-to-end", ..])
{
    var perServer = args.Length > 1 ? int.Parse(args[1], invariant) : 20_000;
    await EndToEnd.RunAsync(perServer, Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(MergeBenchmarks).Assembly).Run(args);
return 0;

static string Describe(string mode) => mode switch
{
    "registry" => "registry-directed (ResolveListedAsync)",
    "registry-sequential" => "registry-directed, one listing after another (the former ResolveListedAsync)",
    _ => "random walk (RandomWalkAsync)",
};

static double Percentile(List<double> values, double p)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
