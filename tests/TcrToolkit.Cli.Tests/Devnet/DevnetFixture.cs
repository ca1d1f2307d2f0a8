using TcrToolkit.Devnet;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// One embedded devnet for the collection — a Hardhat node on a free loopback port with the TCR deployed and Hardhat's
/// accounts 1–5 funded (1,000,000 tokens each, self-delegated) — started with <see cref="DevnetHost"/>, as
/// <c>tcr devnet up</c> does, and stopped at the end.
/// </summary>
public sealed class DevnetFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-cli-devnet-").FullName;

    public DevnetHost Host { get; private set; } = null!;

    public RpcClient Client { get; private set; } = null!;

    /// <summary>The devnet manifest, with its <c>rpc</c> field.</summary>
    public string ManifestJson { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Host = new DevnetHost(new DevnetOptions { StateDirectory = Path.Combine(_directory, ".devnet"), RepositoryRoot = Repository.Root });
        var up = await Host.UpAsync();
        Client = RpcClient.CreateHttp(up.State.RpcUrl);
        ManifestJson = await File.ReadAllTextAsync(Host.ManifestPath);
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.StopAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class DevnetGroup : ICollectionFixture<DevnetFixture>
{
    public const string Name = "Devnet";
}

/// <summary>
/// Base of the tests that run tcr against the devnet: each test gets its own tcr home and working directory (with the
/// devnet's <c>.devnet/devnet.json</c>, so <c>--network devnet</c> finds it) and an <c>evm_snapshot</c> that is
/// restored afterwards, so no test sees another's transactions. Accounts are Hardhat's mnemonic:
/// <c>--account mnemonic:N</c>.
/// </summary>
[Collection(DevnetGroup.Name)]
[Trait("Category", "Integration")]
public abstract class DevnetTest(DevnetFixture devnet) : IAsyncLifetime
{
    private string? _snapshot;

    protected DevnetFixture Devnet => devnet;

    protected TcrProcess Tcr { get; } = new();

    public async Task InitializeAsync()
    {
        var state = Path.Combine(Tcr.WorkingDirectory, ".devnet");
        Directory.CreateDirectory(state);
        await File.WriteAllTextAsync(Path.Combine(state, "devnet.json"), devnet.ManifestJson);
        _snapshot = await devnet.Client.SnapshotAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_snapshot is not null)
        {
            (await devnet.Client.RevertToSnapshotAsync(_snapshot)).Should().BeTrue();
        }

        Tcr.Dispose();
    }

    /// <summary>Runs tcr with Hardhat's mnemonic in <c>TCR_MNEMONIC</c>.</summary>
    protected Task<TcrRun> RunAsync(params string[] args) =>
        Tcr.RunAsync(args, new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic }, null);

    /// <summary>Runs tcr and checks it succeeded; returns its --json document when asked for one.</summary>
    protected async Task<TcrRun> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        run.ExitCode.Should().Be(0, "tcr {0} should succeed:\n{1}", string.Join(' ', args), run);
        return run;
    }

    /// <summary>Moves the chain's clock (and mines a block).</summary>
    protected async Task IncreaseTimeAsync(TimeSpan delta)
    {
        await devnet.Client.IncreaseTimeAsync(delta);
        await devnet.Client.MineAsync();
    }
}
