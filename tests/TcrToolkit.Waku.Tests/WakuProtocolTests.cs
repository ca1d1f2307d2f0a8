using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using TcrToolkit.Waku.Framing;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;
using TcrToolkit.Waku.TestKit;

namespace TcrToolkit.Waku.Tests;

/// <summary>Store v3 and LightPush v3 server and client talking over in-memory duplex streams.</summary>
public sealed class WakuProtocolTests : IAsyncLifetime
{
    private const string Topic = "/app/1/chat/proto";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
    private readonly FakeTimeProvider _time = new(Now);
    private SqliteMessageStore _store = null!;
    private WakuStoreNode _node = null!;
    private WakuClient _client = null!;

    public Task InitializeAsync()
    {
        _store = SqliteMessageStore.Open(TestMessages.TempPath("protocol"));
        _node = new WakuStoreNode(_store, new WakuServiceOptions { RequestBurstPerPeer = 10_000 }, _time);
        _client = new WakuClient(InMemoryWaku.Connect(_node), time: _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static long Nanos(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000L;

    private static WakuMessage Message(string text, long timestamp, string topic = Topic) => new()
    {
        Payload = ByteString.CopyFromUtf8(text),
        ContentTopic = topic,
        Timestamp = timestamp,
    };

    private async Task<List<LightPushResult>> PushManyAsync(int count, string topic = Topic)
    {
        var results = new List<LightPushResult>();
        for (var i = 0; i < count; i++)
        {
            // Timestamps repeat in threes so cursors must break ties by hash.
            results.Add(await _client.PushAsync(TestMessages.PubsubTopic, Message($"m{i}", Nanos(Now) - ((count - i) / 3 * 1000), topic)));
        }

        return results;
    }

    [Fact]
    public async Task PushThenQuery_PagingBothWays_ReturnsEveryMessageOnceInOrder()
    {
        var pushed = await PushManyAsync(23);
        var expected = pushed.Select(r => Convert.ToHexStringLower(r.Hash)).ToHashSet();

        foreach (var forward in new[] { true, false })
        {
            var pages = new List<MessagePage>();
            await foreach (var page in _client.QueryAllAsync(new MessageQuery
            {
                PubsubTopic = TestMessages.PubsubTopic, ContentTopics = [Topic], Forward = forward, Limit = 5,
            }))
            {
                pages.Add(page);
            }

            var all = (forward ? pages : Enumerable.Reverse(pages)).SelectMany(p => p.Messages).ToList();
            all.Select(TestMessages.Hex).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected);
            all.Should().Equal(TestMessages.InStoreOrder(all));
            pages.Should().HaveCount(5);
        }
    }

    [Fact]
    public async Task Query_TimeRangeAndTopics_ReturnsOnlyMatches()
    {
        await PushManyAsync(6, Topic);
        await PushManyAsync(6, "/app/1/other/proto");
        var start = Nanos(Now) - 1000;

        var page = await _client.QueryPageAsync(new MessageQuery
        {
            PubsubTopic = TestMessages.PubsubTopic, ContentTopics = [Topic], TimeStart = start, TimeEnd = Nanos(Now), Forward = true, Limit = 100,
        });

        page.Messages.Should().NotBeEmpty().And.OnlyContain(m => m.Message.ContentTopic == Topic && m.Timestamp >= start && m.Timestamp < Nanos(Now));
        page.Messages.Should().HaveCount(3);
    }

    [Fact]
    public async Task Query_HashLookupAndPresence_FindStoredOnly()
    {
        var pushed = await PushManyAsync(5);
        var missing = new byte[32];

        var page = await _client.QueryPageAsync(new MessageQuery { MessageHashes = [pushed[1].Hash, pushed[3].Hash, missing], Limit = 10, Forward = true });
        var present = await _client.QueryPresenceAsync([pushed[0].Hash, missing]);

        page.Messages.Select(TestMessages.Hex).Should().BeEquivalentTo([Convert.ToHexStringLower(pushed[1].Hash), Convert.ToHexStringLower(pushed[3].Hash)]);
        present.Should().BeEquivalentTo([Convert.ToHexStringLower(pushed[0].Hash)]);
    }

    [Fact]
    public async Task Query_MixedHashAndContentFilter_Fails400()
    {
        var act = () => _client.QueryPageAsync(new MessageQuery { MessageHashes = [new byte[32]], TimeStart = 1 });

        (await act.Should().ThrowAsync<WakuRequestFailedException>()).Which.StatusCode.Should().Be(WakuStatusCodes.BadRequest);
    }

    [Fact]
    public async Task Query_UnknownCursor_Fails400()
    {
        await PushManyAsync(2);

        var act = () => _client.QueryPageAsync(new MessageQuery { Cursor = new byte[32], Forward = true });

        (await act.Should().ThrowAsync<WakuRequestFailedException>()).Which.StatusCode.Should().Be(WakuStatusCodes.BadRequest);
    }

    [Fact]
    public async Task Query_LimitAboveMaximum_GetsMaximumPage()
    {
        await PushManyAsync(120);

        var page = await _client.QueryPageAsync(new MessageQuery { Forward = true, Limit = 1000 });

        page.Messages.Should().HaveCount(100);
        page.NextCursor.Should().NotBeNull();
    }

    [Theory]
    [InlineData(21)]
    [InlineData(-21)]
    public async Task Push_TimestampMoreThan20sOff_Fails400AndIsNotStored(int seconds)
    {
        var act = () => _client.PushAsync(TestMessages.PubsubTopic, Message("late", Nanos(Now.AddSeconds(seconds))));

        (await act.Should().ThrowAsync<WakuRequestFailedException>()).Which.StatusCode.Should().Be(WakuStatusCodes.BadRequest);
        (await _store.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Push_TimestampWithin20s_IsStored()
    {
        await _client.PushAsync(TestMessages.PubsubTopic, Message("ok", Nanos(Now.AddSeconds(19))));

        (await _store.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Push_TooLarge_Fails413()
    {
        var big = new WakuMessage { Payload = ByteString.CopyFrom(new byte[151 * 1024]), ContentTopic = Topic, Timestamp = Nanos(Now) };

        var act = () => _client.PushAsync(TestMessages.PubsubTopic, big);

        (await act.Should().ThrowAsync<WakuRequestFailedException>()).Which.StatusCode.Should().Be(WakuStatusCodes.PayloadTooLarge);
    }

    [Fact]
    public async Task Push_Ephemeral_IsAcceptedButNotStored()
    {
        var message = Message("ephemeral", Nanos(Now));
        message.Ephemeral = true;

        await _client.PushAsync(TestMessages.PubsubTopic, message);

        (await _store.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Push_SameMessageTwice_IsIdempotent()
    {
        var message = Message("twice", Nanos(Now));

        var first = await _client.PushAsync(TestMessages.PubsubTopic, message);
        var second = await _client.PushAsync(TestMessages.PubsubTopic, message);

        second.Hash.Should().Equal(first.Hash);
        (await _store.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Push_BeyondPeerRate_Fails429()
    {
        var node = new WakuStoreNode(_store, new WakuServiceOptions { RequestBurstPerPeer = 2, RequestsPerSecondPerPeer = 1 }, _time);
        var client = new WakuClient(InMemoryWaku.Connect(node), time: _time);
        await client.PushAsync(TestMessages.PubsubTopic, Message("a", Nanos(Now)));
        await client.PushAsync(TestMessages.PubsubTopic, Message("b", Nanos(Now)));

        var act = () => client.PushAsync(TestMessages.PubsubTopic, Message("c", Nanos(Now)));

        (await act.Should().ThrowAsync<WakuRequestFailedException>()).Which.StatusCode.Should().Be(WakuStatusCodes.TooManyRequests);
        _time.Advance(TimeSpan.FromSeconds(1));
        await client.PushAsync(TestMessages.PubsubTopic, Message("d", Nanos(Now)));
    }

    [Fact]
    public async Task LightPushV2Beta1_Push_IsStored()
    {
        var (client, server) = DuplexPipe.Create();
        var serving = Task.Run(async () => { await using (server) { await _node.ServeLightPushV2Beta1Async(server, "legacy"); } });
        var rpc = new PushRpc { RequestId = "r1", Request = new PushRequest { PubsubTopic = TestMessages.PubsubTopic, Message = Message("v2", Nanos(Now)) } };

        await LengthPrefixedFrames.WriteAsync(client, rpc);
        var response = PushRpc.Parser.ParseFrom(await LengthPrefixedFrames.ReadAsync(client, 1 << 20));
        await serving;

        response.RequestId.Should().Be("r1");
        response.Response.IsSuccess.Should().BeTrue();
        (await _store.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Metadata_Query_ReturnsClusterAndShards()
    {
        var options = new WakuServiceOptions { ClusterId = 42 };
        options.Shards.Add(3);
        var client = new WakuClient(InMemoryWaku.Connect(new WakuStoreNode(_store, options, _time)));

        var metadata = await client.GetMetadataAsync(42);

        metadata.ClusterId.Should().Be(42);
        metadata.Shards.Should().Equal(3u);
    }

    [Fact]
    public async Task Serve_SilentPeer_IsCutOffAfterTimeout()
    {
        var (client, server) = DuplexPipe.Create();
        var serving = _node.ServeStoreQueryAsync(server, "silent");

        _time.Advance(TimeSpan.FromSeconds(11));
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        serving.IsCompletedSuccessfully.Should().BeTrue();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Serve_GarbageFrame_Answers400AndDoesNotThrow()
    {
        var (client, server) = DuplexPipe.Create();
        var serving = Task.Run(async () => { await using (server) { await _node.ServeStoreQueryAsync(server, "garbage"); } });

        await client.WriteAsync(new byte[] { 3, 0xFF, 0xFF, 0xFF });
        await client.FlushAsync();
        var response = StoreQueryResponse.Parser.ParseFrom(await LengthPrefixedFrames.ReadAsync(client, 1 << 20));
        await serving;

        response.StatusCode.Should().Be(WakuStatusCodes.BadRequest);
    }

    [Fact]
    public async Task Serve_OversizedFramePrefix_Answers400WithoutReadingBody()
    {
        var (client, server) = DuplexPipe.Create();
        var serving = Task.Run(async () => { await using (server) { await _node.ServeLightPushAsync(server, "big"); } });

        await client.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F });
        await client.FlushAsync();
        var response = LightPushResponse.Parser.ParseFrom(await LengthPrefixedFrames.ReadAsync(client, 1 << 20));
        await serving;

        response.StatusCode.Should().Be(WakuStatusCodes.BadRequest);
    }
}
