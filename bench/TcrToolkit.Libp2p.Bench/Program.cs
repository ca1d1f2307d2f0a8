// Side-by-side libp2p benchmarks, one run: our stack against raw ChaCha20-Poly1305 and against js-libp2p 2.8.11
// (tests/peers/libp2p/peer.mjs). bench/libp2p-bench.sh runs this under `taskset -c 1`, so every process — ours, and
// both js peers — shares one core. Writes bench/libp2p-report.md.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.Libp2p.Bench;
using TcrToolkit.Testing;
using TcrToolkit.Testing.Peers;

const string Sink = "/test/sink/1.0.0";
const string Echo = "/test/echo/1.0.0";
var throughputBytes = 256L << 20;
var streamsToOpen = 3000;
var streamConcurrency = 16;
var heldStreams = 2000;
var root = Repository.Root;
var report = new StringBuilder();
var jsHoldFailures = new List<string>();
var inv = CultureInfo.InvariantCulture;

Console.WriteLine($"cores visible: {Environment.ProcessorCount}");

// 1. Raw ChaCha20-Poly1305: seal and open the same bytes in Noise-sized messages (65,519 plaintext bytes).
double RawMiBps()
{
    const int chunk = 65519;
    var key = RandomNumberGenerator.GetBytes(32);
    using var aead = new ChaCha20Poly1305(key);
    var plaintext = RandomNumberGenerator.GetBytes(chunk);
    var ciphertext = new byte[chunk];
    var tag = new byte[16];
    var nonce = new byte[12];
    var opened = new byte[chunk];
    var started = Stopwatch.GetTimestamp();
    long done = 0;
    ulong n = 0;
    while (done < throughputBytes)
    {
        BitConverter.TryWriteBytes(nonce.AsSpan(4), n++);
        aead.Encrypt(nonce, plaintext, ciphertext, tag);
        aead.Decrypt(nonce, ciphertext, tag, opened);
        done += chunk;
    }

    return done / (1024.0 * 1024.0) / Stopwatch.GetElapsedTime(started).TotalSeconds;
}

RawMiBps();
var raw = RawMiBps();
Console.WriteLine($"raw ChaCha20-Poly1305 seal+open: {raw:F0} MiB/s");

async Task<(Libp2pHost Server, Libp2pHost Client, Libp2pConnection Connection)> PairAsync(StreamMuxer muxer)
{
    var options = new Libp2pHostOptions { Muxers = [muxer], MaxInboundStreamsPerConnection = 8192, MaxOutboundStreamsPerConnection = 8192 };
    var server = new Libp2pHost(PrivateKey.Generate(), options);
    server.Handle(Sink, async (incoming, ct) =>
    {
        var buffer = new byte[256 * 1024];
        long total = 0;
        int read;
        while ((read = await incoming.Stream.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
        }

        var answer = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(answer, total);
        await incoming.Stream.WriteAsync(answer, ct);
    });
    server.Handle(Echo, async (incoming, ct) =>
    {
        await incoming.Stream.CopyToAsync(incoming.Stream, ct);
    }, new ProtocolHandlerOptions { MaxInboundStreamsPerConnection = 8192 });
    var address = await server.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
    var client = new Libp2pHost(PrivateKey.Generate(), options);
    return (server, client, await client.DialAsync(address));
}

async Task<double> OursThroughputAsync(StreamMuxer muxer)
{
    var (server, client, connection) = await PairAsync(muxer);
    await using (server)
    await using (client)
    {
        var chunk = RandomNumberGenerator.GetBytes(64 * 1024);
        var started = Stopwatch.GetTimestamp();
        await using var stream = await connection.OpenStreamAsync(Sink);
        for (long sent = 0; sent < throughputBytes; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk);
        }

        await stream.CloseWriteAsync();
        var answer = new byte[8];
        await stream.ReadExactlyAsync(answer);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(answer);
        if (total != throughputBytes)
        {
            throw new InvalidOperationException($"The sink counted {total} bytes, not {throughputBytes}.");
        }

        return throughputBytes / (1024.0 * 1024.0) / seconds;
    }
}

async Task<double> OursStreamsPerSecondAsync(StreamMuxer muxer)
{
    var (server, client, connection) = await PairAsync(muxer);
    await using (server)
    await using (client)
    {
        var next = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, streamConcurrency).Select(async _ =>
        {
            var one = new byte[1];
            while (Interlocked.Increment(ref next) <= streamsToOpen)
            {
                await using var stream = await connection.OpenStreamAsync(Echo);
                await stream.WriteAsync(one);
                await stream.CloseWriteAsync();
                await stream.ReadExactlyAsync(one);
            }
        }));
        return streamsToOpen / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}

async Task<(int Held, double Seconds)> OursHeldStreamsAsync(StreamMuxer muxer)
{
    var (server, client, connection) = await PairAsync(muxer);
    await using (server)
    await using (client)
    {
        var started = Stopwatch.GetTimestamp();
        var streams = await Task.WhenAll(Enumerable.Range(0, heldStreams).Select(_ => connection.OpenStreamAsync(Echo)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var ok = await Task.WhenAll(streams.Select(async stream =>
        {
            var payload = RandomNumberGenerator.GetBytes(16);
            await stream.WriteAsync(payload);
            var back = new byte[16];
            await stream.ReadExactlyAsync(back);
            await stream.DisposeAsync();
            return back.AsSpan().SequenceEqual(payload);
        }));
        return (ok.Count(x => x), seconds);
    }
}

async Task<(double Throughput, double StreamsPerSecond, int Held, double HeldSeconds)> JsAsync(string muxer)
{
    await using var server = await JsLibp2pPeer.StartAsync("tcp", muxer);
    await using var client = await JsLibp2pPeer.StartAsync("tcp", muxer);
    var address = server.Address;
    // js-libp2p's mplex has been seen to fail a bulk transfer under load ("Attempt to access memory outside buffer
    // bounds"); a failed try is reported and tried once more on a fresh connection pair.
    var mibps = double.NaN;
    for (var attempt = 0; attempt < 2 && double.IsNaN(mibps); attempt++)
    {
        await using var sinkServer = await JsLibp2pPeer.StartAsync("tcp", muxer);
        var throughput = await client.TryAskAsync(new JsonObject { ["cmd"] = "throughput", ["addr"] = sinkServer.Address, ["bytes"] = throughputBytes }, TimeSpan.FromMinutes(5));
        if (throughput["ok"]!.GetValue<bool>() && throughput["total"]!.GetValue<long>() == throughputBytes)
        {
            mibps = throughputBytes / (1024.0 * 1024.0) / (throughput["ms"]!.GetValue<double>() / 1000);
        }
        else
        {
            Console.WriteLine($"js-libp2p throughput failed: {throughput["error"]}");
            jsHoldFailures.Add($"{muxer} throughput try {attempt + 1} failed ({throughput["error"]})");
        }
    }
    var streams = await client.AskAsync(new JsonObject { ["cmd"] = "streams", ["addr"] = address, ["count"] = streamsToOpen, ["concurrency"] = streamConcurrency }, TimeSpan.FromMinutes(5));
    var perSecond = streamsToOpen / (streams["ms"]!.GetValue<double>() / 1000);
    // js-libp2p may time out negotiating thousands of streams at once on one core: step down until a count holds.
    for (var count = heldStreams; count >= 125; count /= 2)
    {
        await using var holdServer = await JsLibp2pPeer.StartAsync("tcp", muxer);
        await using var holdClient = await JsLibp2pPeer.StartAsync("tcp", muxer);
        var held = await holdClient.TryAskAsync(new JsonObject { ["cmd"] = "hold", ["addr"] = holdServer.Address, ["count"] = count }, TimeSpan.FromMinutes(5));
        if (held["ok"]!.GetValue<bool>())
        {
            return (mibps, perSecond, held["open"]!.GetValue<int>(), held["ms"]!.GetValue<double>() / 1000);
        }

        Console.WriteLine($"js-libp2p could not hold {count} streams: {held["error"]}");
        jsHoldFailures.Add($"{muxer}: {count} failed ({held["error"]})");
    }

    return (mibps, perSecond, 0, double.NaN);
}

if (args.Length == 1 && args[0] == "throughput")
{
    foreach (var muxer in new[] { StreamMuxer.Yamux, StreamMuxer.Mplex })
    {
        await OursThroughputAsync(muxer);
        Console.WriteLine($"{muxer}: {await OursThroughputAsync(muxer):F0} MiB/s");
    }

    return;
}

if (args.Length == 1 && args[0] == "memory")
{
    Console.WriteLine($"in memory: noise {await InMemory.NoiseOnlyAsync(throughputBytes):F0}, yamux {await InMemory.MuxedAsync(StreamMuxer.Yamux, throughputBytes):F0}, mplex {await InMemory.MuxedAsync(StreamMuxer.Mplex, throughputBytes):F0} MiB/s");
    Console.WriteLine($"in memory: noise {await InMemory.NoiseOnlyAsync(throughputBytes):F0}, yamux {await InMemory.MuxedAsync(StreamMuxer.Yamux, throughputBytes):F0}, mplex {await InMemory.MuxedAsync(StreamMuxer.Mplex, throughputBytes):F0} MiB/s");
    return;
}

async Task<double> PlainTcpMiBpsAsync()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    using var a = new System.Net.Sockets.TcpClient();
    await a.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
    using var b = await listener.AcceptTcpClientAsync();
    a.NoDelay = b.NoDelay = true;
    var chunk = RandomNumberGenerator.GetBytes(64 * 1024);
    var sender = a.GetStream();
    var receiver = b.GetStream();
    var started = Stopwatch.GetTimestamp();
    var write = Task.Run(async () =>
    {
        for (long sent = 0; sent < throughputBytes; sent += chunk.Length)
        {
            await sender.WriteAsync(chunk);
        }
    });
    var buffer = new byte[256 * 1024];
    long got = 0;
    while (got < throughputBytes)
    {
        got += await receiver.ReadAsync(buffer);
    }

    await write;
    return got / 1048576.0 / Stopwatch.GetElapsedTime(started).TotalSeconds;
}

var rows = new List<string>();
var memoryRows = new List<string>();
var streamRows = new List<string>();
const int rounds = 3;
static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

foreach (var muxer in new[] { StreamMuxer.Yamux, StreamMuxer.Mplex })
{
    var name = muxer == StreamMuxer.Yamux ? "yamux" : "mplex";
    await OursThroughputAsync(muxer);

    // The machine is shared, so raw and ours are measured back to back in each round and the ratio is per round.
    var tcp = new List<(double Raw, double Ours)>();
    var memory = new List<(double Raw, double Ours)>();
    for (var round = 0; round < rounds; round++)
    {
        tcp.Add((RawMiBps(), await OursThroughputAsync(muxer)));
        memory.Add((RawMiBps(), await InMemory.MuxedAsync(muxer, throughputBytes)));
    }

    var oursStreams = await OursStreamsPerSecondAsync(muxer);
    var oursHeld = await OursHeldStreamsAsync(muxer);
    var js = await JsAsync(name);
    var ours = Median(tcp.Select(t => t.Ours));
    var tcpRatio = Median(tcp.Select(t => t.Ours / t.Raw));
    var memoryRatio = Median(memory.Select(t => t.Ours / t.Raw));
    Console.WriteLine($"{name}: TCP ours {ours:F0} MiB/s ({tcpRatio:P0} of raw), in memory {memoryRatio:P0} of raw, js {js.Throughput:F0} MiB/s; streams/s ours {oursStreams:F0}, js {js.StreamsPerSecond:F0}; held ours {oursHeld.Held} in {oursHeld.Seconds:F2} s, js {js.Held} in {js.HeldSeconds:F2} s");
    rows.Add(string.Create(inv, $"| {name} | {string.Join(" / ", tcp.Select(t => t.Ours.ToString("F0", inv)))} | {string.Join(" / ", tcp.Select(t => t.Raw.ToString("F0", inv)))} | {tcpRatio:P0} | {js.Throughput:F0} | {ours / js.Throughput:F1}× |"));
    memoryRows.Add(string.Create(inv, $"| {name} | {string.Join(" / ", memory.Select(t => t.Ours.ToString("F0", inv)))} | {string.Join(" / ", memory.Select(t => t.Raw.ToString("F0", inv)))} | {memoryRatio:P0} |"));
    streamRows.Add(string.Create(inv, $"| {name} | {oursStreams:F0} | {js.StreamsPerSecond:F0} | {oursStreams / js.StreamsPerSecond:F1}× | {oursHeld.Held}/{heldStreams} in {oursHeld.Seconds:F2} s | {(js.Held == 0 ? "none" : $"{js.Held} in {js.HeldSeconds:F2} s")} |"));
}

var plainTcp = await PlainTcpMiBpsAsync();
report.AppendLine("# libp2p benchmark report");
report.AppendLine();
report.AppendLine(string.Create(inv, $"Generated by `bench/libp2p-bench.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: one run, side by side, every process pinned to one core (`taskset -c 1`; .NET sees {Environment.ProcessorCount} core). .NET {Environment.Version}, js-libp2p 2.8.11 (@chainsafe/libp2p-noise 16.1.3, @chainsafe/libp2p-yamux 7.0.4, @libp2p/mplex 11.0.42, @libp2p/tcp 10.1.19) under Node 22."));
report.AppendLine();
report.AppendLine("## Noise transport throughput (one stream, TCP on 127.0.0.1)");
report.AppendLine();
report.AppendLine(string.Create(inv, $"{throughputBytes >> 20} MiB written in 64 KiB writes to a sink protocol that counts them and answers the count; the time runs from opening the stream to the answer. \"Raw\" is ChaCha20-Poly1305 (.NET, OpenSSL) sealing and opening the same bytes in 65,519-byte Noise messages on the same core — the crypto work the transport cannot avoid. js is a js-libp2p client sending to a js-libp2p sink, ours a TcrToolkit client to a TcrToolkit sink."));
report.AppendLine();
report.AppendLine(string.Create(inv, $"Three rounds; in each, raw is measured right before ours and the ratio is taken per round (median shown). On this machine plain TCP over loopback on one core (no crypto, 64 KiB writes) moves {plainTcp:F0} MiB/s — about what the cipher does — so the kernel's copies alone bound a TCP transport near 50% of raw. The in-memory rows run the same Noise and muxer code over an in-process pipe instead of a socket: what our code costs beyond the cipher."));
report.AppendLine();
report.AppendLine("| muxer | ours MiB/s (rounds) | raw MiB/s (rounds) | ours / raw, median (target ≥ 50%) | js-libp2p MiB/s | ours / js (target ≥ 3×) |");
report.AppendLine("|---|---|---|---|---|---|");
rows.ForEach(r => report.AppendLine(r));
report.AppendLine();
report.AppendLine("| muxer, in memory | ours MiB/s (rounds) | raw MiB/s (rounds) | ours / raw, median |");
report.AppendLine("|---|---|---|---|");
memoryRows.ForEach(r => report.AppendLine(r));
report.AppendLine();
report.AppendLine("## Streams");
report.AppendLine();
report.AppendLine(string.Create(inv, $"Opened per second: {streamsToOpen} streams on one connection, {streamConcurrency} at a time, each negotiated with multistream-select, one byte echoed, then closed. Held: {heldStreams} echo streams opened at once on one connection, then each checked to echo 16 bytes; the time is until all were open (js fails the whole run if any stream is refused)."));
report.AppendLine();
report.AppendLine("| muxer | ours streams/s | js-libp2p streams/s | ours / js | ours held | js-libp2p held |");
report.AppendLine("|---|---|---|---|---|---|");
streamRows.ForEach(r => report.AppendLine(r));
if (jsHoldFailures.Count > 0)
{
    report.AppendLine();
    report.AppendLine("js-libp2p runs that failed (a smaller stream count, or a second try, was then measured): " + string.Join("; ", jsHoldFailures) + ".");
}
var path = Path.Combine(root, "bench", "libp2p-report.md");
await File.WriteAllTextAsync(path, report.ToString());
Console.WriteLine($"wrote {path}");
