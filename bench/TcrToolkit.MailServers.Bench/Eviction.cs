using System.Diagnostics;
using System.Globalization;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Tests;

namespace TcrToolkit.MailServers.Bench;

/// <summary>
/// Eviction latency: from the removal's block to the pool's ServerEvicted, with the real registry mirror following a
/// Hardhat devnet by HTTP polling and by WebSocket heads. The clock starts just before the removing transaction
/// (finalizeExit) is sent; Hardhat mines it at once (automine), so each figure is an upper bound of block -> eviction.
/// </summary>
internal static class Eviction
{
    public static async Task RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var poll = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500);
        Console.WriteLine($"# eviction latency, {samples} removals per mode, poll interval {poll.TotalMilliseconds} ms");
        Console.WriteLine("| mode | samples | median (ms) | p90 (ms) | max (ms) | min (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var webSocket in new[] { false, true })
        {
            var latencies = await MeasureAsync(webSocket, samples, poll);
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(webSocket ? "WebSocket heads" : "HTTP polling")} | {latencies.Count} | {Percentile(latencies, 0.5):F1} | {Percentile(latencies, 0.9):F1} | {latencies[^1]:F1} | {latencies[0]:F1} |"));
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<List<double>> MeasureAsync(bool webSocket, int samples, TimeSpan poll)
    {
        await using var bed = await RegistryBed.StartAsync(actors: 1, webSocket: webSocket, pollInterval: poll);
        using var pool = new TrustedMailServers(bed.Trust);
        var owner = bed.Testbed.Actors[0];
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            using var key = PrivateKey.Generate();
            var id = await bed.ListAsync(owner, key);
            pool.Offer(new MailServerCandidate(id, [$"/ip4/127.0.0.1/tcp/9/p2p/{PeerId.FromPublicKey(key.PublicKey)}"], 1, CandidateSource.Static));
            await bed.Testbed.InitExitAsync(owner, id);
            await Task.Delay(poll * 1.3); // Start each sample at a random phase of the poll.
            var evicted = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnEvicted(object? sender, MailServerEventArgs e)
            {
                if (e.NodeId == id)
                {
                    evicted.TrySetResult(Stopwatch.GetTimestamp());
                }
            }

            pool.ServerEvicted += OnEvicted;
            var start = Stopwatch.GetTimestamp();
            await bed.Testbed.FinalizeExitAsync(owner, id);
            var end = await evicted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            pool.ServerEvicted -= OnEvicted;
            latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
        }

        return latencies;
    }
}
