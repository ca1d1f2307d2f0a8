using Microsoft.Extensions.DependencyInjection.Extensions;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Accounts;
using Nethereum.Web3;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Nethereum;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Lets TcrToolkit's services reach the node and sign through Nethereum objects.</summary>
public static class NethereumServiceCollectionExtensions
{
    /// <summary>
    /// Makes the TcrToolkit services added by <c>AddTcrToolkit</c> send through <paramref name="web3"/>'s client
    /// (<see cref="TcrToolkitOptions.Transport"/>; leave <c>RpcUrl</c> unset), and, when <paramref name="web3"/> has an
    /// account (<c>new Web3(account, url)</c>), registers that account as the <see cref="IAccountSigner"/> that
    /// <see cref="TcrToolkit.DependencyInjection.TcrConnectionProvider.GetAccountAsync"/> signs with.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddTcrToolkit(o => o.ManifestPath = "deployments/sepolia.json").UseNethereum(web3);
    /// var account = await provider.GetRequiredService&lt;TcrConnectionProvider&gt;().GetAccountAsync();
    /// </code>
    /// </example>
    public static IServiceCollection UseNethereum(this IServiceCollection services, IWeb3 web3)
    {
        ArgumentNullException.ThrowIfNull(web3);
        return services.UseNethereum(web3.Client, web3.TransactionManager?.Account);
    }

    /// <summary>
    /// Makes the TcrToolkit services send through <paramref name="client"/>, and registers <paramref name="account"/>
    /// (when given) as the <see cref="IAccountSigner"/>; see <see cref="UseNethereum(IServiceCollection, IWeb3)"/>.
    /// </summary>
    public static IServiceCollection UseNethereum(this IServiceCollection services, IClient client, IAccount? account = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(client);
        var transport = new NethereumRpcTransport(client);
        services.Configure<TcrToolkitOptions>(options => options.Transport = transport);
        if (account is not null)
        {
            services.TryAddSingleton(_ => account.ToAccountSigner());
        }

        return services;
    }
}
