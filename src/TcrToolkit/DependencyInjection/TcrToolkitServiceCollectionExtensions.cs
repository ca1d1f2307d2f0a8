using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Votes;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TcrToolkit in a service collection.</summary>
public static class TcrToolkitServiceCollectionExtensions
{
    /// <summary>
    /// Adds TcrToolkit: its validated <see cref="TcrToolkitOptions"/> (checked when the host starts), the resolved
    /// <see cref="TcrDeployment"/>, a JSON-RPC <see cref="RpcClient"/> for the configured node (decoding every
    /// TcrToolkit contract's errors), a <see cref="TcrToolkit.DependencyInjection.TcrConnectionProvider"/> that
    /// connects to the deployment on first use, and the <see cref="SaltVault"/>. Registrations are singletons and idempotent.
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
            return RpcClient.CreateHttp(
                options.RpcUrl!,
                new RpcClientOptions { RevertDecoder = TcrToolkit.TcrConnection.RevertDecoder },
                new HttpRpcTransportOptions { RequestTimeout = options.RequestTimeout });
        });
        services.TryAddSingleton<TcrToolkit.DependencyInjection.TcrConnectionProvider>();
        services.TryAddSingleton(provider => SaltVault.Open(Options(provider).SaltVaultPath, provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static TcrToolkitOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<TcrToolkitOptions>>().Value;
}
