using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TcrToolkit.Nethereum.Bench;

/// <summary>
/// The report's measurement: for each operation, the variants run in alternation in this one process — round 1 of
/// each, then round 2 of each, … — so that load from other processes on a shared machine hits every variant alike.
/// Each round spins for a fixed time; the figure is the median of the rounds' operations per second.
/// </summary>
internal static class Interleaved
{
    public static int Run(TimeSpan round, int rounds, string? output)
    {
        using var work = new Workload();
        (string Name, (string Variant, Func<object> Run)[] Variants)[] operations =
        [
            ("Keccak-256 of 32 bytes", [("TcrToolkit", () => work.KeccakOurs()), ("Nethereum", () => work.KeccakNethereum())]),
            ("Sign an EIP-1559 transaction (292 B calldata) to raw bytes", [
                ("TcrToolkit", () => work.SignOurs()), ("TcrToolkit through IAccountSigner (the PrivateKey path of every send)", () => work.SignOursThroughSigner()),
                ("Nethereum (BouncyCastle, default)", () => work.SignNethereum()),
                ("Nethereum (NBitcoin.Secp256k1, SignRecoverable)", () => work.SignNethereumNBitcoin())]),
            ("Decode a registry Applied log (JSON-RPC hex) to a typed event", [("TcrToolkit", work.DecodeLogOurs), ("Nethereum", work.DecodeLogNethereum)]),
            ("Encode applyListing calldata", [("TcrToolkit", work.EncodeOurs), ("Nethereum", work.EncodeNethereum)]),
            ($"eth_getLogs of {Workload.LogCount:N0} Applied logs + decode to typed events", [
                ("TcrToolkit", () => work.GetLogsOurs()), ("Nethereum (Event<T>.GetAllChangesAsync)", () => work.GetLogsNethereum()),
                ("TcrToolkit over Nethereum's RpcClient (NethereumRpcTransport)", () => work.GetLogsOursOverNethereumClient())]),
        ];

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}, {Environment.ProcessorCount} cores, {rounds} interleaved rounds of {round.TotalSeconds:0.##} s per variant (median).");
        report.AppendLine();
        report.AppendLine("| operation | variant | ops/s | time/op | allocated/op | TcrToolkit is × faster |");
        report.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, variants) in operations)
        {
            foreach (var (_, run) in variants)
            {
                Spin(run, round); // warm-up: tiered JIT reaches its final code
            }

            var samples = variants.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds; r++)
            {
                for (var v = 0; v < variants.Length; v++)
                {
                    samples[v].Add(Spin(variants[v].Run, round));
                }
            }

            var medians = samples.Select(Median).ToArray();
            for (var v = 0; v < variants.Length; v++)
            {
                var allocated = AllocatedPerOp(variants[v].Run);
                var ratio = v == 0 ? "—" : (medians[0] / medians[v]).ToString("0.0", CultureInfo.InvariantCulture) + "×";
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {(v == 0 ? name : "")} | {variants[v].Variant} | {medians[v]:N0} | {Time(1 / medians[v])} | {Bytes(allocated)} | {ratio} |");
            }

            Console.Error.WriteLine($"done: {name}");
        }

        Console.WriteLine(report.ToString());
        if (output is not null)
        {
            File.WriteAllText(output, report.ToString());
        }

        return 0;
    }

    private static double Spin(Func<object> operation, TimeSpan duration)
    {
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            operation();
            count++;
        }

        return count / stopwatch.Elapsed.TotalSeconds;
    }

    private static double AllocatedPerOp(Func<object> operation)
    {
        var count = 0;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        while (count < 1000 && stopwatch.Elapsed < TimeSpan.FromSeconds(1))
        {
            operation();
            count++;
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Time(double seconds) => seconds switch
    {
        < 1e-6 => (seconds * 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " ns",
        < 1e-3 => (seconds * 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
        _ => (seconds * 1e3).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
    };

    private static string Bytes(double bytes) => bytes switch
    {
        < 1024 => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => (bytes / (1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MiB",
    };
}
