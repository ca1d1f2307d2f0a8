using System.Diagnostics;
using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.Waku.Store;
using TcrToolkit.Waku.TestKit;

namespace TcrToolkit.Waku.Tests;

/// <summary>Our strict store client against a reference Store v3 server on js-libp2p + @waku/proto serving a fixed set.</summary>
[Trait("Category", "Integration")]
public sealed class ReferenceServerInteropTests
{
    private sealed record Served(string Address, string PubsubTopic, string ContentTopic, List<string> Hashes, List<long> Timestamps);

    private static async Task<(Process Process, Served Served)> StartAsync(string mode, int count = 250)
    {
        NodePeer.MissingReason.Should().BeNull();
        var process = NodePeer.Start("reference-store-server.mjs", count.ToString(System.Globalization.CultureInfo.InvariantCulture), mode);
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
            ?? throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
        var root = JsonDocument.Parse(line).RootElement;
        return (process, new Served(
            root.GetProperty("address").GetString()!,
            root.GetProperty("pubsubTopic").GetString()!,
            root.GetProperty("contentTopic").GetString()!,
            root.GetProperty("hashes").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("timestamps").EnumerateArray().Select(e => long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList()));
    }

    private static async Task StopAsync(Process process)
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(5000))
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        await Task.CompletedTask;
    }

    private static async Task<List<MessagePage>> PageAllAsync(WakuClient client, MessageQuery query)
    {
        var pages = new List<MessagePage>();
        await foreach (var page in client.QueryAllAsync(query))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Theory]
    [InlineData(true, 7)]
    [InlineData(false, 13)]
    [InlineData(true, 100)]
    public async Task Client_PagesThroughReferenceServer_GetsExactlyTheServedSet(bool forward, int pageSize)
    {
        var (process, served) = await StartAsync("honest");
        try
        {
            using var key = PrivateKey.Generate();
            await using var host = new Libp2pHost(key);
            var connection = await host.DialAsync(Multiaddr.Parse(served.Address));
            var client = new WakuClient(connection.StreamOpener());

            var pages = await PageAllAsync(client, new MessageQuery
            {
                PubsubTopic = served.PubsubTopic, ContentTopics = [served.ContentTopic], Forward = forward, Limit = pageSize,
            });

            pages.Should().OnlyContain(p => p.Messages.Count <= pageSize);
            var hashes = (forward ? pages : Enumerable.Reverse(pages)).SelectMany(p => p.Messages).Select(TestMessages.Hex);
            hashes.Should().Equal(served.Hashes);
        }
        finally
        {
            await StopAsync(process);
        }
    }

    [Fact]
    public async Task Client_TimeRangeAndHashLookup_MatchTheServedSet()
    {
        var (process, served) = await StartAsync("honest");
        try
        {
            using var key = PrivateKey.Generate();
            await using var host = new Libp2pHost(key);
            var client = new WakuClient((await host.DialAsync(Multiaddr.Parse(served.Address))).StreamOpener());
            var start = served.Timestamps[10];
            var end = served.Timestamps[30];

            var inRange = (await PageAllAsync(client, new MessageQuery
            {
                PubsubTopic = served.PubsubTopic, ContentTopics = [served.ContentTopic], TimeStart = start, TimeEnd = end, Forward = true, Limit = 6,
            })).SelectMany(p => p.Messages).Select(TestMessages.Hex);
            var lookup = await client.QueryPageAsync(new MessageQuery
            {
                MessageHashes = [Convert.FromHexString(served.Hashes[3]), Convert.FromHexString(served.Hashes[42])], Forward = true, Limit = 10,
            });

            inRange.Should().Equal(served.Hashes.Where((_, i) => served.Timestamps[i] >= start && served.Timestamps[i] < end));
            lookup.Messages.Select(TestMessages.Hex).Should().Equal(served.Hashes[3], served.Hashes[42]);
        }
        finally
        {
            await StopAsync(process);
        }
    }

    [Theory]
    [InlineData("reorder")]
    [InlineData("badhash")]
    [InlineData("outofrange")]
    public async Task Client_MisbehavingServer_RejectsThePage(string mode)
    {
        var (process, served) = await StartAsync(mode);
        try
        {
            using var key = PrivateKey.Generate();
            await using var host = new Libp2pHost(key);
            var client = new WakuClient((await host.DialAsync(Multiaddr.Parse(served.Address))).StreamOpener());

            var act = () => client.QueryPageAsync(new MessageQuery
            {
                PubsubTopic = served.PubsubTopic, ContentTopics = [served.ContentTopic], TimeStart = served.Timestamps[20], Forward = true, Limit = 10,
            });

            await act.Should().ThrowAsync<WakuProtocolViolationException>();
        }
        finally
        {
            await StopAsync(process);
        }
    }
}
