using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Accounts;
using Nethereum.Signer;
using Nethereum.Web3;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum.Rpc;
using RpcClient = TcrToolkit.Ethereum.Rpc.RpcClient;

namespace TcrToolkit.Nethereum;

/// <summary>
/// Brings Nethereum objects into TcrToolkit: a JSON-RPC client over a <see cref="IWeb3"/> or <see cref="IClient"/>,
/// connections to a deployment, and accounts whose key is a Nethereum account, key or external signer. The role
/// services (<see cref="Registry.MailServerOperator"/>, <see cref="Registry.RegistryChallenger"/>,
/// <see cref="Votes.TcrVoter"/>, <see cref="Governance.ParameterGovernance"/>, <see cref="Registry.RegistryReader"/>,
/// <see cref="Events.RegistryMirror"/>) then run unchanged, with their pre-flight checks and typed errors.
/// </summary>
/// <example>
/// <code>
/// var web3 = new Web3(new Account(privateKeyHex), "http://127.0.0.1:8545");
/// var connection = await web3.ConnectTcrAsync(DeploymentManifest.Load("deployments/devnet.json"));
/// var account = connection.Account(web3.TransactionManager.Account);
/// await new MailServerOperator(account).ApplyAsync(nodeKey, deposit);
/// </code>
/// </example>
public static class TcrNethereum
{
    /// <summary>
    /// A TcrToolkit <see cref="RpcClient"/> that sends through <paramref name="client"/> (see
    /// <see cref="NethereumRpcTransport"/>) and decodes every TcrToolkit contract's errors. Disposing it leaves the
    /// Nethereum client alone.
    /// </summary>
    /// <param name="client">The Nethereum client.</param>
    /// <param name="options">Retry and decoding settings; by default the toolkit's, decoding its contracts' errors.</param>
    /// <param name="endpoint">How the endpoint appears in messages (no credentials).</param>
    public static RpcClient ToTcrRpcClient(this IClient client, RpcClientOptions? options = null, string? endpoint = null) =>
        new(new NethereumRpcTransport(client, endpoint), options ?? new RpcClientOptions { RevertDecoder = TcrConnection.RevertDecoder });

    /// <summary>A TcrToolkit <see cref="RpcClient"/> over <paramref name="web3"/>'s client (see <see cref="ToTcrRpcClient(IClient, RpcClientOptions?, string?)"/>).</summary>
    public static RpcClient ToTcrRpcClient(this IWeb3 web3, RpcClientOptions? options = null, string? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        return web3.Client.ToTcrRpcClient(options, endpoint);
    }

    /// <summary>
    /// Connects to a deployment through <paramref name="web3"/>'s client, with the checks of
    /// <see cref="TcrConnection.ConnectAsync(RpcClient, DeploymentManifest, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="TcrConfigurationException">The node does not serve the deployment.</exception>
    public static Task<TcrConnection> ConnectTcrAsync(this IWeb3 web3, DeploymentManifest manifest, CancellationToken cancellationToken = default) =>
        TcrConnection.ConnectAsync(web3.ToTcrRpcClient(), manifest, cancellationToken);

    /// <summary>
    /// Connects to a deployment through <paramref name="web3"/>'s client, with the checks of
    /// <see cref="TcrConnection.ConnectAsync(RpcClient, TcrDeployment, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="TcrConfigurationException">The node does not serve the deployment.</exception>
    public static Task<TcrConnection> ConnectTcrAsync(this IWeb3 web3, TcrDeployment deployment, CancellationToken cancellationToken = default) =>
        TcrConnection.ConnectAsync(web3.ToTcrRpcClient(), deployment, cancellationToken);

    /// <summary>A signing account on <paramref name="connection"/> whose key is <paramref name="account"/>'s (see <see cref="NethereumSigners.ToAccountSigner"/>).</summary>
    public static TcrAccount Account(this TcrConnection connection, IAccount account, TransactionSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Account(account.ToAccountSigner(), options);
    }

    /// <summary>A signing account on <paramref name="connection"/> that signs through <paramref name="signer"/> (remote or hardware).</summary>
    public static async Task<TcrAccount> AccountAsync(
        this TcrConnection connection, IEthExternalSigner signer, TransactionSenderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Account(await signer.ToAccountSignerAsync(cancellationToken).ConfigureAwait(false), options);
    }
}
