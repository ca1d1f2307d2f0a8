using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;
using TcrToolkit.Waku.TestKit;

// Side-by-side Waku benchmarks in one run; writes bench/waku-report.md.
// args: [stored messages for the page benchmark = 1000000] [messages for the client comparison = 100000] [pushes = 20000]
var storedCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var pagedCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var pushCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
const string ContentTopic = "/tcr/1/bench/proto";
const string PubsubTopic = "/waku/2/rs/1/0"; // js-waku's autosharded topic for ContentTopic on cluster 1 with 8 shards
var workDirectory = Path.Combine(Path.GetTempPath(), "tcr-waku-bench");
Directory.CreateDirectory(workDirectory);
var report = new StringBuilder();
var invariant = CultureInfo.InvariantCulture;

static WakuMessage BenchMessage(int i, long baseTimestamp) => new()
{
    Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes($"bench message {i:D8} ".PadRight(64, '.'))),
    ContentTopic = ContentTopic,
    // Pairs share a timestamp so the cursor's hash tie-break is exercised.
    Timestamp = baseTimestamp + (i / 2 * 1_000L),
};

static async Task<SqliteMessageStore> PopulateAsync(string path, int count)
{
    var marker = path + $".complete-{count}";
    if (!File.Exists(marker))
    {
        foreach (var stale in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
        {
            File.Delete(stale);
        }
    }

    var store = SqliteMessageStore.Open(path);
    if (File.Exists(marker))
    {
        return store;
    }

    var started = Stopwatch.StartNew();
    for (var chunk = 0; chunk < count; chunk += 20_000)
    {
        var adds = Enumerable.Range(chunk, Math.Min(20_000, count - chunk))
            .Select(i => store.AddAsync(StoredMessage.Create(PubsubTopic, BenchMessage(i, 1_700_000_000_000_000_000L))));
        await Task.WhenAll(adds);
    }

    Console.WriteLine($"populated {count:N0} messages in {started.Elapsed.TotalSeconds:F1} s");
    await File.WriteAllTextAsync(marker, "ok");
    return store;
}

// One page of a bare query, every column read as the store reads it; returns the rows read.
static int ReadPage(SqliteCommand query)
{
    var rows = 0;
    using var reader = query.ExecuteReader();
    while (reader.Read())
    {
        _ = reader.GetInt64(0);
        _ = (byte[])reader.GetValue(1);
        _ = reader.GetString(2);
        _ = (byte[])reader.GetValue(3);
        rows++;
    }

    return rows;
}

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

// 1. A 100-message page over 1,000,000 stored messages: the server's whole answer vs the bare indexed read.
{
    var path = Path.Combine(workDirectory, "page.db");
    await using var store = await PopulateAsync(path, storedCount);
    var node = new WakuStoreNode(store, new WakuServiceOptions { RequestBurstPerPeer = int.MaxValue, RequestsPerSecondPerPeer = 1e9 });
    await using var bare = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    bare.Open();
    using var bareRead = bare.CreateCommand();
    bareRead.CommandText = "SELECT ts, hash, pubsub_topic, message FROM messages WHERE (ts, hash) > ($ts, $hash) ORDER BY ts, hash LIMIT 100";
    var tsParameter = bareRead.Parameters.Add("$ts", SqliteType.Integer);
    var hashParameter = bareRead.Parameters.Add("$hash", SqliteType.Blob);
    using var bareTopicRead = bare.CreateCommand();
    bareTopicRead.CommandText = "SELECT ts, hash, pubsub_topic, message FROM messages WHERE pubsub_topic = $pubsub AND content_topic = $content AND (ts, hash) > ($ts, $hash) ORDER BY ts, hash LIMIT 100";
    var topicTs = bareTopicRead.Parameters.Add("$ts", SqliteType.Integer);
    var topicHash = bareTopicRead.Parameters.Add("$hash", SqliteType.Blob);
    bareTopicRead.Parameters.AddWithValue("$pubsub", PubsubTopic);
    bareTopicRead.Parameters.AddWithValue("$content", ContentTopic);
    var bareTopicTimes = new List<double>();
    var random = new Random(7);
    var serverTopics = new List<double>();
    var serverPlain = new List<double>();
    var bareTimes = new List<double>();
    var rows = 0;
    for (var round = 0; round < 600; round++)
    {
        var index = random.Next(0, storedCount - 200);
        var cursorMessage = BenchMessage(index, 1_700_000_000_000_000_000L);
        var cursor = StoredMessage.Create(PubsubTopic, cursorMessage);
        var request = new StoreQueryRequest
        {
            RequestId = "bench", IncludeData = true, PaginationForward = true, PaginationLimit = 100,
            PaginationCursor = ByteString.CopyFrom(cursor.Hash),
        };
        var withTopics = request.Clone();
        withTopics.PubsubTopic = PubsubTopic;
        withTopics.ContentTopics.Add(ContentTopic);

        var timer = Stopwatch.StartNew();
        var bytes = (await node.HandleStoreQueryAsync(withTopics, "bench", CancellationToken.None)).ToByteArray();
        var topicsTime = timer.Elapsed.TotalMicroseconds;

        timer.Restart();
        var plainResponse = await node.HandleStoreQueryAsync(request, "bench", CancellationToken.None);
        bytes = plainResponse.ToByteArray();
        var plainTime = timer.Elapsed.TotalMicroseconds;

        timer.Restart();
        tsParameter.Value = cursor.Timestamp;
        hashParameter.Value = cursor.Hash;
        var read = ReadPage(bareRead);

        var bareTime = timer.Elapsed.TotalMicroseconds;

        timer.Restart();
        topicTs.Value = cursor.Timestamp;
        topicHash.Value = cursor.Hash;
        var topicRead = ReadPage(bareTopicRead);

        var bareTopicTime = timer.Elapsed.TotalMicroseconds;
        if (round >= 100)
        {
            bareTopicTimes.Add(bareTopicTime);
            serverTopics.Add(topicsTime);
            serverPlain.Add(plainTime);
            bareTimes.Add(bareTime);
        }

        if (plainResponse.Messages.Count != 100 || read != 100 || topicRead != 100 || bytes.Length == 0)
        {
            throw new InvalidOperationException($"round {round}: server gave {plainResponse.Messages.Count}, bare read {read} rows");
        }

        rows += read;
    }

    var bareMedian = Median(bareTimes);
    var plainMedian = Median(serverPlain);
    var topicsMedian = Median(serverTopics);
    var bareTopicMedian = Median(bareTopicTimes);
    report.AppendLine(invariant, $"## A 100-message page out of {storedCount:N0} stored messages");
    report.AppendLine();
    report.AppendLine("Median of 500 pages at random cursors (after 100 warm-up pages), forward, include_data. \"Server\" is the whole");
    report.AppendLine("answer: request validation, cursor lookup, the SQLite range scan, parsing each stored message and serializing the");
    report.AppendLine("StoreQueryResponse to bytes. \"Bare\" is one prepared SELECT on the same file reading the same 100 rows' columns,");
    report.AppendLine("with the cursor's timestamp already known: `WHERE (ts, hash) > (?, ?) ORDER BY ts, hash LIMIT 100` for the cursor-only");
    report.AppendLine("query, and the same with `pubsub_topic = ? AND content_topic = ?` (the topic index) for the topic query.");
    report.AppendLine();
    report.AppendLine("| query | bare read (µs) | server (µs) | ratio | target |");
    report.AppendLine("|---|---:|---:|---:|---:|");
    report.AppendLine(invariant, $"| cursor only (rows clustered by timestamp, hash) | {bareMedian:F0} | {plainMedian:F0} | {plainMedian / bareMedian:F2}× | ≤ 2× {(plainMedian / bareMedian <= 2 ? "✓" : "✗")} |");
    report.AppendLine(invariant, $"| pubsub + content topic, as js-waku asks (topic index) | {bareTopicMedian:F0} | {topicsMedian:F0} | {topicsMedian / bareTopicMedian:F2}× | ≤ 2× {(topicsMedian / bareTopicMedian <= 2 ? "✓" : "✗")} |");
    report.AppendLine();
    Console.WriteLine($"page: bare {bareMedian:F0} µs, server {plainMedian:F0} µs, bare topics {bareTopicMedian:F0} µs, server+topics {topicsMedian:F0} µs");
}

// 2. LightPush ingest end to end over libp2p (TCP, Noise, yamux): our client to our server, acknowledged after fsync.
{
    var path = Path.Combine(workDirectory, $"ingest-{Guid.NewGuid():N}.db");
    await using var store = SqliteMessageStore.Open(path);
    using var serverKey = PrivateKey.Generate();
    using var clientKey = PrivateKey.Generate();
    await using var server = new Libp2pHost(serverKey);
    server.AddWakuStoreNode(new WakuStoreNode(store, new WakuServiceOptions { RequestBurstPerPeer = int.MaxValue, RequestsPerSecondPerPeer = 1e9 }));
    var address = await server.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
    await using var clientHost = new Libp2pHost(clientKey);
    var client = new WakuClient((await clientHost.DialAsync(address)).StreamOpener());
    const int Concurrency = 48;
    var next = -1;
    var timer = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
    {
        for (var mine = Interlocked.Increment(ref next); mine < pushCount; mine = Interlocked.Increment(ref next))
        {
            await client.PushAsync(PubsubTopic, new WakuMessage
            {
                Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes($"push {mine} ".PadRight(200, '.'))),
                ContentTopic = ContentTopic,
            });
        }
    })));
    var seconds = timer.Elapsed.TotalSeconds;
    var stored = await store.CountAsync();
    if (stored != pushCount)
    {
        throw new InvalidOperationException($"{stored} of {pushCount} pushes stored");
    }

    report.AppendLine("## LightPush ingest end to end");
    report.AppendLine();
    report.AppendLine(invariant, $"{pushCount:N0} LightPush v3 requests of 200-byte payloads from our client to our server over libp2p on loopback (TCP,");
    report.AppendLine(invariant, $"Noise, yamux; one stream per request, {Concurrency} in flight). Each is answered only after its message is committed with a");
    report.AppendLine("full fsync (group commit), so every acknowledged message survives kill -9.");
    report.AppendLine();
    report.AppendLine("| measure | value |");
    report.AppendLine("|---|---:|");
    report.AppendLine(invariant, $"| messages stored and acknowledged per second | {pushCount / seconds:N0} |");
    report.AppendLine(invariant, $"| wall time | {seconds:F1} s |");
    report.AppendLine();
    Console.WriteLine($"ingest: {pushCount / seconds:N0} msg/s");
    File.Delete(path);
}

// 3. Paging 100,000 messages from our server: our store client vs js-waku's, both over WebSocket + Noise + mplex.
{
    if (NodePeer.MissingReason is { } missing)
    {
        throw new InvalidOperationException(missing);
    }

    var path = Path.Combine(workDirectory, "client.db");
    await using var store = await PopulateAsync(path, pagedCount);
    using var serverKey = PrivateKey.Generate();
    var options = new WakuServiceOptions { ClusterId = 1, RequestBurstPerPeer = int.MaxValue, RequestsPerSecondPerPeer = 1e9 };
    for (uint shard = 0; shard < 8; shard++)
    {
        options.Shards.Add(shard);
    }

    await using var server = new Libp2pHost(serverKey);
    server.AddWakuStoreNode(new WakuStoreNode(store, options));
    var address = await server.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0/ws"));

    var ourRuns = new List<double>();
    for (var run = 0; run < 3; run++)
    {
        using var clientKey = PrivateKey.Generate();
        await using var clientHost = new Libp2pHost(clientKey, new Libp2pHostOptions { Muxers = [StreamMuxer.Mplex] });
        var client = new WakuClient((await clientHost.DialAsync(address)).StreamOpener());
        var timer = Stopwatch.StartNew();
        var count = 0;
        await foreach (var page in client.QueryAllAsync(new MessageQuery { PubsubTopic = PubsubTopic, ContentTopics = [ContentTopic], Forward = true, Limit = 100 }))
        {
            count += page.Messages.Count;
        }

        ourRuns.Add(timer.Elapsed.TotalMilliseconds);
        if (count != pagedCount)
        {
            throw new InvalidOperationException($"our client read {count} of {pagedCount}");
        }
    }

    // Diagnostic: the cost of one request/response stream with an empty answer (Metadata), on the same kind of connection.
    double roundTripMicroseconds;
    {
        using var clientKey = PrivateKey.Generate();
        await using var clientHost = new Libp2pHost(clientKey, new Libp2pHostOptions { Muxers = [StreamMuxer.Mplex] });
        var client = new WakuClient((await clientHost.DialAsync(address)).StreamOpener());
        var samples = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            var timer = Stopwatch.StartNew();
            await client.GetMetadataAsync(1);
            if (i >= 50)
            {
                samples.Add(timer.Elapsed.TotalMicroseconds);
            }
        }

        roundTripMicroseconds = Median(samples);
    }

    var jsRuns = new List<double>();
    for (var run = 0; run < 3; run++)
    {
        var output = await NodePeer.RunAsync(TimeSpan.FromMinutes(10), "store-bench.mjs", address.ToString(), ContentTopic, "100");
        var result = JsonDocument.Parse(output).RootElement;
        if (result.GetProperty("count").GetInt32() != pagedCount || result.GetProperty("pubsubTopic").GetString() != PubsubTopic)
        {
            throw new InvalidOperationException($"js-waku read {output}");
        }

        jsRuns.Add(result.GetProperty("ms").GetDouble());
    }

    var ours = Median(ourRuns);
    var theirs = Median(jsRuns);
    report.AppendLine(invariant, $"## Paging {pagedCount:N0} messages from our server: our store client vs js-waku's");
    report.AppendLine();
    report.AppendLine("Both clients page forward through one content topic with 100-message pages over libp2p WebSocket + Noise + mplex on");
    report.AppendLine("loopback, from the same server and file; each timed from its first query to its last page (connection set-up excluded),");
    report.AppendLine("median of three runs. Our client checks every page strictly (hashes recomputed, order, topics, cursor) as it goes;");
    report.AppendLine("js-waku decodes each message.");
    report.AppendLine();
    report.AppendLine("| client | median (ms) | messages/s | ratio | target |");
    report.AppendLine("|---|---:|---:|---:|---:|");
    report.AppendLine(invariant, $"| js-waku @waku/sdk 0.0.36 (Node 22) | {theirs:F0} | {pagedCount / theirs * 1000:N0} | 1.0× | |");
    report.AppendLine(invariant, $"| TcrToolkit.Waku WakuClient | {ours:F0} | {pagedCount / ours * 1000:N0} | {theirs / ours:F1}× | ≥ 5× {(theirs / ours >= 5 ? "✓" : "✗")} |");
    report.AppendLine();
    report.AppendLine(invariant, $"For scale: one Metadata request/response (a new mplex stream, multistream-select, a few bytes each way) takes");
    report.AppendLine(invariant, $"{roundTripMicroseconds:F0} µs median on the same kind of connection, so of our client's {ours / (pagedCount / 100.0) * 1000:F0} µs per page the rest is");
    report.AppendLine("the page itself: the store query, moving about 15 KB through Noise and mplex, and the strict checks.");
    report.AppendLine();
    Console.WriteLine($"metadata round trip {roundTripMicroseconds:F0} µs");
    Console.WriteLine($"client: ours {ours:F0} ms, js-waku {theirs:F0} ms");
}

var header = new StringBuilder();
header.AppendLine("# Waku store node benchmarks");
header.AppendLine();
header.AppendLine(invariant, $"One run of `dotnet run -c Release --project bench/TcrToolkit.Waku.Bench` on {Environment.ProcessorCount} cores ({DateTime.UtcNow:yyyy-MM-dd}), a shared");
header.AppendLine("machine with other work running, so absolute figures vary between runs; the ratios are measured side by side.");
header.AppendLine();
var reportPath = Path.Combine(NodePeer.RepositoryRoot, "bench", "waku-report.md");
await File.WriteAllTextAsync(reportPath, header.ToString() + report);
Console.WriteLine($"wrote {reportPath}");
return 0;
