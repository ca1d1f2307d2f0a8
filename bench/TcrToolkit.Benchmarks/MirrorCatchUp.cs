using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Benchmarks;

/// <summary>
/// The mirror catch-up measurement driven by <c>bench/mirror-catchup.mjs</c>, one step per process so that each peak
/// working set is its own: <c>setup</c> deploys <c>RegistryEventEmitter</c> (or reuses one) and emits one pass of
/// events; when it deploys, it first lets a <see cref="RegistryMirror"/> cold-start on the new emitter and saves that
/// file, the starting state every <c>mirror</c> run copies. <c>bare</c> times the <c>eth_getLogs</c> calls alone (bytes read, nothing parsed), <c>stream</c> times a
/// <see cref="RegistryEvents"/> stream and <c>mirror</c> a <see cref="RegistryMirror"/> until it has confirmed the
/// head. Each prints one JSON object. Every side runs its pass twice in its process and reports the second, so that
/// start-up and JIT time do not count (the ethers side does the same).
/// </summary>
internal static class MirrorCatchUp
{
    private const string Account0Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    // setup <url> <listings> <listingsPerBlock> <mirrorFile> [emitter]
    // bare <url> <registry> <from> <to> <chunkBlocks> <callsInFlight> [checked]
    // stream <url> <registry> <from> <to> <chunkBlocks> <readAhead>
    // mirror <url> <registry> <from> <to> <chunkBlocks> <readAhead> <mirrorFile>
    public static async Task<int> RunAsync(string[] args)
    {
        var endpoint = new Uri(args[1]);
        object result = args[0] switch
        {
            "setup" => await SetupAsync(endpoint, Int(args[2]), Int(args[3]), args[4], args.Length > 5 ? Address.Parse(args[5]) : null),
            "bare" => await BareAsync(endpoint, Address.Parse(args[2]), (ulong)Int(args[3]), (ulong)Int(args[4]), (ulong)Int(args[5]), Int(args[6]), args is [.., "checked"]),
            "mirror" => await MirrorAsync(endpoint, Address.Parse(args[2]), (ulong)Int(args[3]), (ulong)Int(args[4]), (ulong)Int(args[5]), Int(args[6]), args[7]),
            "stream" => await StreamAsync(endpoint, Address.Parse(args[2]), (ulong)Int(args[3]), (ulong)Int(args[4]), (ulong)Int(args[5]), Int(args[6])),
            _ => throw new ArgumentException($"Unknown step '{args[0]}'; expected setup, bare, stream or mirror."),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>This process's CPU time since <paramref name="start"/>, on all its threads.</summary>
    private static double CpuSince(TimeSpan start) => (Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds;

    private static int Int(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// One pass: <c>Applied</c>, <c>Listed</c> and three <c>Deposited</c> per node id, <paramref name="perBlock"/> node
    /// ids per block. A new emitter gets a mirror file at <paramref name="mirrorFile"/>, cold-started at its deployment
    /// block, before any event.
    /// </summary>
    private static async Task<object> SetupAsync(Uri endpoint, int listings, int perBlock, string mirrorFile, Address? existing)
    {
        await using var client = RpcClient.CreateHttp(endpoint);
        using var key = PrivateKey.ParseHex(Account0Key);
        var sender = new TransactionSender(client, key, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(5) });
        var artifact = Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "contracts", "test", "utils", "RegistryEventEmitter.sol", "RegistryEventEmitter.json");
        using var json = JsonDocument.Parse(File.ReadAllText(artifact));
        var abi = ContractAbi.Parse(json.RootElement);
        ulong fromBlock;
        Address emitter;
        if (existing is { } address)
        {
            emitter = address;
            fromBlock = await client.GetBlockNumberAsync() + 1;
        }
        else
        {
            var deployed = await sender.SendAndWaitAsync(new TransactionRequest { Data = Hex.Decode(json.RootElement.GetProperty("bytecode").GetString()!) });
            emitter = deployed.ContractAddress!.Value;
            fromBlock = deployed.BlockNumber;
            await PrepareMirrorAsync(client, emitter, fromBlock, mirrorFile);
        }

        var emit = abi.GetFunction("emitBatch");
        for (var start = 0; start < listings; start += perBlock)
        {
            var count = Math.Min(perBlock, listings - start);
            await sender.SendAndWaitAsync(new TransactionRequest { To = emitter, Data = emit.EncodeCall((UInt256)(ulong)start, (UInt256)(ulong)count) });
        }

        return new { registry = emitter.ToString(), fromBlock, toBlock = await client.GetBlockNumberAsync(), listings, events = listings * 5 };
    }

    private static async Task<object> BareAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock, ulong chunk, int inFlight, bool withChecks)
    {
        await BareOnceAsync(endpoint, registry, fromBlock, toBlock, chunk, inFlight, withChecks);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (seconds, bytes, calls) = await BareOnceAsync(endpoint, registry, fromBlock, toBlock, chunk, inFlight, withChecks);
        return new { seconds, bytes, calls, cpuSeconds = CpuSince(cpu), peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64 };
    }

    /// <summary>
    /// The same <c>eth_getLogs</c> ranges as the other sides, at most <paramref name="inFlight"/> at a time, each answer
    /// read to its end into one reused buffer: what the node costs, and nothing of ours beyond HTTP. With
    /// <paramref name="withChecks"/>, each call is followed by the batch of block reads the stream sends for its reorg
    /// checks (the block before the range, its last block, and its blocks within 256 of the head; here every block has
    /// events), so that the node's whole share of a catch-up is measured.
    /// </summary>
    private static async Task<(double Seconds, long Bytes, int Calls)> BareOnceAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock, ulong chunk, int inFlight, bool withChecks)
    {
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();
        var pending = new Queue<Task<long>>();
        long bytes = 0;
        var calls = 0;
        for (var from = fromBlock; from <= toBlock; from += chunk)
        {
            var to = Math.Min(toBlock, from + chunk - 1);
            var body = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{{\"address\":\"{registry}\",\"fromBlock\":\"0x{from:x}\",\"toBlock\":\"0x{to:x}\"}}]}}";
            if (pending.Count == inFlight)
            {
                bytes += await pending.Dequeue();
            }

            var checkedBlocks = withChecks ? CheckedBlocks(from, to, toBlock) : [];
            pending.Enqueue(ReadAllAsync(http, endpoint, body, checkedBlocks));
            calls++;
        }

        while (pending.Count > 0)
        {
            bytes += await pending.Dequeue();
        }

        return (watch.Elapsed.TotalSeconds, bytes, calls);
    }

    private static List<ulong> CheckedBlocks(ulong from, ulong to, ulong head)
    {
        var blocks = new List<ulong> { from - 1 };
        for (var n = from; n < to; n++)
        {
            if (n + 256 > head)
            {
                blocks.Add(n);
            }
        }

        blocks.Add(to);
        return blocks;
    }

    private static async Task<long> ReadAllAsync(HttpClient http, Uri endpoint, string body, List<ulong> checkedBlocks)
    {
        var bytes = await ReadAllAsync(http, endpoint, body);
        if (checkedBlocks.Count > 0)
        {
            var batch = "[" + string.Join(",", checkedBlocks.Select(n => $"{{\"jsonrpc\":\"2.0\",\"id\":{n},\"method\":\"eth_getBlockByNumber\",\"params\":[\"0x{n:x}\",false]}}")) + "]";
            bytes += await ReadAllAsync(http, endpoint, batch);
        }

        return bytes;
    }

    private static async Task<long> ReadAllAsync(HttpClient http, Uri endpoint, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<object> StreamAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock, ulong chunk, int readAhead)
    {
        await StreamOnceAsync(endpoint, registry, fromBlock, toBlock, chunk, readAhead);
        var (pause, allocated, collections) = (GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (seconds, events) = await StreamOnceAsync(endpoint, registry, fromBlock, toBlock, chunk, readAhead);
        return new
        {
            seconds, events, cpuSeconds = CpuSince(cpu), gcPauseSeconds = (GC.GetTotalPauseDuration() - pause).TotalSeconds,
            allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated, gen0Collections = GC.CollectionCount(0) - collections,
            peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64,
        };
    }

    private static async Task<(double Seconds, int Events)> StreamOnceAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock, ulong chunk, int readAhead)
    {
        await using var client = RpcClient.CreateHttp(endpoint);
        var start = await RegistryEvents.GetCheckpointAsync(client, fromBlock - 1);
        var watch = Stopwatch.StartNew();
        await using var stream = new RegistryEvents(client, new RegistryEventsOptions
        {
            Registry = registry,
            ConfirmationDepth = 0,
            ReadAhead = readAhead,
            InitialChunkSize = chunk,
            MaxChunkSize = chunk,
        });
        var events = 0;
        using var stop = new CancellationTokenSource();
        await foreach (var update in stream.ReadAsync(start, stop.Token))
        {
            if (update.Kind == RegistryUpdateKind.Added)
            {
                events++;
            }
            else if (update.Kind == RegistryUpdateKind.Progress && update.Checkpoint.BlockNumber >= toBlock)
            {
                break;
            }
        }

        return (watch.Elapsed.TotalSeconds, events);
    }

    private static async Task<object> MirrorAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock, ulong chunk, int readAhead, string prepared)
    {
        await MirrorOnceAsync(endpoint, registry, toBlock, chunk, readAhead, prepared);
        var (pause, allocated, collections) = (GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (seconds, trusted, coldStarts) = await MirrorOnceAsync(endpoint, registry, toBlock, chunk, readAhead, prepared);
        if (coldStarts != 0)
        {
            throw new InvalidOperationException($"The mirror discarded the prepared file {prepared} and cold-started; it was to catch up from block {fromBlock - 1}.");
        }

        return new
        {
            seconds, trusted, coldStarts, cpuSeconds = CpuSince(cpu), gcPauseSeconds = (GC.GetTotalPauseDuration() - pause).TotalSeconds,
            allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated, gen0Collections = GC.CollectionCount(0) - collections,
            peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64,
        };
    }

    private static RegistryMirrorOptions MirrorOptions(Address registry, string path, ulong chunk, int readAhead) => new()
    {
        Registry = registry,
        DatabasePath = path,
        ConfirmationDepth = 0,
        Stream = new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(5), InitialChunkSize = chunk, MaxChunkSize = chunk, ReadAhead = readAhead },
    };

    /// <summary>
    /// The mirror's own file of the emitter at its deployment block (the chain's head now): a cold start from the
    /// emitter's empty enumeration, saved with the chain identity (genesis and code hash) a mirror checks on opening.
    /// </summary>
    private static async Task PrepareMirrorAsync(RpcClient client, Address registry, ulong deployedAt, string path)
    {
        File.Delete(path);
        await using var mirror = RegistryMirror.Open(client, MirrorOptions(registry, path, 20, 1));
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await mirror.WaitForCheckpointAsync(deployedAt, TimeSpan.FromSeconds(1)).WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (mirror.ColdStarts != 1 || mirror.Checkpoint?.BlockNumber != deployedAt)
        {
            throw new InvalidOperationException($"The mirror of {registry} was to cold-start once at block {deployedAt}: {mirror.ColdStarts} cold starts, checkpoint {mirror.Checkpoint}.");
        }
    }

    /// <summary>
    /// A copy of the prepared file, opened and run until it has confirmed <paramref name="toBlock"/> and trusts: the
    /// mirror checks the file's chain identity against the node, then catches up from its checkpoint.
    /// </summary>
    private static async Task<(double Seconds, int Trusted, int ColdStarts)> MirrorOnceAsync(Uri endpoint, Address registry, ulong toBlock, ulong chunk, int readAhead, string prepared)
    {
        var directory = Directory.CreateTempSubdirectory("tcr-catchup-").FullName;
        try
        {
            await using var client = RpcClient.CreateHttp(endpoint);
            var path = Path.Combine(directory, "mirror.db");
            File.Copy(prepared, path);
            var watch = Stopwatch.StartNew();
            await using var mirror = RegistryMirror.Open(client, MirrorOptions(registry, path, chunk, readAhead));
            using var stop = new CancellationTokenSource();
            var run = mirror.RunAsync(stop.Token);
            await mirror.WaitForCheckpointAsync(toBlock, TimeSpan.FromSeconds(1));
            var seconds = watch.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return (seconds, mirror.TrustedNodeIds.Count, mirror.ColdStarts);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
