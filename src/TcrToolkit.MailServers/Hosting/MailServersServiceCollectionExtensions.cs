using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TcrToolkit.Events;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Hosting;
using TcrToolkit.MailServers.Pool;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts the trusted mail-server pool and the mail server kit.</summary>
public static class MailServersServiceCollectionExtensions
{
    /// <summary>
    /// Adds the client pool of trusted mail servers: <see cref="RegistryMirrorTrust"/> over the registered
    /// <see cref="RegistryMirror"/> (as the <see cref="IMailServerTrust"/>), the <see cref="TrustedMailServers"/> pool,
    /// the <see cref="MailServerClient"/> (history and publishing through trusted servers only), and the
    /// <see cref="TrustedMailServersService"/> that starts discovery and feeds the pool (registry-directed lookups, random
    /// walks, records published with <c>Applied</c>, the SQLite cache). Call <c>AddTcrToolkit</c> and
    /// <c>AddRegistryMirror</c> first: trust is the mirror's, and fails closed with it. Options are validated when the host starts.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddTcrToolkit(o => { o.RpcUrl = new Uri("http://127.0.0.1:8545"); o.ManifestPath = "deployments/devnet.json"; })
    ///         .AddRegistryMirror(o => o.DatabasePath = "registry.db")
    ///         .AddTrustedMailServers(o => { o.Bootnodes.Add("enr:-…"); o.CachePath = "mailservers.db"; });
    /// // later: await provider.GetRequiredService&lt;MailServerClient&gt;().FetchHistoryAsync(pubsubTopic, topics, from, to);
    /// </code>
    /// </example>
    public static IServiceCollection AddTrustedMailServers(this IServiceCollection services, Action<TrustedMailServersHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TrustedMailServersHostingOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrustedMailServersHostingOptions>, TrustedMailServersHostingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new RegistryMirrorTrust(provider.GetRequiredService<RegistryMirror>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMailServerTrust>(provider => provider.GetRequiredService<RegistryMirrorTrust>());
        services.TryAddSingleton(provider => new TrustedMailServers(
            provider.GetRequiredService<IMailServerTrust>(),
            provider.GetRequiredService<IOptions<TrustedMailServersHostingOptions>>().Value.Pool,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<MailServerClientIdentity>();
        services.TryAddSingleton(provider => new Libp2pHost(
            provider.GetRequiredService<MailServerClientIdentity>().Key,
            logger: provider.GetService<ILogger<Libp2pHost>>(),
            timeProvider: provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new MailServerConnections(provider.GetRequiredService<Libp2pHost>()));
        services.TryAddSingleton(provider => new MailServerClient(
            provider.GetRequiredService<TrustedMailServers>(),
            provider.GetRequiredService<MailServerConnections>(),
            provider.GetRequiredService<IOptions<TrustedMailServersHostingOptions>>().Value.Client));
        services.TryAddSingleton<TrustedMailServersService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TrustedMailServersService>(provider => provider.GetRequiredService<TrustedMailServersService>()));
        return services;
    }

    /// <summary>
    /// Adds the pool as <see cref="AddTrustedMailServers(IServiceCollection, Action{TrustedMailServersHostingOptions})"/>
    /// does, with options bound from <paramref name="section"/> (for example <c>"MailServers": { "Bootnodes": ["enr:-…"],
    /// "CachePath": "mailservers.db", "Pool": { "MaxServers": 16 }, "Client": { "HistoryServers": 2 } }</c>).
    /// </summary>
    public static IServiceCollection AddTrustedMailServers(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddTrustedMailServers(options => section.Bind(options));
    }

    /// <summary>
    /// Adds a mail server (<see cref="TcrToolkit.MailServers.Server.MailServerHost"/>) run by the
    /// <see cref="MailServerHostService"/> for the host's lifetime: it starts with the host (store, libp2p, discovery),
    /// logs its record and counters, and stops cleanly with it. Its meter is <see cref="TcrToolkit.MailServers.Server.MailServerHost.MeterName"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddMailServerHost(o => { o.Server.NodeKey = nodeKey; o.Server.StorePath = "messages.db"; });
    /// </code>
    /// </example>
    public static IServiceCollection AddMailServerHost(this IServiceCollection services, Action<MailServerHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MailServerHostingOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MailServerHostingOptions>, MailServerHostingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MailServerHostService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MailServerHostService>(provider => provider.GetRequiredService<MailServerHostService>()));
        return services;
    }

    /// <summary>
    /// Adds the mail server with options bound from <paramref name="section"/> (for example <c>"MailServer": { "Server":
    /// { "StorePath": "messages.db", "ListenAddresses": ["/ip4/0.0.0.0/tcp/60000"] }, "Bootnodes": ["enr:-…"] }</c>). The
    /// node key is a key, not text: set it in <paramref name="configureKey"/> (from a keystore, for example).
    /// </summary>
    public static IServiceCollection AddMailServerHost(this IServiceCollection services, IConfigurationSection section, Action<MailServerHostingOptions> configureKey)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(configureKey);
        return services.AddMailServerHost(options =>
        {
            section.Bind(options);
            configureKey(options);
        });
    }
}

/// <summary>Checks <see cref="TrustedMailServersHostingOptions"/> when the host starts.</summary>
public sealed class TrustedMailServersHostingOptionsValidator : IValidateOptions<TrustedMailServersHostingOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TrustedMailServersHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

/// <summary>Checks <see cref="MailServerHostingOptions"/> when the host starts.</summary>
public sealed class MailServerHostingOptionsValidator : IValidateOptions<MailServerHostingOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, MailServerHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
