using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using TcrToolkit.Discovery;
using TcrToolkit.Discovery.Bench;
using TcrToolkit.Ethereum;

var mode = args.Length > 0 ? args[0] : "all";
var output = Console.Out;

if (mode == "serve")
{
    using var key = PrivateKey.Generate();
    var options = new Discv5Options
    {
        PrivateKey = key,
        BindEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        PacketsPerSecondPerIp = 1_000_000,
        RequestsPerSecondPerNode = 1_000_000,
        LivenessCheckInterval = Timeout.InfiniteTimeSpan,
        RefreshInterval = Timeout.InfiniteTimeSpan,
        SessionCapacity = 4096,
    };
    await using var node = await Discv5Node.StartAsync(options);
    Console.WriteLine(node.LocalEnr.ToString());
    await Console.In.ReadLineAsync();
    return;
}

if (mode is "all" or "throughput")
{
    var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
    var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
    output.WriteLine($"## Requests served per server CPU second ({workers} load workers, {seconds} s per phase)");
    output.WriteLine();
    output.WriteLine("| server | handshake+PING answered | server CPU s | per CPU s | FINDNODE answered | server CPU s | per CPU s |");
    output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    var ours = await MeasureAsync("TcrToolkit.Discovery", StartOurServer, seconds, workers);
    var theirs = await MeasureAsync("@chainsafe/discv5 11.0.0", StartChainsafeServer, seconds, workers);
    output.WriteLine();
    output.WriteLine($"Ratio ours/chainsafe: handshakes+PING {ours.Handshake / theirs.Handshake:F1}×, FINDNODE {ours.FindNode / theirs.FindNode:F1}×");
    output.WriteLine();
}

if (mode is "all" or "simulate")
{
    var count = args.Length > 1 && mode == "simulate" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
    output.WriteLine($"## Simulated network of {count} nodes (in process)");
    var sim = new Simulation(seed: 12);
    sim.Build(count, 0.01, output);
    var targeted = Enumerable.Range(0, 500).Select(_ => sim.TargetedLookup()).ToList();
    var search = Enumerable.Range(0, 100).Select(_ => sim.CapabilitySearch(wanted: 10)).ToList();
    output.WriteLine();
    output.WriteLine("| measure | median | 90th percentile | success |");
    output.WriteLine("| --- | ---: | ---: | ---: |");
    output.WriteLine($"| targeted lookup: rounds | {Median(targeted.Select(t => t.Rounds))} | {P90(targeted.Select(t => t.Rounds))} | {targeted.Count(t => t.Found)}/{targeted.Count} |");
    output.WriteLine($"| targeted lookup: messages | {Median(targeted.Select(t => t.Messages))} | {P90(targeted.Select(t => t.Messages))} | |");
    output.WriteLine($"| 10 store nodes (1%) by random walk: rounds | {Median(search.Select(t => t.Rounds))} | {P90(search.Select(t => t.Rounds))} | {search.Count(t => t.Found >= 10)}/{search.Count} |");
    output.WriteLine($"| 10 store nodes (1%) by random walk: messages | {Median(search.Select(t => t.Messages))} | {P90(search.Select(t => t.Messages))} | |");
    output.WriteLine($"| 10 store nodes (1%) by random walk: lookups | {Median(search.Select(t => t.Lookups))} | {P90(search.Select(t => t.Lookups))} | |");
    output.WriteLine();
    output.WriteLine($"Memory: routing table {sim.TableBytesPerNode / 1024.0:F1} KB per node (records shared), average table {sim.AverageTableSize:F0} entries, " +
        $"one decoded record {sim.RecordBytes} B; with a private copy of every record: {(sim.TableBytesPerNode + (sim.AverageTableSize * sim.RecordBytes)) / 1024.0:F1} KB per node.");
}

static int Median(IEnumerable<int> values) => values.Order().ElementAt(values.Count() / 2);

static int P90(IEnumerable<int> values) => values.Order().ElementAt(values.Count() * 9 / 10);

async Task<(double Handshake, double FindNode)> MeasureAsync(string name, Func<Task<(Process Process, Enr Record)>> start, int seconds, int workers)
{
    var (process, record) = await start();
    try
    {
        var load = new LoadGenerator(record, workers);
        await load.HandshakePingsAsync(TimeSpan.FromSeconds(2)); // warm-up (JIT, caches)
        var cpu0 = ProcessCpu.Seconds(process.Id);
        var handshakes = await load.HandshakePingsAsync(TimeSpan.FromSeconds(seconds));
        var cpu1 = ProcessCpu.Seconds(process.Id);
        var finds = await load.FindNodesAsync(TimeSpan.FromSeconds(seconds));
        var cpu2 = ProcessCpu.Seconds(process.Id);
        var h = handshakes / Math.Max(0.01, cpu1 - cpu0);
        var f = finds / Math.Max(0.01, cpu2 - cpu1);
        output.WriteLine($"| {name} | {handshakes} | {cpu1 - cpu0:F2} | {h:F0} | {finds} | {cpu2 - cpu1:F2} | {f:F0} |");
        return (h, f);
    }
    finally
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(5000))
        {
            process.Kill(true);
        }
    }
}

static async Task<(Process, Enr)> StartOurServer()
{
    var self = Environment.ProcessPath!;
    var dll = typeof(Simulation).Assembly.Location;
    var info = self.EndsWith("dotnet", StringComparison.Ordinal) ? new ProcessStartInfo(self, [dll, "serve"]) : new ProcessStartInfo(self, ["serve"]);
    info.RedirectStandardInput = true;
    info.RedirectStandardOutput = true;
    var process = Process.Start(info)!;
    var line = await process.StandardOutput.ReadLineAsync();
    return (process, Enr.Parse(line!));
}

static async Task<(Process, Enr)> StartChainsafeServer()
{
    var root = new DirectoryInfo(AppContext.BaseDirectory);
    while (!File.Exists(Path.Combine(root.FullName, "TcrToolkit.sln")))
    {
        root = root.Parent!;
    }

    var info = new ProcessStartInfo(Path.Combine(root.FullName, "node_modules", "node", "bin", "node"), [Path.Combine(root.FullName, "tests", "peers", "discv5", "peer.mjs")])
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        WorkingDirectory = Path.Combine(root.FullName, "tests", "peers", "discv5"),
    };
    var process = Process.Start(info)!;
    await process.StandardOutput.ReadLineAsync(); // ready
    await process.StandardInput.WriteLineAsync("{\"id\":1,\"cmd\":\"start\",\"count\":1}");
    var response = JsonNode.Parse((await process.StandardOutput.ReadLineAsync())!)!;
    return (process, Enr.Parse(response["nodes"]![0]!["enr"]!.GetValue<string>()));
}
