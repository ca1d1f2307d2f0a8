using System.Text.Json;
using TcrToolkit.Deployment;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Cli.Tests.Deploy;

/// <summary>A Hardhat node that reports Sepolia's chain id (11155111), shared by the class; each test snapshots and reverts it.</summary>
public sealed class SepoliaNodeFixture : IAsyncLifetime
{
    public HardhatNode Node { get; private set; } = null!;

    public RpcClient Client { get; private set; } = null!;

    public string Url => Node.HttpEndpoint.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Node = await HardhatNode.StartAsync(TcrNetworks.Sepolia.ChainId);
        Client = RpcClient.CreateHttp(Node.HttpEndpoint);
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (Node is not null)
        {
            await Node.DisposeAsync();
        }
    }
}

/// <summary>
/// <c>tcr deploy</c> against a real node on a testnet's chain id, deploying from Hardhat's account 0
/// (<c>--account mnemonic:0</c>): the dry run, a deployment and its rerun, a chain-id mismatch, and bad input — each
/// failure one sentence, its exit code, and nothing sent.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeployCommandTests(SepoliaNodeFixture sepolia) : IClassFixture<SepoliaNodeFixture>, IAsyncLifetime
{
    private static readonly Address Deployer = Address.Parse(TcrProcess.HardhatAccount0);
    private TcrProcess Tcr { get; } = new();
    private LoopbackListener Listener { get; } = new();
    private string? _snapshot;

    private string SepoliaManifest => Path.Combine(Tcr.WorkingDirectory, "deployments", "sepolia.json");

    public async Task InitializeAsync() => _snapshot = await sepolia.Client.SnapshotAsync();

    public async Task DisposeAsync()
    {
        if (_snapshot is not null)
        {
            (await sepolia.Client.RevertToSnapshotAsync(_snapshot)).Should().BeTrue();
        }

        Listener.Dispose();
        Tcr.Dispose();
    }

    [Fact]
    public async Task DryRun_ReportsEachStepsGasAndCost_AndSendsNothing()
    {
        var nonce = await NonceAsync();

        var run = await DeployAsync(Sepolia(), "--dry-run", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        var plan = run.Json();
        plan.GetProperty("dryRun").GetBoolean().Should().BeTrue();
        plan.GetProperty("chainId").GetUInt64().Should().Be(11155111);
        plan.GetProperty("deployer").GetString().Should().Be(TcrProcess.HardhatAccount0);
        var steps = plan.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("step").GetString()).Should().Equal("token", "voting", "registry");
        steps.Should().AllSatisfy(s =>
        {
            s.GetProperty("status").GetString().Should().Be("to-do");
            s.GetProperty("estimatedGas").GetUInt64().Should().BeGreaterThan(100_000);
        });
        for (var i = 0; i < steps.Count; i++)
        {
            var predictedNonce = nonce + (ulong)i;
            steps[i].GetProperty("nonce").GetUInt64().Should().Be(predictedNonce);
            steps[i].GetProperty("address").GetString().Should().Be(ContractCode.CreateAddress(Deployer, predictedNonce).ToString());
        }

        plan.GetProperty("totalGas").GetUInt64().Should().Be(steps.Aggregate(0UL, (sum, s) => sum + s.GetProperty("estimatedGas").GetUInt64()));
        UInt256.Parse(plan.GetProperty("estimatedCost").GetString()!).Should().BeGreaterThan(UInt256.Zero);
        plan.GetProperty("hasEnoughFunds").GetBoolean().Should().BeTrue();
        plan.GetProperty("complete").GetBoolean().Should().BeFalse();
        (await NonceAsync()).Should().Be(nonce, "a dry run sends nothing");
        File.Exists(SepoliaManifest).Should().BeFalse();
    }

    [Fact]
    public async Task DryRun_ForPeople_ShowsTheTableAndTotals()
    {
        var run = await DeployAsync(Sepolia(), "--dry-run");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("nothing was sent").And.Contain("MailServerRegistry").And.Contain("Total gas").And.Contain("Estimated cost").And.Contain("enough");
        run.Stdout.Should().NotContain(sepolia.Url, "the RPC URL may carry a key");
    }

    [Fact]
    public async Task Deploy_WritesTheManifest_AndASecondRunDeploysNothing()
    {
        var nonce = await NonceAsync();

        var first = await DeployAsync(Sepolia());

        first.ExitCode.Should().Be(0, first.ToString());
        first.Stderr.Should().Contain("Deploy TcrToken: sent 0x").And.Contain("Deploy MailServerRegistry: mined in block");
        first.Stdout.Should().Contain("Deployed the TCR to sepolia (chain 11155111)");
        using (var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(SepoliaManifest)))
        {
            var root = manifest.RootElement;
            root.GetProperty("network").GetString().Should().Be("sepolia");
            root.GetProperty("chainId").GetUInt64().Should().Be(11155111);
            root.GetProperty("deployment").GetProperty("status").GetString().Should().Be("complete");
            var contracts = root.GetProperty("contracts");
            foreach (var name in new[] { "token", "voting", "registry", "governor" })
            {
                var address = Address.Parse(contracts.GetProperty(name).GetProperty("address").GetString()!);
                (await sepolia.Client.GetCodeAsync(address, BlockTag.Latest)).Should().NotBeEmpty("{0} is deployed", name);
                first.Stdout.Should().Contain(address.ToString());
            }

            contracts.GetProperty("registry").GetProperty("address").GetString().Should().Be(ContractCode.CreateAddress(Deployer, nonce + 2).ToString());
        }

        (await NonceAsync()).Should().Be(nonce + 3);

        var second = await DeployAsync(Sepolia(), "--json");

        second.ExitCode.Should().Be(0, second.ToString());
        var report = second.Json();
        report.GetProperty("deployed").GetInt32().Should().Be(0);
        report.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).Should().AllBe("already-deployed");
        (await NonceAsync()).Should().Be(nonce + 3, "the second run deploys nothing");
    }

    [Fact]
    public async Task Deploy_ToHoleskyPointedAtASepoliaNode_IsRefusedWithBothChainIds()
    {
        var nonce = await NonceAsync();
        var withSecret = sepolia.Url.Replace("http://", "http://deployer:s3cret@", StringComparison.Ordinal);

        var run = await DeployAsync(new Dictionary<string, string> { ["TCR_HOLESKY_RPC_URL"] = withSecret }, "--network", "holesky");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("11155111").And.Contain("17000").And.Contain("nothing was sent");
        run.Stderr.Should().NotContain("s3cret");
        (await NonceAsync()).Should().Be(nonce);
        File.Exists(Path.Combine(Tcr.WorkingDirectory, "deployments", "holesky.json")).Should().BeFalse();
    }

    [Fact]
    public async Task UnknownNetwork_ExitsConfigurationAndContactsNoNode()
    {
        var run = await DeployAsync([], "--network", "mainnet", "--rpc", Listener.Url);

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("Unknown network 'mainnet'").And.Contain("devnet, sepolia, holesky, hoodi");
        Listener.Connections.Should().Be(0);
    }

    [Fact]
    public async Task MissingRpcUrlVariable_NamesItAndSendsNothing()
    {
        var nonce = await NonceAsync();

        var run = await DeployAsync([], "--network", "sepolia");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("TCR_SEPOLIA_RPC_URL is not set");
        (await NonceAsync()).Should().Be(nonce);
        File.Exists(SepoliaManifest).Should().BeFalse();
    }

    [Fact]
    public async Task UnreachableNode_ExitsRpcUnavailable()
    {
        var run = await DeployAsync(new Dictionary<string, string> { ["TCR_SEPOLIA_RPC_URL"] = LoopbackPorts.ClosedHttpUrl() }, "--network", "sepolia");

        run.ExitCode.Should().Be(4, run.ToString());
        run.ErrorSentence().Should().Contain("Cannot reach the node");
        File.Exists(SepoliaManifest).Should().BeFalse();
    }

    [Fact]
    public async Task ConfigParameterOutOfBounds_NamesTheFieldAndContactsNoNode()
    {
        var config = Tcr.WriteFile("config.json", """{ "registry": { "voteQuorum": 101 } }""");

        var run = await DeployAsync(ListenerRpc(), "--config", config);

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("registry.voteQuorum is 101");
        Listener.Connections.Should().Be(0);
    }

    [Fact]
    public async Task ConfigFileMissing_SaysSoAndContactsNoNode()
    {
        var run = await DeployAsync(ListenerRpc(), "--config", "no-such-config.json");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("no-such-config.json does not exist");
        Listener.Connections.Should().Be(0);
    }

    [Fact]
    public async Task ConfigMalformedJson_SaysSoAndContactsNoNode()
    {
        var config = Tcr.WriteFile("config.json", """{ "registry": { "voteQuorum": """);

        var run = await DeployAsync(ListenerRpc(), "--config", config);

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("is not valid JSON");
        Listener.Connections.Should().Be(0);
    }

    private Dictionary<string, string> Sepolia() => new() { ["TCR_SEPOLIA_RPC_URL"] = sepolia.Url };

    private Dictionary<string, string> ListenerRpc() => new() { ["TCR_SEPOLIA_RPC_URL"] = Listener.Url };

    /// <summary>Runs <c>tcr deploy --account mnemonic:0</c> (sepolia unless the arguments say otherwise) with Hardhat's mnemonic.</summary>
    private Task<TcrRun> DeployAsync(Dictionary<string, string> env, params string[] args)
    {
        env["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic;
        var network = args.Contains("--network") ? [] : new[] { "--network", "sepolia" };
        return Tcr.RunAsync(["deploy", "--account", "mnemonic:0", .. network, .. args], env);
    }

    private Task<ulong> NonceAsync() => sepolia.Client.GetTransactionCountAsync(Deployer, BlockTag.Latest);
}
