using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.Votes;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TcrToolkit in a service collection.</summary>
public static class TcrToolkitServiceCollectionExtensions
{
    /// <summary>
    /// Adds TcrToolkit: its validated <see cref="TcrToolkitOptions"/> (checked when the host starts), the resolved
    /// <see cref="TcrDeployment"/>, a JSON-RPC <see cref="RpcClient"/> for the configured node (decoding every
    /// TcrToolkit contract's errors), a <see cref="TcrToolkit.DependencyInjection.TcrConnectionProvider"/> that
    /// connects to the deployment on first use (and hands out the account of a registered
    /// <see cref="TcrToolkit.Ethereum.IAccountSigner"/>), and the <see cref="SaltVault"/>. Registrations are singletons and idempotent.
    /// It also sets the defaults of the registry mirror and event stream from these options (the registry,
    /// <see cref="TcrToolkitOptions.Confirmations"/> as their depth, <see cref="TcrToolkitOptions.WebSocketUrl"/> for
    /// new heads); host them with <c>AddRegistryMirror</c> and <c>AddRegistryEventStream</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddTcrToolkit(options =>
    /// {
    ///     options.RpcUrl = new Uri("http://127.0.0.1:8545");
    ///     options.ManifestPath = "deployments/sepolia.json";
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddTcrToolkit(this IServiceCollection services, Action<TcrToolkitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<TcrToolkitOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TcrToolkitOptions>, TcrToolkitOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => TcrDeployment.From(Options(provider)));
        services.TryAddSingleton(provider =>
        {
            var options = Options(provider);
            if (options.Transport is { } transport)
            {
                return new RpcClient(transport, new RpcClientOptions { RevertDecoder = TcrToolkit.TcrConnection.RevertDecoder }, ownsTransport: false);
            }

            return RpcClient.CreateHttp(
                options.RpcUrl!,
                new RpcClientOptions { RevertDecoder = TcrToolkit.TcrConnection.RevertDecoder },
                new HttpRpcTransportOptions { RequestTimeout = options.RequestTimeout });
        });
        services.TryAddSingleton<TcrToolkit.DependencyInjection.TcrConnectionProvider>();
        services.TryAddSingleton(provider => SaltVault.Open(Options(provider).SaltVaultPath, provider.GetRequiredService<TimeProvider>()));

        // The mirror and the event stream (AddRegistryMirror, AddRegistryEventStream) follow this deployment: its
        // registry, Confirmations as their depth, WebSocketUrl for new heads, and the host's clock. Their own settings,
        // configured after these, take precedence.
        services.AddOptions<RegistryMirrorOptions>().Configure<IServiceProvider>((mirror, provider) =>
        {
            var (deployment, options, time) = (provider.GetRequiredService<TcrDeployment>(), Options(provider), provider.GetRequiredService<TimeProvider>());
            mirror.Registry = deployment.Registry;
            mirror.ConfirmationDepth = options.Confirmations;
            mirror.Stream.WebSocketEndpoint = options.WebSocketUrl;
            mirror.Stream.TimeProvider = time;
        });
        services.AddOptions<RegistryEventStreamOptions>().Configure<IServiceProvider>((stream, provider) =>
        {
            var (deployment, options, time) = (provider.GetRequiredService<TcrDeployment>(), Options(provider), provider.GetRequiredService<TimeProvider>());
            stream.Stream.Registry = deployment.Registry;
            stream.Stream.ConfirmationDepth = options.Confirmations;
            stream.Stream.WebSocketEndpoint = options.WebSocketUrl;
            stream.Stream.TimeProvider = time;
        });
        return services;
    }

    private static TcrToolkitOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<TcrToolkitOptions>>().Value;
}
