using System.Diagnostics;
using System.Globalization;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Server;

namespace TcrToolkit.MailServers.Bench;

/// <summary>
/// History end to end: three real mail servers on loopback (libp2p + Noise + yamux + Waku Store v3, SQLite stores)
/// hold the same 30%-duplicate split as the in-memory benchmark; one client fetches the whole range from all three
/// with <see cref="MailServerClient.FetchHistoryAsync"/> (100-message pages, the store's maximum), merged.
/// </summary>
internal static class EndToEnd
{
    public static async Task RunAsync(int perServer, TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        var assignment = MergeInputs.Assignment(perServer);
        var unique = assignment.Sum(a => a.Count) - (int)(perServer * 3 * MergeInputs.DuplicateShare);
        var baseTimestamp = (DateTimeOffset.UtcNow.AddHours(-1) - DateTimeOffset.UnixEpoch).Ticks * 100;
        var messages = MergeInputs.Messages(unique, baseTimestamp);
        var trust = new StaticTrust();
        var servers = new List<MailServerHost>();
        var files = new List<string>();
        using var clientKey = PrivateKey.Generate();
        try
        {
            for (var s = 0; s < 3; s++)
            {
                var path = Path.Combine(Path.GetTempPath(), $"tcr-ms-bench-e2e{s}-{Guid.NewGuid():N}.db");
                files.Add(path);
                var options = new MailServerHostOptions { NodeKey = PrivateKey.Generate(), StorePath = path };
                options.ListenAddresses.Clear();
                options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
                options.Waku.ClusterId = 1;
                options.Waku.Shards.Add(0);
                // The default per-peer limit (100 requests/s, burst 200) would cap one client at 10,000 messages/s per server.
                options.Waku.RequestsPerSecondPerPeer = 1e6;
                options.Waku.RequestBurstPerPeer = 1_000_000;
                var server = await MailServerHost.StartAsync(options);
                servers.Add(server);
                trust.List(server.NodeId);
                await Task.WhenAll(assignment[s].Select(i => server.Store.AddAsync(messages[i])));
            }

            output.WriteLine(string.Create(invariant, $"3 servers hold {assignment.Sum(a => a.Count):N0} messages ({unique:N0} distinct)"));
            using var pool = new TrustedMailServers(trust);
            foreach (var server in servers)
            {
                pool.Offer(MailServerRecords.ToCandidate(server.Record, CandidateSource.Static)!);
            }

            var host = new Libp2pHost(clientKey);
            await using var client = new MailServerClient(pool, new MailServerConnections(host), new MailServerClientOptions { HistoryServers = 3 });
            var from = DateTimeOffset.UnixEpoch.AddTicks(baseTimestamp / 100);
            var to = DateTimeOffset.UtcNow.AddMinutes(1);
            var times = new List<double>();
            for (var run = 0; run < 4; run++)
            {
                GC.Collect();
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                var history = await client.FetchHistoryAsync(MergeInputs.PubsubTopic, [MergeInputs.ContentTopic], from, to);
                clock.Stop();
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                if (history.Messages.Count != unique || history.Servers.Count != 3)
                {
                    throw new InvalidOperationException($"Expected {unique} messages from 3 servers, got {history.Messages.Count} from {history.Servers.Count}.");
                }

                var input = history.Servers.Sum(s => s.Returned);
                output.WriteLine(string.Create(invariant,
                    $"  fetch {run}{(run == 0 ? " (cold: dial + Noise, JIT)" : "")}: {clock.Elapsed.TotalMilliseconds:F0} ms, {input / clock.Elapsed.TotalSeconds:F0} messages/s received, " +
                    $"{history.Messages.Count / clock.Elapsed.TotalSeconds:F0} unique/s; allocated {allocated / (double)input:F0} B per received message (client and servers, one process)"));
                if (run > 0)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            var median = times[times.Count / 2];
            output.WriteLine(string.Create(invariant,
                $"end-to-end median of 3 warm fetches: {median:F0} ms for {assignment.Sum(a => a.Count):N0} messages received = {assignment.Sum(a => a.Count) / (median / 1000):F0} messages/s ({unique / (median / 1000):F0} unique/s)"));
            await host.DisposeAsync();
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            foreach (var file in files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
            {
                File.Delete(file);
            }
        }
    }
}
