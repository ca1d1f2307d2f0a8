using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Hosting;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Server;

namespace TcrToolkit.MailServers.Tests;

/// <summary>
/// <c>AddTrustedMailServers</c> and <c>AddMailServerHost</c> in a service provider, their hosted services started and
/// stopped as a host would: the pool finds a server the registry lists (registry-directed, with the record published in
/// its <c>Applied</c> event as a hint), serves history through it and saves it to the cache; the server kit reports
/// health and metrics.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostingTests
{
    private const string PubsubTopic = "/waku/2/rs/1/0";

    [Fact]
    public async Task AddTrustedMailServers_ListedServer_FoundVerifiedUsedAndCached()
    {
        await using var bed = await RegistryBed.StartAsync();
        await using var servers = await ServerSet.StartAsync(2);
        var server = servers.Hosts[1];
        // The applicant publishes its record with the application (RLP bytes), as `data` of Applied.
        var listed = await bed.ListAsync(bed.Testbed.Actors[0], servers.Keys[1], server.Record.ToBytes());
        var cachePath = Path.Combine(bed.Directory, "pool.db");
        var services = new ServiceCollection();
        services.AddSingleton(bed.Mirror);
        services.AddSingleton(bed.MirrorClient);
        services.Configure<RegistryMirrorOptions>(o =>
        {
            o.Registry = bed.Testbed.Registry;
            o.Stream.PollInterval = RegistryBed.Fast;
        });
        services.AddTrustedMailServers(o =>
        {
            o.Bootnodes.Add(servers.Hosts[0].Record.ToString());
            o.RandomWalk = false;
            o.CachePath = cachePath;
            o.Client.HistoryServers = 1;
            o.Client.PublishServers = 1;
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        var pool = provider.GetRequiredService<TrustedMailServers>();
        var feeder = provider.GetRequiredService<TrustedMailServersService>();

        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        await Eventually.HoldsAsync(() => pool.Servers.Any(s => s.Candidate.NodeId == listed), "the pool holds the listed server");
        await Eventually.HoldsAsync(() => feeder.Hints.Get(listed) is not null, "the Applied record was read");
        var client = provider.GetRequiredService<MailServerClient>();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await client.PublishAsync(PubsubTopic, MailServerTrustReliabilityTests.Message("hosted", DateTimeOffset.UtcNow));
        var history = await client.FetchHistoryAsync(PubsubTopic, ["/tcr/1/reliability/proto"], start, DateTimeOffset.UtcNow.AddMinutes(1));
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        hosted.Should().ContainSingle(s => s is TrustedMailServersService);
        pool.Servers.Select(s => s.Candidate.NodeId).Should().Equal(listed);
        feeder.Hints.Get(listed)!.Sequence.Should().Be(server.Record.Sequence);
        feeder.Hints.Get(listed)!.Source.Should().Be(CandidateSource.RegistryEvent);
        history.Messages.Select(m => m.Message.Message.Payload.ToStringUtf8()).Should().Equal("hosted");
        history.Servers.Select(s => s.Server).Should().Equal(listed);
        using var cache = MailServerCache.Open(cachePath);
        cache.Read().Select(e => e.Candidate.NodeId).Should().Equal(listed);
        var health = await new TrustedMailServersHealthCheck(pool, bed.Mirror).CheckHealthAsync(new HealthCheckContext());
        health.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task AddMailServerHost_StartedAndStopped_ServesReportsHealthAndMetrics()
    {
        using var key = PrivateKey.Generate();
        var path = Path.Combine(Path.GetTempPath(), $"tcr-hosted-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection();
        services.AddMailServerHost(o =>
        {
            o.Server.NodeKey = key;
            o.Server.StorePath = path;
            o.Server.Waku.ClusterId = 1;
            o.Server.Waku.Shards.Add(0);
        });
        var measurements = new List<(string Instrument, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MailServerHost.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value));
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value));
            }
        });
        listener.Start();
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<MailServerHostService>();
        var check = new MailServerHostHealthCheck(service);
        var before = await check.CheckHealthAsync(new HealthCheckContext());

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var server = await service.Server;
        var trust = new FakeTrust();
        trust.List(server.NodeId);
        using var pool = new TrustedMailServers(trust);
        using var clientKey = PrivateKey.Generate();
        await using var clientHost = new Libp2p.Libp2pHost(clientKey);
        await using (var client = new MailServerClient(pool, new MailServerConnections(clientHost), new MailServerClientOptions { HistoryServers = 1, PublishServers = 1 }))
        {
            pool.Offer(MailServerRecords.ToCandidate(server.Record, CandidateSource.Static)!);
            await client.PublishAsync(PubsubTopic, MailServerTrustReliabilityTests.Message("metered", DateTimeOffset.UtcNow));
            await client.FetchHistoryAsync(PubsubTopic, ["/tcr/1/reliability/proto"], DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1));
        }

        var healthy = await check.CheckHealthAsync(new HealthCheckContext());
        listener.RecordObservableInstruments();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        before.Status.Should().Be(HealthStatus.Unhealthy);
        healthy.Status.Should().Be(HealthStatus.Healthy);
        healthy.Data["storedMessages"].Should().Be(1L);
        healthy.Data["pushesServed"].Should().Be(1L);
        lock (measurements)
        {
            measurements.Should().Contain(("tcr.mailserver.pushes", 1L));
            measurements.Should().Contain(m => m.Instrument == "tcr.mailserver.queries" && m.Value == 1);
            measurements.Should().Contain(("tcr.mailserver.stored_messages", 1L));
            measurements.Should().Contain(("tcr.mailserver.peers_served", 1L));
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AddTrustedMailServers_BadBootnodeAndPool_ValidationNamesEach()
    {
        var services = new ServiceCollection();
        services.AddTrustedMailServers(o =>
        {
            o.Bootnodes.Add("enr:not-a-record");
            o.Pool.MaxServers = 0;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<TrustedMailServersHostingOptions>>().Value;

        var failure = act.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().Contain(f => f.Contains("Bootnodes")).And.Contain(f => f.Contains("MaxServers"));
    }

    [Fact]
    public void AddTrustedMailServers_FromConfigurationSection_BindsNestedOptions()
    {
        using var key = PrivateKey.Generate();
        var record = new Discovery.EnrBuilder().SetIp(System.Net.IPAddress.Loopback).SetUdp(30303).Build(key).ToString();
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MailServers:Bootnodes:0"] = record,
            ["MailServers:CachePath"] = "pool.db",
            ["MailServers:ResolveInterval"] = "00:00:05",
            ["MailServers:Pool:MaxServers"] = "8",
            ["MailServers:Client:HistoryServers"] = "3",
        }).Build();
        var services = new ServiceCollection();
        services.AddTrustedMailServers(configuration.GetSection("MailServers"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TrustedMailServersHostingOptions>>().Value;

        options.Bootnodes.Should().Equal(record);
        options.CachePath.Should().Be("pool.db");
        options.ResolveInterval.Should().Be(TimeSpan.FromSeconds(5));
        options.Pool.MaxServers.Should().Be(8);
        options.Client.HistoryServers.Should().Be(3);
    }

    [Fact]
    public void FromAppliedData_TextOrRlpOfTheNode_ReadAndOtherNodeOrJunkIgnored()
    {
        using var key = PrivateKey.Generate();
        using var other = PrivateKey.Generate();
        var record = new Discovery.EnrBuilder { Sequence = 7 }.SetIp(System.Net.IPAddress.Loopback).SetTcp(30303)
            .SetWaku2(Discovery.Waku2Capabilities.Store).Build(key);
        var nodeId = key.PublicKey.NodeId;

        MailServerHints.FromAppliedData(nodeId, record.ToBytes())!.Sequence.Should().Be(7);
        MailServerHints.FromAppliedData(nodeId, Encoding.UTF8.GetBytes(record.ToString()))!.Source.Should().Be(CandidateSource.RegistryEvent);
        MailServerHints.FromAppliedData(other.PublicKey.NodeId, record.ToBytes()).Should().BeNull("the record names another node");
        MailServerHints.FromAppliedData(nodeId, [0xc0, 0x01]).Should().BeNull();
        MailServerHints.FromAppliedData(nodeId, []).Should().BeNull();
    }

    [Fact]
    public void Hints_NewerSequenceWinsAndCapacityBounds()
    {
        var hints = new MailServerHints(capacity: 2);
        var id = Keccak256.HashUtf8("a");
        hints.Add(new MailServerCandidate(id, ["x"], 5, CandidateSource.RegistryEvent)).Should().BeTrue();
        hints.Add(new MailServerCandidate(id, ["old"], 4, CandidateSource.Cache)).Should().BeFalse();
        hints.Add(new MailServerCandidate(Keccak256.HashUtf8("b"), ["y"], 1, CandidateSource.Cache));
        hints.Add(new MailServerCandidate(Keccak256.HashUtf8("c"), ["z"], 1, CandidateSource.Cache));

        hints.Count.Should().Be(2);
        hints.Get(id).Should().BeNull("the oldest hint made room");
    }
}
