using Microsoft.Extensions.Diagnostics.HealthChecks;
using TcrToolkit.Events;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Hosting;

/// <summary>
/// The client pool's health: healthy while the registry mirror vouches for its state and at least one trusted server
/// is in the pool; degraded while the mirror trusts but no listed server was found yet; unhealthy while the mirror
/// trusts nothing (catching up, node unreachable past its staleness, chain lost): the pool then serves nothing, by design.
/// Register with <c>services.AddHealthChecks().AddCheck&lt;TrustedMailServersHealthCheck&gt;("mail-servers")</c>.
/// </summary>
public sealed class TrustedMailServersHealthCheck(TrustedMailServers pool, RegistryMirror mirror) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = mirror.Health;
        var servers = pool.Servers;
        var data = new Dictionary<string, object>
        {
            ["mirror"] = health.Status.ToString(), ["trusting"] = health.IsTrusting, ["servers"] = servers.Count,
            ["trustedNodeIds"] = mirror.TrustedNodeIds.Count, ["discarded"] = pool.Discarded,
        };
        var result = !health.IsTrusting
            ? HealthCheckResult.Unhealthy($"The registry mirror trusts nothing ({health.Status}{(health.Problem is { } p ? ": " + p : "")}); no server is used.", data: data)
            : servers.Count == 0
                ? HealthCheckResult.Degraded("No listed mail server found yet.", data: data)
                : HealthCheckResult.Healthy($"{servers.Count} trusted mail servers.", data);
        return Task.FromResult(result);
    }
}

/// <summary>
/// The mail server's health: healthy once it serves, with its counters (stored messages, peers served, queries per
/// second, connections, discovery table size) as data; unhealthy before it started or when its store cannot be read.
/// Register with <c>services.AddHealthChecks().AddCheck&lt;MailServerHostHealthCheck&gt;("mail-server")</c>.
/// </summary>
public sealed class MailServerHostHealthCheck(MailServerHostService service) : IHealthCheck
{
    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!service.Server.IsCompletedSuccessfully)
        {
            return HealthCheckResult.Unhealthy("The mail server has not started.");
        }

        var server = await service.Server.ConfigureAwait(false);
        try
        {
            var h = await server.GetHealthAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Serving {h.StoredMessages} messages to {h.PeersServed} peers.", new Dictionary<string, object>
            {
                ["storedMessages"] = h.StoredMessages, ["peersServed"] = h.PeersServed, ["queriesServed"] = h.QueriesServed,
                ["queriesPerSecond"] = h.QueriesPerSecond, ["pushesServed"] = h.PushesServed, ["connections"] = h.Connections,
                ["discoveryPeers"] = h.DiscoveryPeers, ["recordSequence"] = h.RecordSequence,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The mail server's counters cannot be read ({e.Message}).", e);
        }
    }
}
