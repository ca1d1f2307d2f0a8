using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;
using TcrToolkit.Registry;

namespace TcrToolkit;

/// <summary>
/// One TCR deployment on one chain, checked and resolved: the chain id agrees with the configuration, and the voting
/// contract, token and governor are known (from the manifest, or read from the registry). Reads need only this;
/// sending needs a <see cref="TcrAccount"/> made from it with <see cref="Account(PrivateKey, TransactionSenderOptions)"/> or <see cref="Account(IAccountSigner, TransactionSenderOptions)"/>.
/// </summary>
public sealed class TcrConnection
{
    private TcrConnection(RpcClient client, ulong chainId, Address registry, Address voting, Address token, Address governor)
    {
        Client = client;
        ChainId = chainId;
        Registry = registry;
        Voting = voting;
        Token = token;
        Governor = governor;
        RegistryContract = new MailServerRegistry(client, registry);
        VotingContract = new CommitRevealVoting(client, voting);
        TokenContract = new TcrToken(client, token);
        GovernorContract = new ParameterGovernor(client, governor);
    }

    /// <summary>Decodes the custom errors of every TcrToolkit contract (registry, voting, governor, token).</summary>
    public static RevertDecoder RevertDecoder { get; } = RevertDecoder.Combine(
        MailServerRegistry.RevertDecoder, CommitRevealVoting.RevertDecoder, ParameterGovernor.RevertDecoder, TcrToken.RevertDecoder);

    /// <summary>The JSON-RPC client.</summary>
    public RpcClient Client { get; }

    /// <summary>The chain the deployment lives on, as the node reports it.</summary>
    public ulong ChainId { get; }

    /// <summary>The registry.</summary>
    public Address Registry { get; }

    /// <summary>The voting contract shared by the registry and the governor.</summary>
    public Address Voting { get; }

    /// <summary>The ERC20Votes token of deposits, stakes and votes.</summary>
    public Address Token { get; }

    /// <summary>The parameter governor.</summary>
    public Address Governor { get; }

    internal MailServerRegistry RegistryContract { get; }

    internal CommitRevealVoting VotingContract { get; }

    internal TcrToken TokenContract { get; }

    internal ParameterGovernor GovernorContract { get; }

    /// <summary>
    /// Checks the node against <paramref name="deployment"/> and resolves the addresses it leaves out: the node's chain
    /// id must equal the deployment's (when it names one), and the registry must have code.
    /// </summary>
    /// <exception cref="TcrConfigurationException">The node is on another chain, or no registry is deployed at the address.</exception>
    /// <exception cref="RpcException">The node could not be reached or answered with an error.</exception>
    public static async Task<TcrConnection> ConnectAsync(RpcClient client, TcrDeployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(deployment);
        var chainId = await client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (deployment.ChainId is { } expected && expected != chainId)
        {
            throw new TcrConfigurationException(
                $"The node at {client.Transport.Endpoint} is on chain {chainId}, but the deployment is on chain {expected}; point the RPC URL at a node of chain {expected}.");
        }

        var code = await client.GetCodeAsync(deployment.Registry, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        if (code.Length == 0)
        {
            throw new TcrConfigurationException(
                $"No contract is deployed at the registry address {deployment.Registry} on chain {chainId}; check the address or the manifest (was the devnet restarted?).");
        }

        var registry = new MailServerRegistry(client, deployment.Registry);
        try
        {
            var voting = deployment.Voting ?? await registry.VotingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var token = deployment.Token ?? await registry.TokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var governor = deployment.Governor ?? await registry.GovernorAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new TcrConnection(client, chainId, deployment.Registry, voting, token, governor);
        }
        catch (Exception e) when (e is ContractRevertedException or AbiDecodingException)
        {
            throw new TcrConfigurationException(
                $"The contract at the registry address {deployment.Registry} on chain {chainId} does not answer as a registry (voting(), token(), governor()); check the address or the manifest, which is wrong.",
                e);
        }
    }

    /// <summary>
    /// Checks the node against <paramref name="manifest"/> as <see cref="ConnectAsync(RpcClient, TcrDeployment, CancellationToken)"/>
    /// does, and first that every contract whose code hash the manifest records has that code on chain: a manifest that
    /// points at another contract (a stale or edited file) is reported as wrong instead of as a call that reverts.
    /// </summary>
    /// <exception cref="TcrConfigurationException">The node is on another chain, or a contract is missing or has other code.</exception>
    /// <exception cref="RpcException">The node could not be reached or answered with an error.</exception>
    public static async Task<TcrConnection> ConnectAsync(RpcClient client, DeploymentManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(manifest);
        var deployment = new TcrDeployment(manifest.ChainId, manifest.Registry.Address, manifest.Voting?.Address, manifest.Token?.Address, manifest.Governor?.Address);
        if (await client.GetChainIdAsync(cancellationToken).ConfigureAwait(false) == manifest.ChainId)
        {
            (string Name, DeployedContract? Contract)[] recorded =
                [("registry", manifest.Registry), ("voting contract", manifest.Voting), ("token", manifest.Token), ("governor", manifest.Governor)];
            foreach (var (name, contract) in recorded)
            {
                if (contract?.CodeHash is not { } expected)
                {
                    continue;
                }

                var code = await client.GetCodeAsync(contract.Address, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
                if (code.Length > 0 && Deployment.ContractCode.Hash(code) != expected)
                {
                    throw new TcrConfigurationException(
                        $"The manifest is wrong: the {name} address {contract.Address} on chain {manifest.ChainId} holds another contract than the manifest records (code hash {Deployment.ContractCode.Hash(code)}, not {expected}); regenerate the manifest (`tcr deploy`, or `tcr devnet up` for the devnet) or fix its addresses.");
                }
            }
        }

        return await ConnectAsync(client, deployment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A signing account on this deployment. The account uses but does not own <paramref name="key"/>.</summary>
    public TcrAccount Account(PrivateKey key, TransactionSenderOptions? options = null) => new(this, key, options);

    /// <summary>
    /// A signing account on this deployment whose transactions and permits <paramref name="signer"/> signs (a remote or
    /// hardware signer; see <see cref="IAccountSigner"/>). The account uses but does not own the signer. Signatures
    /// that do not recover to the signer's address raise <see cref="SignerMismatchException"/> before anything is sent.
    /// </summary>
    public TcrAccount Account(IAccountSigner signer, TransactionSenderOptions? options = null) => new(this, signer, options);

    /// <summary>The latest block's timestamp: the "now" of every on-chain deadline.</summary>
    public async Task<DateTimeOffset> GetChainTimeAsync(CancellationToken cancellationToken = default)
    {
        var block = await Client.GetBlockAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcProtocolException("The node returned no latest block.", Client.Transport.Endpoint, "eth_getBlockByNumber");
        return DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp);
    }

    /// <summary>A token balance and the allowance <paramref name="owner"/> gave <paramref name="spender"/>.</summary>
    public async Task<Funds> GetFundsAsync(Address owner, Address spender, CancellationToken cancellationToken = default)
    {
        var balance = TokenContract.BalanceOfAsync(owner, cancellationToken: cancellationToken);
        var allowance = TokenContract.AllowanceAsync(owner, spender, cancellationToken: cancellationToken);
        return new Funds(await balance.ConfigureAwait(false), await allowance.ConfigureAwait(false));
    }
}
