using TcrToolkit.Devnet;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// <c>tcr devnet up|status|down</c> end to end on a devnet of its own (not the shared fixture's), started by the CLI in
/// the test's working directory and always stopped afterwards.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DevnetLifecycleTests : IAsyncLifetime
{
    private TcrProcess Tcr { get; } = new();
    private readonly Dictionary<string, string> _mnemonic = new() { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic };

    private string StateDirectory => Path.Combine(Tcr.WorkingDirectory, ".devnet");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Whatever the test did, no node outlives it.
        await new DevnetHost(new DevnetOptions { StateDirectory = StateDirectory }).StopAsync();
        Tcr.Dispose();
    }

    [Fact]
    public async Task UpStatusUpDownDownStatus_StartsOnceStopsOnceAndOtherCommandsFollowIt()
    {
        var up = await OkAsync("devnet", "up", "--json");
        var started = up.Json();
        started.GetProperty("alreadyRunning").GetBoolean().Should().BeFalse();
        started.GetProperty("chainId").GetUInt64().Should().Be(31337);
        started.GetProperty("directory").GetString().Should().Be(StateDirectory);
        File.Exists(Path.Combine(StateDirectory, "devnet.json")).Should().BeTrue();
        File.Exists(Path.Combine(StateDirectory, "devnet.state.json")).Should().BeTrue();
        var registry = started.GetProperty("contracts").GetProperty("registry").GetString();
        var accounts = started.GetProperty("accounts").EnumerateArray().ToList();
        accounts.Should().HaveCount(6);
        accounts[0].GetProperty("role").GetString().Should().Be("deployer");
        accounts[1].GetProperty("address").GetString().Should().Be(TcrProcess.HardhatAccount1);
        accounts[1].GetProperty("tokensFormatted").GetString().Should().Be("1000000");

        var status = (await OkAsync("devnet", "status", "--json")).Json();
        status.GetProperty("running").GetBoolean().Should().BeTrue();
        status.GetProperty("chainId").GetUInt64().Should().Be(31337);
        status.GetProperty("blockNumber").GetUInt64().Should().BeGreaterThan(3);
        status.GetProperty("registry").GetString().Should().Be(registry);
        status.GetProperty("listingCount").GetString().Should().Be("0");

        var again = await OkAsync("devnet", "up");
        again.Stdout.Should().Contain("already running");
        again.Stdout.Should().Contain(registry);
        var againJson = (await OkAsync("devnet", "up", "--json")).Json();
        againJson.GetProperty("alreadyRunning").GetBoolean().Should().BeTrue();
        againJson.GetProperty("processId").GetInt32().Should().Be(started.GetProperty("processId").GetInt32());

        // Other commands find the devnet `up` wrote, with no --rpc or --manifest.
        var balance = (await OkAsync("token", "balance", "--account", "mnemonic:1", "--json")).Json();
        balance.GetProperty("formatted").GetString().Should().StartWith("1000000");

        var down = (await OkAsync("devnet", "down", "--json")).Json();
        down.GetProperty("stopped").GetBoolean().Should().BeTrue();
        File.Exists(Path.Combine(StateDirectory, "devnet.state.json")).Should().BeFalse();

        var downAgain = await OkAsync("devnet", "down");
        downAgain.Stdout.Should().Contain("No devnet is running");
        (await OkAsync("devnet", "down", "--json")).Json().GetProperty("stopped").GetBoolean().Should().BeFalse();

        var stopped = (await OkAsync("devnet", "status", "--json")).Json();
        stopped.GetProperty("running").GetBoolean().Should().BeFalse();
        stopped.GetProperty("message").GetString().Should().Contain("tcr devnet up");

        // The manifest is still there, but nothing answers at its URL: the error says the devnet is not running.
        var orphan = await Tcr.RunAsync(["token", "balance", "--account", "mnemonic:1"], _mnemonic);
        orphan.ExitCode.Should().Be(3, orphan.ToString());
        orphan.ErrorSentence().Should().StartWith("No devnet is running here").And.Contain("start one with `tcr devnet up`");
    }

    [Fact]
    public async Task Status_WithoutADevnet_SaysNoneRunsAndExitsZero()
    {
        var run = await OkAsync("devnet", "status");

        run.Stdout.Should().Contain("No devnet runs").And.Contain("tcr devnet up");
        Directory.Exists(StateDirectory).Should().BeFalse();
    }

    private async Task<TcrRun> OkAsync(params string[] args)
    {
        var run = await Tcr.RunAsync(args, _mnemonic);
        run.ExitCode.Should().Be(0, "tcr {0} should succeed:\n{1}", string.Join(' ', args), run);
        return run;
    }
}
