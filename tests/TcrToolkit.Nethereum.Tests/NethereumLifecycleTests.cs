using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using TcrToolkit.Configuration;
using TcrToolkit.Deployment;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Events;
using TcrToolkit.Generated;
using TcrToolkit.Governance;
using TcrToolkit.Registry;
using TcrToolkit.Testing.Hardhat;
using TcrToolkit.Votes;
using RpcClient = TcrToolkit.Ethereum.Rpc.RpcClient;

namespace TcrToolkit.Nethereum.Tests;

/// <summary>One Hardhat node for the class; each test deploys its own registry from its own Hardhat accounts.</summary>
public sealed class HardhatChainFixture : IAsyncLifetime
{
    public HardhatNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await HardhatNode.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// The registry's lifecycle — deploy with our deployer, apply with a node proof (deposit by EIP-2612 permit), challenge,
/// commit and reveal votes, resolve, claim — through TcrToolkit's roles running over Nethereum objects only: the node is
/// reached through a Nethereum <see cref="IWeb3"/>'s client, and every participant signs with a Nethereum account or
/// external signer. The default deployment: minimum deposit 100 tokens, stages of 600 s, dispensation 50%, quorum 10%
/// of 10,000,000 tokens.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NethereumLifecycleTests(HardhatChainFixture chain) : IClassFixture<HardhatChainFixture>, IAsyncLifetime
{
    private const string HardhatMnemonic = "test test test test test test test test test test test junk";
    private static readonly TimeSpan Stage = TimeSpan.FromSeconds(601);
    private static readonly UInt256 Unit = EthUnits.ParseEther("1");
    private static readonly TransactionSenderOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(20), ReceiptTimeout = TimeSpan.FromSeconds(60) };

    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-nethereum-").FullName;
    private readonly List<IDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _owned.ForEach(d => d.Dispose());
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Lifecycle_RolesOverNethereumWeb3AndAccounts_UpholdsTheChallengeAndPaysAsTheRulesSay()
    {
        // Hardhat accounts 1 to 5: deployer, owner, challenger, upholder, rejecter; each a Nethereum Account.
        var accounts = Enumerable.Range(1, 5).Select(i => new Account(SecretHex(i), 31337)).ToArray();
        var web3 = new Web3(accounts[0], chain.Node.HttpEndpoint.ToString());

        var (nodeId, signatures) = await RunLifecycleAsync(
            web3,
            web3.TransactionManager.Account.ToAccountSigner(),
            connection => Task.FromResult(accounts[1..].Select(a => connection.Account(a, Fast)).ToArray()));

        nodeId.Should().NotBe(Bytes32.Zero);
        signatures.Should().Be(0, "Nethereum Accounts hold their key, which signs in place");
    }

    [Fact]
    public async Task Lifecycle_RolesOverIsolatedExternalSigners_SignEveryTransactionAndPermitThroughTheSigner()
    {
        // Hardhat accounts 6 to 10, each behind a Nethereum external signer that never exposes its key; the web3 has
        // no account at all.
        var signers = Enumerable.Range(6, 5).Select(i => new IsolatedExternalSigner(SecretHex(i))).ToArray();
        var web3 = new Web3(chain.Node.HttpEndpoint.ToString());
        var owner = new ExternalAccount(signers[1], 31337);
        await owner.InitialiseAsync();

        var (nodeId, _) = await RunLifecycleAsync(
            web3,
            await signers[0].ToAccountSignerAsync(),
            async connection =>
            [
                connection.Account(owner, Fast),
                await connection.AccountAsync(signers[2], Fast),
                await connection.AccountAsync(signers[3], Fast),
                await connection.AccountAsync(signers[4], Fast),
            ]);

        nodeId.Should().NotBe(Bytes32.Zero);
        // Deployer: 3 creations + 4 transfers; owner: apply with permit (1 transaction + 1 permit) and a proposal
        // (approve + propose); challenger: approve
        // + challenge + the status update that resolves it; voters: delegate, approve, commit, reveal (+ claim).
        signers[0].Signatures.Should().Be(3 + 4);
        signers[1].Signatures.Should().Be(4);
        signers[2].Signatures.Should().Be(3);
        signers[3].Signatures.Should().BeGreaterThanOrEqualTo(4);
    }

    [Fact]
    public async Task ExternalSigner_OfAnotherKey_IsRefusedBeforeAnythingIsSent()
    {
        var web3 = new Web3(chain.Node.HttpEndpoint.ToString());
        await using var client = web3.ToTcrRpcClient();
        var impostor = new ClaimingSigner(new IsolatedExternalSigner(SecretHex(11)), Address.Parse(new EthECKey(SecretHex(12)).GetPublicAddress()));
        var sender = new TransactionSender(client, impostor, Fast);
        var nonceBefore = await client.GetTransactionCountAsync(impostor.Address, BlockTag.Pending);

        var send = () => sender.SendAsync(new TransactionRequest { To = impostor.Address, Value = 1 });

        var refused = (await send.Should().ThrowAsync<SignerMismatchException>()).Which;
        refused.Expected.Should().Be(impostor.Address);
        refused.Recovered.Should().Be(Address.Parse(new EthECKey(SecretHex(11)).GetPublicAddress()));
        (await client.GetTransactionCountAsync(impostor.Address, BlockTag.Pending)).Should().Be(nonceBefore);
    }

    private async Task<(Bytes32 NodeId, int Unused)> RunLifecycleAsync(
        IWeb3 web3, IAccountSigner deployerSigner, Func<TcrConnection, Task<TcrAccount[]>> participants)
    {
        // Deploy with our deployer, through the Nethereum client.
        var manifestPath = Path.Combine(_directory, $"deployment-{deployerSigner.Address}.json");
        await using (var deployClient = web3.ToTcrRpcClient())
        {
            var deployer = new TcrDeployer(deployClient, TcrNetworks.Devnet, DeploymentConfig.Default, manifestPath, new TcrDeployerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
            (await deployer.DeployAsync(deployerSigner)).IsComplete.Should().BeTrue();
        }

        var connection = await web3.ConnectTcrAsync(DeploymentManifest.Load(manifestPath));
        connection.Client.Transport.Should().BeOfType<NethereumRpcTransport>();
        var treasury = new TokenAccount(connection.Account(deployerSigner, Fast));
        var accounts = await participants(connection);
        var (owner, challenger, upholderAccount, rejecterAccount) = (accounts[0], accounts[1], accounts[2], accounts[3]);
        foreach (var (account, tokens) in new[] { (owner, 1_000UL), (challenger, 1_000UL), (upholderAccount, 700_000UL), (rejecterAccount, 500_000UL) })
        {
            await treasury.TransferAsync(account.Address, Tokens(tokens));
        }

        var upholder = new TcrVoter(upholderAccount, Own(SaltVault.Open(Path.Combine(_directory, $"salts-{upholderAccount.Address}.db"))));
        var rejecter = new TcrVoter(rejecterAccount, Own(SaltVault.Open(Path.Combine(_directory, $"salts-{rejecterAccount.Address}.db"))));
        await upholder.SetUpAsync();
        await rejecter.SetUpAsync();

        // The mirror follows the registry through the Nethereum client too.
        await using var mirror = RegistryMirror.Open(connection.Client, new RegistryMirrorOptions
        {
            Registry = connection.Registry,
            DatabasePath = Path.Combine(_directory, $"mirror-{deployerSigner.Address}.db"),
            ConfirmationDepth = 0,
            Stream = new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(50), RetryDelay = TimeSpan.FromMilliseconds(50) },
        });
        using var stopMirror = new CancellationTokenSource();
        var following = Task.Run(() => mirror.RunAsync(stopMirror.Token));

        // The node machine's key is a Nethereum EthECKey; the toolkit signs the node proof with the same secret.
        using var nodeKey = EthECKey.GenerateKey().ToPrivateKey();
        var proof = await MailServerOperator.CreateNodeProofAsync(connection, nodeKey, owner.Address);
        var applied = await new MailServerOperator(owner).ApplyAsync(proof, Tokens(100), TokenFunding.Permit);
        applied.NodeId.Should().Be(nodeKey.PublicKey.NodeId);
        await mirror.WaitForCheckpointAsync(applied.Receipt.BlockNumber, TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(60));
        mirror.GetListing(applied.NodeId)!.Stage.Should().Be(MailServerRegistry.Stage.Applied);

        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(applied.NodeId, "spam relay"u8.ToArray());
        await upholder.CommitAsync(challenge.ChallengeId, VoteCommitment.Uphold);
        await rejecter.CommitAsync(challenge.ChallengeId, VoteCommitment.Reject);
        await connection.Client.IncreaseTimeAsync(Stage);
        await connection.Client.MineAsync();
        await upholder.RevealAsync(challenge.ChallengeId);
        await rejecter.RevealAsync(challenge.ChallengeId);
        await connection.Client.IncreaseTimeAsync(Stage);
        await connection.Client.MineAsync();

        var resolved = await new RegistryChallenger(challenger).UpdateStatusAsync(applied.NodeId);

        // 700k of 1.2M revealed votes uphold; quorum 1.2M >= 1M. The stake of 100: half to the challenger on top of
        // its stake back, half to the majority voters.
        resolved.Outcome.Should().Be(StatusOutcome.ChallengeSucceeded);
        resolved.WinnerReward.Should().Be(Tokens(150));
        (await new RegistryReader(connection).IsTrustedAsync(applied.NodeId)).Should().BeFalse();
        await mirror.WaitForCheckpointAsync(await connection.Client.GetBlockNumberAsync(), TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(60));
        mirror.GetListing(applied.NodeId).Should().BeNull("the mirror agrees: the listing was removed");
        (await TokenAccount.GetBalanceAsync(connection, challenger.Address)).Balance.Should().Be(Tokens(1_050));
        var claim = await upholder.ClaimRewardAsync(applied.NodeId, challenge.ChallengeId);
        claim.Amount.Should().Be(Tokens(50));

        // Pre-flight and typed errors work as over the toolkit's own transport.
        var losing = () => rejecter.ClaimRewardAsync(applied.NodeId, challenge.ChallengeId);
        (await losing.Should().ThrowAsync<ActionNotAllowedException>()).Which.Reason.Should().Contain("only the winning side is rewarded");

        // Governance: the owner proposes a new minimum deposit (the governor takes its 200-token deposit).
        var proposal = await new ParameterGovernance(owner).ProposeAsync(ParameterName.MinDeposit, Tokens(250));
        proposal.Status.Should().Be(ProposalStatus.Pending);

        await stopMirror.CancelAsync();
        await following.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return (applied.NodeId, 0);
    }

    private static UInt256 Tokens(ulong whole) => (UInt256)whole * Unit;

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static string SecretHex(int index)
    {
        using var wallet = HdWallet.FromMnemonic(HardhatMnemonic);
        using var key = wallet.DeriveAccount(index);
        var secret = new byte[PrivateKey.Size];
        key.ExportSecret(secret);
        return Hex.Encode(secret);
    }

    /// <summary>A signer that claims an address whose key it does not hold.</summary>
    private sealed class ClaimingSigner(IsolatedExternalSigner inner, Address claimed) : IAccountSigner
    {
        private readonly Lazy<Task<IAccountSigner>> _real = new(() => inner.ToAccountSignerAsync());

        public Address Address => claimed;

        public async ValueTask<Signature> SignTransactionAsync(Transaction transaction, CancellationToken cancellationToken = default) =>
            await (await _real.Value).SignTransactionAsync(transaction, cancellationToken);

        public async ValueTask<Signature> SignTypedDataAsync(Bytes32 domainSeparator, Bytes32 structHash, CancellationToken cancellationToken = default) =>
            await (await _real.Value).SignTypedDataAsync(domainSeparator, structHash, cancellationToken);
    }
}
