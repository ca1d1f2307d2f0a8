using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.Waku.Store;
using TcrToolkit.Waku.TestKit;

namespace TcrToolkit.Waku.Tests;

/// <summary>A real js-waku light node (@waku/sdk 0.0.36) against our store node over libp2p (WebSocket, Noise, mplex).</summary>
[Trait("Category", "Integration")]
public sealed class JsWakuInteropTests
{
    private const string TopicA = "/tcr/1/interop-a/proto";
    private const string TopicB = "/tcr/1/interop-b/proto";

    [Fact]
    public async Task JsWakuLightNode_PushesThenQueries_GetsExactlyWhatOurStoreHolds()
    {
        NodePeer.MissingReason.Should().BeNull();
        await using var store = SqliteMessageStore.Open(TestMessages.TempPath("jswaku"));
        var options = new WakuServiceOptions { ClusterId = 1 };
        for (uint shard = 0; shard < 8; shard++)
        {
            options.Shards.Add(shard);
        }

        using var key = PrivateKey.Generate();
        await using var host = new Libp2pHost(key);
        host.AddWakuStoreNode(new WakuStoreNode(store, options));
        var address = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0/ws"));

        var output = await NodePeer.RunAsync(TimeSpan.FromMinutes(3), "light-node.mjs", address.ToString(), "12", "5");
        var result = JsonDocument.Parse(output).RootElement;

        result.TryGetProperty("error", out var error).Should().BeFalse(error.ToString());
        result.GetProperty("failures").GetArrayLength().Should().Be(0, output);
        result.GetProperty("pushed").GetArrayLength().Should().Be(24);
        var pubsubA = result.GetProperty("pubsubTopic").GetString()!;
        var pubsubB = result.GetProperty("pubsubTopicB").GetString()!;
        var storedA = await ReadAllAsync(store, pubsubA, TopicA);
        var storedB = await ReadAllAsync(store, pubsubB, TopicB);
        storedA.Select(Payload).Should().BeEquivalentTo(Enumerable.Range(0, 12).Select(i => $"a-{i}"));
        storedB.Select(Payload).Should().BeEquivalentTo(Enumerable.Range(0, 12).Select(i => $"b-{i}"));
        var expectedA = storedA.Select(Payload).ToList();

        var forwardPages = Pages(result.GetProperty("forwardPages"));
        forwardPages.Should().OnlyContain(p => p.Count <= 5);
        forwardPages.SelectMany(p => p).Should().Equal(expectedA);

        var backwardPages = Pages(result.GetProperty("backwardPages"));
        backwardPages.Should().OnlyContain(p => p.Count <= 5);
        Enumerable.Reverse(backwardPages).SelectMany(p => p).Should().Equal(expectedA);

        result.GetProperty("topicB").EnumerateArray().Select(e => e.GetString()).Should().Equal(storedB.Select(Payload));

        var range = result.GetProperty("timeRange");
        // The bounds as js-waku sent them: it converts milliseconds to nanoseconds in floating point, so a bound can sit
        // up to 128 ns off the message timestamp it was taken from.
        var start = long.Parse(range.GetProperty("startNs").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var end = long.Parse(range.GetProperty("endNs").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        result.GetProperty("inRange").EnumerateArray().Select(e => e.GetString())
            .Should().Equal(storedA.Where(m => m.Timestamp >= start && m.Timestamp < end).Select(Payload)).And.NotBeEmpty();

        var wanted = result.GetProperty("lookupWanted").EnumerateArray()
            .Select(e => (Payload: e.GetProperty("payload").GetString()!, Hash: e.GetProperty("hash").GetString()!)).ToList();
        foreach (var (payload, hash) in wanted)
        {
            Convert.ToHexStringLower(storedA.Single(m => Payload(m) == payload).Hash).Should().Be(hash, "js-waku and we hash alike");
        }

        result.GetProperty("lookup").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo(wanted.Select(w => w.Payload));
    }

    private static string Payload(StoredMessage message) => message.Message.Payload.ToStringUtf8();

    private static List<List<string?>> Pages(JsonElement pages) =>
        pages.EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetString()).ToList()).ToList();

    private static async Task<List<StoredMessage>> ReadAllAsync(SqliteMessageStore store, string pubsubTopic, string contentTopic)
    {
        var page = await store.QueryAsync(new MessageQuery { PubsubTopic = pubsubTopic, ContentTopics = [contentTopic], Forward = true, Limit = 1000 });
        return [.. page.Messages];
    }
}
