using CsCheck;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku.Tests;

public sealed class SqliteMessageStoreTests
{
    private static readonly string[] ContentTopics = ["/app/1/a/proto", "/app/1/b/proto", "/app/1/c/proto"];
    private static readonly string[] PubsubTopics = ["/waku/2/rs/0/0", "/waku/2/rs/0/1"];

    [Fact]
    public async Task AddAsync_SameMessageTwice_SecondIsDuplicateAndStoredOnce()
    {
        await using var store = SqliteMessageStore.Open(TestMessages.TempPath("dup"));
        var message = TestMessages.Create(ContentTopics[0], 1_000, "hello");

        var first = await store.AddAsync(message);
        var second = await store.AddAsync(message with { });

        first.Should().Be(StoreAddResult.Added);
        second.Should().Be(StoreAddResult.Duplicate);
        (await store.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task QueryAsync_UnknownCursor_ThrowsCursorNotFound()
    {
        await using var store = SqliteMessageStore.Open(TestMessages.TempPath("cursor"));
        await store.AddAsync(TestMessages.Create(ContentTopics[0], 1_000, "a"));

        var act = () => store.QueryAsync(new MessageQuery { Cursor = new byte[32], Forward = true });

        await act.Should().ThrowAsync<MessageStoreCursorNotFoundException>();
    }

    [Fact]
    public async Task QueryAsync_TimeRange_StartInclusiveEndExclusive()
    {
        await using var store = SqliteMessageStore.Open(TestMessages.TempPath("range"));
        foreach (var ts in new long[] { 9, 10, 11, 19, 20, 21 })
        {
            await store.AddAsync(TestMessages.Create(ContentTopics[0], ts, $"m{ts}"));
        }

        var page = await store.QueryAsync(new MessageQuery { TimeStart = 10, TimeEnd = 20, Forward = true, Limit = 100 });

        page.Messages.Select(m => m.Timestamp).Should().Equal(10, 11, 19);
        page.NextCursor.Should().BeNull();
    }

    [Fact]
    public async Task QueryAsync_HashLookup_ReturnsOnlyThoseInStoreOrder()
    {
        await using var store = SqliteMessageStore.Open(TestMessages.TempPath("lookup"));
        var messages = Enumerable.Range(0, 10).Select(i => TestMessages.Create(ContentTopics[i % 3], 100 - i, $"m{i}")).ToList();
        await Task.WhenAll(messages.Select(m => store.AddAsync(m)));
        var wanted = new[] { messages[2], messages[7], messages[4] };

        var page = await store.QueryAsync(new MessageQuery
        {
            MessageHashes = [.. wanted.Select(m => m.Hash), new byte[32]],
            Limit = 100,
        });

        page.Messages.Select(TestMessages.Hex).Should().Equal(TestMessages.InStoreOrder(wanted).Select(TestMessages.Hex));
    }

    [Fact]
    public async Task ApplyRetentionAsync_AgeAndCount_DeletesOldestOnly()
    {
        await using var store = SqliteMessageStore.Open(TestMessages.TempPath("retention"));
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        long Nanos(TimeSpan ago) => (now - ago).ToUnixTimeMilliseconds() * 1_000_000L;
        var old = TestMessages.Create(ContentTopics[0], Nanos(TimeSpan.FromDays(3)), "old");
        var recent = Enumerable.Range(0, 5)
            .Select(i => TestMessages.Create(ContentTopics[0], Nanos(TimeSpan.FromMinutes(10 - i)), $"r{i}"))
            .ToList();
        await Task.WhenAll(recent.Append(old).Select(m => store.AddAsync(m)));

        var deleted = await store.ApplyRetentionAsync(
            new MessageRetention { MaxAge = TimeSpan.FromDays(1), MaxCount = 3 }, now);

        deleted.Should().Be(3);
        var page = await store.QueryAsync(new MessageQuery { Forward = true, Limit = 100 });
        page.Messages.Select(TestMessages.Hex).Should().Equal(recent.Skip(2).Select(TestMessages.Hex));
    }

    [Fact]
    public async Task QueryAsync_AnyPageSizeAndDirection_ReturnsTheExactOrderedSetOnce()
    {
        var genMessage =
            from pubsub in Gen.Int[0, PubsubTopics.Length - 1]
            from content in Gen.Int[0, ContentTopics.Length - 1]
            from ts in Gen.Long[0, 6] // few timestamps: many ties, where a (timestamp)-only cursor skips or repeats
            from payload in Gen.Int
            select TestMessages.Create(ContentTopics[content], ts, payload.ToString(System.Globalization.CultureInfo.InvariantCulture), PubsubTopics[pubsub]);
        var genCase =
            from messages in genMessage.List[0, 40]
            from pageSize in Gen.Int[1, 12]
            from forward in Gen.Bool
            from filterTopic in Gen.Bool
            from topics in Gen.Int[0, ContentTopics.Length - 1].List[1, 2]
            from start in Gen.Long[-1, 7]
            from end in Gen.Long[-1, 7]
            select (messages, pageSize, forward, filterTopic, topics, start, end);

        await genCase.SampleAsync(async c =>
        {
            var path = TestMessages.TempPath("paging");
            await using var store = SqliteMessageStore.Open(path);
            await Task.WhenAll(c.messages.Concat(c.messages.Take(3)).Select(m => store.AddAsync(m)));
            var contentTopics = c.topics.Distinct().Select(i => ContentTopics[i]).ToList();
            var query = new MessageQuery
            {
                PubsubTopic = c.filterTopic ? PubsubTopics[0] : null,
                ContentTopics = c.filterTopic ? contentTopics : [],
                TimeStart = c.start >= 0 ? c.start : null,
                TimeEnd = c.end >= 0 ? c.end : null,
                Forward = c.forward,
                Limit = c.pageSize,
            };
            var expected = TestMessages.InStoreOrder(c.messages
                    .DistinctBy(TestMessages.Hex)
                    .Where(m => !c.filterTopic || (m.PubsubTopic == PubsubTopics[0] && contentTopics.Contains(m.Message.ContentTopic)))
                    .Where(m => query.TimeStart is null || m.Timestamp >= query.TimeStart)
                    .Where(m => query.TimeEnd is null || m.Timestamp < query.TimeEnd))
                .Select(TestMessages.Hex)
                .ToList();

            var pages = new List<IReadOnlyList<StoredMessage>>();
            byte[]? cursor = null;
            do
            {
                var page = await store.QueryAsync(query with { Cursor = cursor });
                page.Messages.Count.Should().BeLessThanOrEqualTo(c.pageSize);
                TestMessages.InStoreOrder(page.Messages).Should().Equal(page.Messages, "each page is in forward order");
                pages.Add(page.Messages);
                cursor = page.NextCursor;
                pages.Count.Should().BeLessThanOrEqualTo(expected.Count + 1, "paging must end");
            }
            while (cursor is not null);

            var seen = (c.forward ? pages : Enumerable.Reverse(pages)).SelectMany(p => p).Select(TestMessages.Hex).ToList();
            seen.Should().Equal(expected);
        }, iter: 60, threads: 1);
    }
}
