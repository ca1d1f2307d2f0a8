using System.Text;
using Google.Protobuf;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Server;
using TcrToolkit.Testing.Peers;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.MailServers.Tests;

/// <summary>
/// The loop with a discovery network nobody here wrote between the servers and the client: the only node both sides
/// know is a @chainsafe/discv5 11.0.0 node. The servers advertise themselves by talking to it; the client finds the
/// listed ones through it, so every record the client trusts reached it through chainsafe's NODES answers.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChainsafeBridgedLoopTests
{
    private const string PubsubTopic = "/waku/2/rs/1/0";
    private const string ContentTopic = "/tcr/1/bridged/proto";

    [Fact]
    public async Task Loop_OnlyBootnodeIsChainsafe_ListedServersFoundThroughItUnlistedDiscarded_HistoryMerged()
    {
        await using var chainsafe = await ChainsafeDiscv5Peer.StartAsync();
        var (bridgeIndex, bridgeText) = (await chainsafe.StartNodesAsync(1))[0];
        var bridge = Enr.Parse(bridgeText);
        var files = new List<string>();
        var servers = new List<MailServerHost>();
        var clientKey = PrivateKey.Generate();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var path = Path.Combine(Path.GetTempPath(), $"tcr-bridged-{i}-{Guid.NewGuid():N}.db");
                files.Add(path);
                var options = new MailServerHostOptions { NodeKey = PrivateKey.Generate(), StorePath = path };
                options.Waku.ClusterId = 1;
                options.Waku.Shards.Add(0);
                options.Bootnodes.Add(bridge);
                servers.Add(await MailServerHost.StartAsync(options));
            }

            // Wait (bounded) until chainsafe's table holds every server: they made themselves known by contacting it.
            var ids = servers.Select(s => s.NodeId).ToHashSet();
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (!deadline.IsCancellationRequested)
                {
                    var known = ChainsafeDiscv5Peer.RecordTexts(await chainsafe.SendAsync("table", new { node = bridgeIndex }))
                        .Select(t => Enr.Parse(t).NodeId).ToHashSet();
                    if (ids.IsSubsetOf(known))
                    {
                        break;
                    }

                    await Task.Delay(100, CancellationToken.None);
                }
            }

            var trust = new FakeTrust();
            trust.List(servers[0].NodeId);
            trust.List(servers[1].NodeId);
            var clientOptions = new Discv5Options { PrivateKey = clientKey };
            clientOptions.Bootnodes.Add(bridge);
            await using var clientNode = await Discv5Node.StartAsync(clientOptions);
            await using var clientHost = new Libp2pHost(clientKey);
            using var pool = new TrustedMailServers(trust);
            await using var client = new MailServerClient(pool, new MailServerConnections(clientHost));
            var discovery = new MailServerDiscovery(clientNode, pool, trust);

            var resolved = await discovery.ResolveListedAsync();
            using (var walkTime = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                try
                {
                    await foreach (var record in clientNode.RandomWalkAsync(walkTime.Token))
                    {
                        discovery.Offer(record, CandidateSource.RandomWalk);
                        if (discovery.DiscardedRecords > 0)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (walkTime.IsCancellationRequested)
                {
                }
            }

            resolved.Should().Be(2, "both listed servers are found through the chainsafe node");
            pool.Servers.Select(s => s.Candidate.NodeId).Should().BeEquivalentTo([servers[0].NodeId, servers[1].NodeId]);
            discovery.DiscardedRecords.Should().BeGreaterThanOrEqualTo(1, "the unlisted store server is met and discarded");

            var start = DateTimeOffset.UtcNow.AddMinutes(-1);
            var accepted = await client.PublishAsync(PubsubTopic, new WakuMessage
            {
                Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes("through chainsafe")), ContentTopic = ContentTopic,
                Timestamp = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100,
            });
            var history = await client.FetchHistoryAsync(PubsubTopic, [ContentTopic], start, DateTimeOffset.UtcNow.AddMinutes(1));

            accepted.Select(a => a.Server).Should().BeEquivalentTo([servers[0].NodeId, servers[1].NodeId]);
            history.Messages.Select(m => m.Message.Message.Payload.ToStringUtf8()).Should().Equal("through chainsafe");
            history.Servers.Should().HaveCount(2).And.OnlyContain(s => s.Returned == 1 && !s.Disagreed);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            clientKey.Dispose();
            foreach (var file in files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
            {
                File.Delete(file);
            }
        }
    }
}
