using Google.Protobuf;
using TcrToolkit.Waku.Framing;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku.Fuzz;

/// <summary>
/// Each target feeds untrusted bytes to one decoder the way the network does. A target returns normally for any
/// input: the servers must answer (never throw), the client must accept or reject with a Waku exception.
/// </summary>
public static class FuzzTargets
{
    private static readonly Lazy<WakuStoreNode> Node = new(CreateNode);

    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>
    {
        ["frame"] = Frame,
        ["store-request"] = bytes => Serve(bytes, Node.Value.ServeStoreQueryAsync, StoreQueryResponse.Parser),
        ["lightpush-request"] = bytes => Serve(bytes, Node.Value.ServeLightPushAsync, LightPushResponse.Parser),
        ["lightpush-v2-request"] = bytes => Serve(bytes, Node.Value.ServeLightPushV2Beta1Async, PushRpc.Parser),
        ["metadata-request"] = bytes => Serve(bytes, Node.Value.ServeMetadataAsync, WakuMetadataResponse.Parser),
        ["store-response"] = StoreResponse,
    };

    /// <summary>The length-prefixed frame reader: only a protocol violation may come out of malformed input.</summary>
    public static void Frame(byte[] input)
    {
        try
        {
            _ = LengthPrefixedFrames.ReadAsync(new MemoryStream(input), 1024).GetAwaiter().GetResult();
        }
        catch (WakuProtocolViolationException)
        {
        }
    }

    /// <summary>A store response as the strict client sees it, for a fixed request.</summary>
    public static void StoreResponse(byte[] input)
    {
        StoreQueryResponse response;
        try
        {
            response = StoreQueryResponse.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }

        // The fuzzer cannot guess a fresh request id, so the request carries the one it can find: the response's.
        var request = new StoreQueryRequest { RequestId = response.RequestId, IncludeData = true, PaginationForward = true, PaginationLimit = 20 };
        var query = new MessageQuery { Forward = true, Limit = 20, TimeStart = 0 };
        try
        {
            var page = WakuClient.CheckPage(query, request, response);
            if (page.Messages.Count > 20)
            {
                throw new InvalidOperationException("The client accepted a page above its limit.");
            }
        }
        catch (WakuException)
        {
        }
    }

    private static void Serve<TResponse>(byte[] input, Func<Stream, string, CancellationToken, Task> serve, MessageParser<TResponse> parser)
        where TResponse : IMessage<TResponse>
    {
        using var stream = new ScriptedStream(input);
        serve(stream, "fuzz-peer", CancellationToken.None).GetAwaiter().GetResult();
        if (stream.Written.Length == 0)
        {
            return;
        }

        // Whatever the input, what the server wrote is one well-formed frame holding a well-formed response.
        var frame = LengthPrefixedFrames.ReadAsync(new MemoryStream(stream.Written), int.MaxValue).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("The server wrote a partial frame.");
        _ = parser.ParseFrom(frame);
    }

    private static WakuStoreNode CreateNode()
    {
        var path = Path.Combine(Path.GetTempPath(), "tcr-waku-fuzz", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "messages.db");
        var store = SqliteMessageStore.Open(path);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L;
        for (var i = 0; i < 50; i++)
        {
            store.AddAsync(StoredMessage.Create("/waku/2/rs/0/0", new WakuMessage
            {
                Payload = ByteString.CopyFromUtf8($"fuzz {i}"),
                ContentTopic = i % 2 == 0 ? "/a/1/b/proto" : "/a/1/c/proto",
                Timestamp = now - i,
            })).GetAwaiter().GetResult();
        }

        return new WakuStoreNode(store, new WakuServiceOptions { RequestBurstPerPeer = int.MaxValue, RequestsPerSecondPerPeer = 1e9 });
    }

    /// <summary>A stream that reads a fixed input and records what is written.</summary>
    private sealed class ScriptedStream(byte[] input) : Stream
    {
        private readonly MemoryStream _input = new(input);
        private readonly MemoryStream _output = new();

        public byte[] Written => _output.ToArray();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
