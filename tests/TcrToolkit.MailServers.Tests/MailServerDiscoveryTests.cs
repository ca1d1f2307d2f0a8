using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Tests;

/// <summary>Registry-directed discovery over real discv5 nodes on loopback.</summary>
[Trait("Category", "Integration")]
public sealed class MailServerDiscoveryTests
{
    [Fact]
    public async Task ResolveListed_OfflineListingsListedFirst_OnlineServersStillJoin()
    {
        var keys = Enumerable.Range(0, 5).Select(_ => PrivateKey.Generate()).ToList();
        var servers = new List<Discv5Node>();
        try
        {
            foreach (var key in keys.Take(2))
            {
                var options = new Discv5Options { PrivateKey = key, ConfigureRecord = r => r.SetWaku2(Waku2Capabilities.Store).SetTcp(30303) };
                if (servers.Count > 0)
                {
                    options.Bootnodes.Add(servers[0].LocalEnr);
                }

                servers.Add(await Discv5Node.StartAsync(options));
            }

            // Server 1 learns server 0 from its bootnode ping; wait for it so the lookups have a network to walk.
            for (var wait = 0; wait < 100 && (await servers[1].GetTableAsync()).All(r => r.NodeId != servers[0].NodeId); wait++)
            {
                await Task.Delay(50);
            }

            var clientOptions = new Discv5Options { PrivateKey = keys[4] };
            clientOptions.Bootnodes.Add(servers[0].LocalEnr);
            clientOptions.Bootnodes.Add(servers[1].LocalEnr);
            await using var client = await Discv5Node.StartAsync(clientOptions);
            var trust = new FakeTrust();
            // Two listings whose servers are offline (no node knows them), then the two online servers.
            trust.List(keys[2].PublicKey.NodeId);
            trust.List(keys[3].PublicKey.NodeId);
            trust.List(servers[0].NodeId);
            trust.List(servers[1].NodeId);
            using var pool = new TrustedMailServers(trust);
            var discovery = new MailServerDiscovery(client, pool, trust);

            var added = await discovery.ResolveListedAsync();

            added.Should().Be(2);
            pool.Servers.Select(s => s.Candidate.NodeId).Should().BeEquivalentTo([servers[0].NodeId, servers[1].NodeId]);
            pool.Servers.Should().OnlyContain(s => s.Candidate.Source == CandidateSource.RegistryLookup);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            keys.ForEach(k => k.Dispose());
        }
    }
}
