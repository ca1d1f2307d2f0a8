using TcrToolkit.Configuration;
using TcrToolkit.Deployment;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Tests.Events;
using Generated = TcrToolkit.Generated;

namespace TcrToolkit.Tests.Deployment;

/// <summary>Two Hardhat nodes: one on the devnet's chain id, one started with Sepolia's.</summary>
public sealed class DeploymentChainsFixture : IAsyncLifetime
{
    public HardhatNode Devnet { get; private set; } = null!;

    public HardhatNode Sepolia { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var devnet = HardhatNode.StartAsync();
        var sepolia = HardhatNode.StartAsync(TcrNetworks.Sepolia.ChainId);
        Devnet = await devnet;
        Sepolia = await sepolia;
    }

    public async Task DisposeAsync()
    {
        await Devnet.DisposeAsync();
        await Sepolia.DisposeAsync();
    }
}

/// <summary>Each test deploys from its own funded account of Hardhat's mnemonic, so no test sees another's nonces.</summary>
[Trait("Category", "Integration")]
public sealed class TcrDeployerTests(DeploymentChainsFixture chains) : IClassFixture<DeploymentChainsFixture>, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-deploy-").FullName;
    private readonly List<RpcClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static PrivateKey Account(int index)
    {
        using var wallet = HdWallet.FromMnemonic("test test test test test test test test test test test junk");
        return wallet.DeriveAccount(index);
    }

    private RpcClient Client(HardhatNode node)
    {
        var client = RpcClient.CreateHttp(node.HttpEndpoint);
        _clients.Add(client);
        return client;
    }

    private string Manifest(string name = "deployment") => Path.Combine(_directory, name + ".json");

    private static TcrDeployer Deployer(RpcClient client, TcrNetwork network, string manifest, DeploymentConfig? config = null) =>
        new(client, network, config ?? DeploymentConfig.Default, manifest, new TcrDeployerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });

    private static Task<ulong> NonceAsync(RpcClient client, Address account) => client.GetTransactionCountAsync(account, BlockTag.Latest);

    /// <summary>Reports synchronously (unlike <see cref="Progress{T}"/>), so a test can act at an exact point.</summary>
    private sealed class Recorder(Action<DeploymentProgress>? onReport = null) : IProgress<DeploymentProgress>
    {
        public List<DeploymentProgress> Reports { get; } = [];

        public void Report(DeploymentProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Fact]
    public async Task Deploy_ToNodeWithSepoliaChainId_DeploysEveryContractOnceAndWritesTheManifest()
    {
        var client = Client(chains.Sepolia);
        using var key = Account(1);
        var before = await NonceAsync(client, key.Address);
        var progress = new Recorder();

        var record = await Deployer(client, TcrNetworks.Sepolia, Manifest()).DeployAsync(key, progress);

        (await NonceAsync(client, key.Address)).Should().Be(before + 3);
        record.IsComplete.Should().BeTrue();
        record.ChainId.Should().Be(11155111UL);
        record.Token!.Address.Should().Be(ContractCode.CreateAddress(key.Address, before));
        record.Registry!.Nonce.Should().Be(before + 2);
        var manifest = DeploymentManifest.Load(Manifest());
        manifest.Should().Be(record.ToManifest());
        var registry = new Generated.MailServerRegistry(client, record.Registry.Address);
        (await registry.TokenAsync()).Should().Be(record.Token.Address);
        (await registry.VotingAsync()).Should().Be(record.Voting!.Address);
        (await registry.GovernorAsync()).Should().Be(record.Governor!.Address);
        (await registry.ParametersAsync()).MinDeposit.Should().Be(DeploymentConfig.Default.Registry.MinDeposit);
        progress.Reports.Select(r => (r.Kind, r.Step)).Should().Equal(
            (DeploymentProgressKind.Started, DeploymentStep.Token), (DeploymentProgressKind.Sent, DeploymentStep.Token), (DeploymentProgressKind.Confirmed, DeploymentStep.Token),
            (DeploymentProgressKind.Started, DeploymentStep.Voting), (DeploymentProgressKind.Sent, DeploymentStep.Voting), (DeploymentProgressKind.Confirmed, DeploymentStep.Voting),
            (DeploymentProgressKind.Started, DeploymentStep.Registry), (DeploymentProgressKind.Sent, DeploymentStep.Registry), (DeploymentProgressKind.Confirmed, DeploymentStep.Registry));
        progress.Reports.Where(r => r.Kind == DeploymentProgressKind.Confirmed).Should().OnlyContain(r => r.BlockNumber > 0 && r.GasUsed > 0 && r.TransactionHash != null);
    }

    [Fact]
    public async Task Deploy_NodeOnAnotherChain_RefusesBeforeSendingAnything()
    {
        var client = Client(chains.Devnet);
        using var key = Account(2);
        var before = await NonceAsync(client, key.Address);

        var deploy = () => Deployer(client, TcrNetworks.Sepolia, Manifest()).DeployAsync(key);

        (await deploy.Should().ThrowAsync<ChainIdMismatchException>())
            .Which.Message.Should().Match("The node at * is on chain 31337, but sepolia is chain 11155111; nothing was sent*");
        (await NonceAsync(client, key.Address)).Should().Be(before);
        File.Exists(Manifest()).Should().BeFalse();
    }

    [Fact]
    public async Task Plan_DryRun_SendsNothingAndEstimatesEveryStep()
    {
        var client = Client(chains.Devnet);
        using var key = Account(3);
        var before = await NonceAsync(client, key.Address);
        var deployer = Deployer(client, TcrNetworks.Devnet, Manifest());

        var plan = await deployer.PlanAsync(key.Address);

        (await NonceAsync(client, key.Address)).Should().Be(before);
        File.Exists(Manifest()).Should().BeFalse();
        plan.Steps.Select(s => s.Step).Should().Equal(DeploymentStep.Token, DeploymentStep.Voting, DeploymentStep.Registry);
        plan.Steps.Should().OnlyContain(s => s.Status == StepStatus.ToDo && s.EstimatedGas > 100_000);
        plan.Steps[0].EstimateMethod.Should().Be(GasEstimateMethod.EstimateGas);
        plan.TotalGas.Should().Be(plan.Steps.Aggregate(0UL, (sum, s) => sum + s.EstimatedGas!.Value));
        plan.EstimatedCost.Should().BeGreaterThan(UInt256.Zero);
        plan.MaxCost.Should().BeGreaterThanOrEqualTo(plan.EstimatedCost);
        plan.HasEnoughFunds.Should().BeTrue();

        var record = await deployer.DeployAsync(key);
        var progress = new Recorder();
        await deployer.DeployAsync(key, progress);
        record.Token!.Address.Should().Be(plan.Steps[0].Address);
        record.Voting!.Address.Should().Be(plan.Steps[1].Address);
        record.Registry!.Address.Should().Be(plan.Steps[2].Address);
        foreach (var (step, receipt) in plan.Steps.Zip(new[] { record.Token, record.Voting, record.Registry }))
        {
            var gasUsed = (await client.GetTransactionReceiptAsync(receipt.TransactionHash!.Value))!.GasUsed;
            ((double)step.EstimatedGas!.Value).Should().BeApproximately(gasUsed, gasUsed * 0.05, $"the {step.Contract} estimate should be close to the gas it used");
        }
    }

    [Fact]
    public async Task Deploy_CompleteManifest_SendsNothingAgain()
    {
        var client = Client(chains.Devnet);
        using var key = Account(4);
        var deployer = Deployer(client, TcrNetworks.Devnet, Manifest());
        var first = await deployer.DeployAsync(key);
        var after = await NonceAsync(client, key.Address);
        var progress = new Recorder();

        var second = await deployer.DeployAsync(key, progress);

        second.ToManifest().Should().Be(first.ToManifest());
        (await NonceAsync(client, key.Address)).Should().Be(after);
        progress.Reports.Should().OnlyContain(r => r.Kind == DeploymentProgressKind.AlreadyDeployed).And.HaveCount(3);
        (await deployer.PlanAsync(key.Address)).IsComplete.Should().BeTrue();
    }

    [Fact]
    public async Task Deploy_CancelledAfterTheFirstStep_ResumesWithoutDeployingItAgain()
    {
        var client = Client(chains.Devnet);
        using var key = Account(5);
        var before = await NonceAsync(client, key.Address);
        using var stop = new CancellationTokenSource();
        var interrupted = new Recorder(r =>
        {
            if (r is { Kind: DeploymentProgressKind.Confirmed, Step: DeploymentStep.Token })
            {
                stop.Cancel();
            }
        });

        var first = () => Deployer(client, TcrNetworks.Devnet, Manifest()).DeployAsync(key, interrupted, stop.Token);
        await first.Should().ThrowAsync<OperationCanceledException>();
        var halfway = DeploymentRecord.Load(Manifest());
        var resumed = new Recorder();
        var record = await Deployer(client, TcrNetworks.Devnet, Manifest()).DeployAsync(key, resumed);

        halfway.Token.Should().NotBeNull();
        halfway.Voting.Should().BeNull();
        record.Token.Should().Be(halfway.Token);
        (await NonceAsync(client, key.Address)).Should().Be(before + 3, "token, voting and registry are each deployed once");
        resumed.Reports.Should().ContainSingle(r => r.Kind == DeploymentProgressKind.AlreadyDeployed && r.Step == DeploymentStep.Token);
    }

    [Fact]
    public async Task Deploy_InterruptedBetweenSendAndReceipt_ResumesByLookingUpTheTransaction()
    {
        var client = Client(chains.Sepolia);
        using var key = Account(6);
        var before = await NonceAsync(client, key.Address);
        using var stop = new CancellationTokenSource();
        var first = () => Deployer(client, TcrNetworks.Sepolia, Manifest()).DeployAsync(key, StopAfterSendingVoting(client, stop), stop.Token);
        try
        {
            await first.Should().ThrowAsync<OperationCanceledException>();
        }
        finally
        {
            await SetAutomineAsync(client, true);
        }

        var halfway = DeploymentRecord.Load(Manifest());
        await client.MineAsync();
        var resumed = new Recorder();
        var record = await Deployer(client, TcrNetworks.Sepolia, Manifest()).DeployAsync(key, resumed);

        halfway.Pending.Should().NotBeNull();
        halfway.Pending!.Step.Should().Be(DeploymentStep.Voting);
        halfway.Pending.Nonce.Should().Be(before + 1);
        record.Voting!.Address.Should().Be(halfway.Pending.Address);
        record.Voting.TransactionHash.Should().Be(halfway.Pending.TransactionHash);
        record.Pending.Should().BeNull();
        resumed.Reports.Should().Contain(r => r.Kind == DeploymentProgressKind.Resumed && r.Step == DeploymentStep.Voting);
        (await NonceAsync(client, key.Address)).Should().Be(before + 3, "the voting contract is not deployed a second time");
    }

    [Fact]
    public async Task Deploy_RecordedButNeverSent_SendsTheSameTransactionAgain()
    {
        var client = Client(chains.Sepolia);
        using var key = Account(7);
        var before = await NonceAsync(client, key.Address);
        using var stop = new CancellationTokenSource();
        var first = () => Deployer(client, TcrNetworks.Sepolia, Manifest()).DeployAsync(key, StopAfterSendingVoting(client, stop), stop.Token);
        var halfway = (DeploymentRecord?)null;
        try
        {
            await first.Should().ThrowAsync<OperationCanceledException>();

            // As if the process died after recording the transaction and before the node saw it: drop it from the pool.
            halfway = DeploymentRecord.Load(Manifest());
            (await client.SendAsync(() => new RpcCall<bool>("hardhat_dropTransaction", w => w.WriteStringValue(halfway.Pending!.TransactionHash.ToString()), e => e.GetBoolean(), isReadOnly: false)))
                .Should().BeTrue();
        }
        finally
        {
            await SetAutomineAsync(client, true);
        }

        var resumed = new Recorder();
        var record = await Deployer(client, TcrNetworks.Sepolia, Manifest()).DeployAsync(key, resumed);

        record.Voting!.TransactionHash.Should().Be(halfway!.Pending!.TransactionHash);
        (await NonceAsync(client, key.Address)).Should().Be(before + 3);
    }

    [Fact]
    public async Task Deploy_ManifestOfAResetChain_IsAnErrorNotARedeployment()
    {
        var client = Client(chains.Devnet);
        using var key = Account(8);
        var before = await NonceAsync(client, key.Address);
        var stale = new DeploymentRecord
        {
            Network = "devnet",
            ChainId = 31337,
            Deployer = key.Address,
            InitialRegistryParameters = InitialRegistryParameters.Default,
            InitialGovernanceParameters = InitialGovernanceParameters.Default,
            TokenSettings = TokenSettings.Default,
            Token = new DeployedContract(ContractCode.CreateAddress(key.Address, 9_999), null, 1, null, 9_999),
        };
        await stale.SaveAsync(Manifest());

        var deploy = () => Deployer(client, TcrNetworks.Devnet, Manifest()).DeployAsync(key);

        (await deploy.Should().ThrowAsync<DeploymentMismatchException>())
            .Which.Message.Should().Match("The manifest * records the TcrToken at *, but chain 31337 has no code there (a reset devnet, or a manifest from another chain); nothing was redeployed*");
        (await NonceAsync(client, key.Address)).Should().Be(before);
    }

    [Fact]
    public async Task Deploy_ManifestStartedWithOtherParameters_IsRefused()
    {
        var client = Client(chains.Devnet);
        using var key = Account(9);
        var started = DeploymentConfig.Default with { Registry = InitialRegistryParameters.Default with { VoteQuorum = 20 } };
        await Deployer(client, TcrNetworks.Devnet, Manifest(), started).PlanAsync(key.Address);
        await (new DeploymentRecord
        {
            Network = "devnet", ChainId = 31337, Deployer = key.Address, TokenSettings = TokenSettings.Default,
            InitialRegistryParameters = started.Registry, InitialGovernanceParameters = started.Governance,
        }).SaveAsync(Manifest());

        var deploy = () => Deployer(client, TcrNetworks.Devnet, Manifest()).DeployAsync(key);

        await deploy.Should().ThrowAsync<DeploymentMismatchException>().WithMessage("*was started with other parameters than this configuration*");
    }

    [Fact]
    public async Task Deploy_WithExistingVotesToken_DeploysVotingAndRegistryOnly()
    {
        var client = Client(chains.Devnet);
        using var key = Account(10);
        var token = (await Deployer(client, TcrNetworks.Devnet, Manifest("first")).DeployAsync(key)).Token!.Address;
        var before = await NonceAsync(client, key.Address);
        var config = DeploymentConfig.Default with { ExistingToken = token };

        var plan = await Deployer(client, TcrNetworks.Devnet, Manifest(), config).PlanAsync(key.Address);
        var record = await Deployer(client, TcrNetworks.Devnet, Manifest(), config).DeployAsync(key);

        plan.Steps.Select(s => s.Status).Should().Equal(StepStatus.Done, StepStatus.ToDo, StepStatus.ToDo);
        record.Token!.Address.Should().Be(token);
        record.ExistingToken.Should().BeTrue();
        (await NonceAsync(client, key.Address)).Should().Be(before + 2);
    }

    [Fact]
    public async Task Plan_ExistingTokenWithoutVotes_NamesTheField()
    {
        var client = Client(chains.Devnet);
        using var key = Account(11);
        var config = DeploymentConfig.Default with { ExistingToken = Address.Parse("0x000000000000000000000000000000000000dEaD") };

        var plan = () => Deployer(client, TcrNetworks.Devnet, Manifest(), config).PlanAsync(key.Address);

        (await plan.Should().ThrowAsync<DeploymentConfigException>()).Which.Field.Should().Be("token.address");
    }

    /// <summary>
    /// Stops automining once the token is confirmed and cancels once the voting transaction is sent: the deployment
    /// stops between send and receipt, with the voting transaction in the node's pool.
    /// </summary>
    private static Recorder StopAfterSendingVoting(RpcClient client, CancellationTokenSource stop) => new(r =>
    {
        if (r is { Kind: DeploymentProgressKind.Confirmed, Step: DeploymentStep.Token })
        {
            SetAutomineAsync(client, false).GetAwaiter().GetResult();
        }
        else if (r is { Kind: DeploymentProgressKind.Sent, Step: DeploymentStep.Voting })
        {
            stop.Cancel();
        }
    });

    private static Task<bool> SetAutomineAsync(RpcClient client, bool on) =>
        client.SendAsync(() => new RpcCall<bool>("evm_setAutomine", w => w.WriteBooleanValue(on), _ => true, isReadOnly: false));

}
