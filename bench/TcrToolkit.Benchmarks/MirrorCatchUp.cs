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
/// working set is its own: <c>setup</c> deploys <c>RegistryEventEmitter</c> and emits the events, <c>bare</c> times the
/// <c>eth_getLogs</c> calls alone (bytes read, nothing parsed), <c>mirror</c> times a cold <see cref="RegistryMirror"/>
/// until it has confirmed the head. Each prints one JSON object. Every side runs its pass twice in its process and
/// reports the second, so that start-up and JIT time do not count (the ethers side does the same).
/// </summary>
internal static class MirrorCatchUp
{
    private const string Account0Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private const int BatchSize = 200;
    private const ulong ChunkBlocks = 2_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var endpoint = new Uri(args[1]);
        object result = args[0] switch
        {
            "setup" => await SetupAsync(endpoint, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
            "bare" => await BareAsync(endpoint, Address.Parse(args[2]), ulong.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)),
            "mirror" => await MirrorAsync(endpoint, Address.Parse(args[2]), ulong.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)),
            "stream" => await StreamAsync(endpoint, Address.Parse(args[2]), ulong.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"Unknown step '{args[0]}'; expected setup, bare or mirror."),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<object> SetupAsync(Uri endpoint, int listings)
    {
        await using var client = RpcClient.CreateHttp(endpoint);
        using var key = PrivateKey.ParseHex(Account0Key);
        var sender = new TransactionSender(client, key, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(10) });
        var artifact = Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "contracts", "test", "utils", "RegistryEventEmitter.sol", "RegistryEventEmitter.json");
        using var json = JsonDocument.Parse(File.ReadAllText(artifact));
        var abi = ContractAbi.Parse(json.RootElement);
        var deployed = await sender.SendAndWaitAsync(new TransactionRequest { Data = Hex.Decode(json.RootElement.GetProperty("bytecode").GetString()!) });
        var emitter = deployed.ContractAddress!.Value;
        var emit = abi.GetFunction("emitBatch");
        for (var start = 0; start < listings; start += BatchSize)
        {
            var count = Math.Min(BatchSize, listings - start);
            await sender.SendAndWaitAsync(new TransactionRequest { To = emitter, Data = emit.EncodeCall((UInt256)(ulong)start, (UInt256)(ulong)count) });
        }

        return new { registry = emitter.ToString(), fromBlock = deployed.BlockNumber, toBlock = await client.GetBlockNumberAsync(), listings, events = listings * 5 };
    }

    private static async Task<object> BareAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock)
    {
        await BareOnceAsync(endpoint, registry, fromBlock, toBlock);
        var (seconds, bytes) = await BareOnceAsync(endpoint, registry, fromBlock, toBlock);
        return new { seconds, bytes, peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64 };
    }

    private static async Task<(double Seconds, long Bytes)> BareOnceAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock)
    {
        using var http = new HttpClient();
        var topics = string.Join(",", RegistryAbi.FollowedEvents.Select(e => $"\"{e.Topic}\""));
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        for (var from = fromBlock; from <= toBlock; from += ChunkBlocks)
        {
            var to = Math.Min(toBlock, from + ChunkBlocks - 1);
            var body = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{{\"address\":\"{registry}\",\"topics\":[[{topics}]],\"fromBlock\":\"0x{from:x}\",\"toBlock\":\"0x{to:x}\"}}]}}";
            using var response = await http.PostAsync(endpoint, new StringContent(body, Encoding.UTF8, "application/json"));
            bytes += (await response.Content.ReadAsByteArrayAsync()).Length;
        }

        return (watch.Elapsed.TotalSeconds, bytes);
    }

    private static async Task<object> StreamAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock)
    {
        await StreamOnceAsync(endpoint, registry, fromBlock, toBlock);
        var (seconds, events) = await StreamOnceAsync(endpoint, registry, fromBlock, toBlock);
        return new { seconds, events, peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64 };
    }

    private static async Task<(double Seconds, int Events)> StreamOnceAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock)
    {
        await using var client = RpcClient.CreateHttp(endpoint);
        var start = await RegistryEvents.GetCheckpointAsync(client, fromBlock - 1);
        var watch = Stopwatch.StartNew();
        await using var stream = new RegistryEvents(client, new RegistryEventsOptions
        {
            Registry = registry,
            ConfirmationDepth = 0,
            InitialChunkSize = ChunkBlocks,
            MaxChunkSize = ChunkBlocks,
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

    private static async Task<object> MirrorAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock)
    {
        await MirrorOnceAsync(endpoint, registry, fromBlock, toBlock);
        var (seconds, trusted, coldStarts) = await MirrorOnceAsync(endpoint, registry, fromBlock, toBlock);
        return new { seconds, trusted, coldStarts, peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64 };
    }

    private static async Task<(double Seconds, int Trusted, int ColdStarts)> MirrorOnceAsync(Uri endpoint, Address registry, ulong fromBlock, ulong toBlock)
    {
        var directory = Directory.CreateTempSubdirectory("tcr-catchup-").FullName;
        try
        {
            await using var client = RpcClient.CreateHttp(endpoint);
            var path = Path.Combine(directory, "mirror.db");
            var options = new RegistryMirrorOptions
            {
                Registry = registry,
                DatabasePath = path,
                ConfirmationDepth = 0,
                Stream = new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(5), InitialChunkSize = ChunkBlocks, MaxChunkSize = ChunkBlocks },
            };
            // A mirror last saved before the events: it catches up from its checkpoint rather than from the enumeration.
            await RegistryMirror.Open(client, options).DisposeAsync();
            var start = await RegistryEvents.GetCheckpointAsync(client, fromBlock - 1);
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO mirror_checkpoint (id, number, hash) VALUES (1, $number, $hash)";
                insert.Parameters.AddWithValue("$number", (long)start.BlockNumber);
                insert.Parameters.AddWithValue("$hash", start.BlockHash.ToArray());
                insert.ExecuteNonQuery();
            }

            var watch = Stopwatch.StartNew();
            await using var mirror = RegistryMirror.Open(client, options);
            using var stop = new CancellationTokenSource();
            var run = mirror.RunAsync(stop.Token);
            await mirror.WaitForCheckpointAsync(toBlock, TimeSpan.FromMilliseconds(1));
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
