using Google.Protobuf;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;
using TcrToolkit.Waku.TestKit;

// The crash test's child: a store node ingesting LightPush from concurrent clients. Each acknowledged push is printed
// as "ack <hash>" only after the 200 response arrived; the parent kills this process with SIGKILL mid-ingest and then
// checks that every acknowledged hash is in the store file.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: TcrToolkit.Waku.TestKit <store-path>");
    return 2;
}

var store = SqliteMessageStore.Open(args[0]);
var options = new WakuServiceOptions { RequestsPerSecondPerPeer = 1_000_000, RequestBurstPerPeer = 1_000_000 };
var node = new WakuStoreNode(store, options);
var client = new WakuClient(InMemoryWaku.Connect(node));
var output = Console.Out;
var gate = new Lock();
Console.WriteLine("ready");

var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
{
    for (var i = 0; ; i++)
    {
        var message = new WakuMessage
        {
            Payload = ByteString.CopyFromUtf8($"worker {worker} message {i}"),
            ContentTopic = "/tcr/1/crash/proto",
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L,
        };
        var result = await client.PushAsync("/waku/2/rs/0/0", message);
        lock (gate)
        {
            output.WriteLine("ack " + Convert.ToHexStringLower(result.Hash));
            output.Flush();
        }
    }
})).ToArray();
await Task.WhenAll(workers);
return 0;
