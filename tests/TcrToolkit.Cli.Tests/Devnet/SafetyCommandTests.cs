using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// Sends that cannot double-spend, files that are refused rather than changed, and failures reported with their own
/// exit code: the defects a new user's session found by interrupting and misusing the CLI against the devnet.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // symlinks, file modes, SIGINT
public sealed class SafetyCommandTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    private const int Configuration = 3;
    private const int PreflightRefused = 5;
    private const int Cancelled = 130;
    private const string Recipient = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"; // Hardhat account 3

    [Fact]
    public async Task TokenTransfer_InterruptedWhileWaiting_PrintsHashAndNonceAndTheRerunDoesNotSendAgain()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var sender = library.Address(1);
        var recipient = Address.Parse(Recipient);
        var before = await library.Connection.GetFundsAsync(recipient, sender);
        var nonce = await library.NonceAsync(1);
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic };
        await SetAutomineAsync(false);
        try
        {
            // The transfer reaches the pool but is not mined: Ctrl-C while tcr waits for its receipt.
            var interrupted = await Tcr.RunInterruptedAsync(
                ["token", "transfer", Recipient, "7", "--account", "mnemonic:1"],
                env,
                async () => await Devnet.Client.GetTransactionCountAsync(sender, BlockTag.Pending) > nonce);

            interrupted.ExitCode.Should().Be(Cancelled, interrupted.ToString());
            var sentence = interrupted.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
            sentence.Should().StartWith("error: ");
            sentence.Should().MatchRegex("transaction 0x[0-9a-f]{64} \\(nonce " + nonce.ToString(CultureInfo.InvariantCulture) + "\\)");
            sentence.Should().Contain("may still be mined").And.Contain("--replace");

            var rerun = await Tcr.RunAsync(["token", "transfer", Recipient, "7", "--account", "mnemonic:1"], env);

            rerun.ExitCode.Should().Be(PreflightRefused, rerun.ToString());
            rerun.ErrorSentence().Should().Contain("waiting to be mined").And.Contain($"nonce {nonce}").And.Contain("--queue");
            (await Devnet.Client.GetTransactionCountAsync(sender, BlockTag.Pending)).Should().Be(nonce + 1, "the rerun sent nothing");
        }
        finally
        {
            await SetAutomineAsync(true);
        }

        await Devnet.Client.MineAsync();
        var after = await library.Connection.GetFundsAsync(recipient, sender);
        (after.Balance - before.Balance).Should().Be(EthUnits.ParseEther("7"), "one transfer of 7, not two");
    }

    [Fact]
    public async Task TokenTransfer_ReplaceAfterAnInterruption_MinesOnlyTheReplacement()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var sender = library.Address(1);
        var recipient = Address.Parse(Recipient);
        var before = await library.Connection.GetFundsAsync(recipient, sender);
        var nonce = await library.NonceAsync(1);
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic };
        await SetAutomineAsync(false);
        TcrRun replaced;
        try
        {
            var interrupted = await Tcr.RunInterruptedAsync(
                ["token", "transfer", Recipient, "7", "--account", "mnemonic:1"],
                env,
                async () => await Devnet.Client.GetTransactionCountAsync(sender, BlockTag.Pending) > nonce);
            var original = Bytes32.Parse(System.Text.RegularExpressions.Regex.Match(interrupted.Stderr, "transaction (0x[0-9a-f]{64}) \\(nonce").Groups[1].Value);

            // The replacement is sent with a higher fee and the same nonce, and evicts the original from the pool;
            // tcr then waits for its receipt, so mine once the original is gone.
            var replacing = Tcr.RunAsync(["token", "transfer", Recipient, "5", "--account", "mnemonic:1", "--replace", "--json"], env);
            var deadline = DateTime.UtcNow.AddSeconds(45);
            while (!replacing.IsCompleted && await IsKnownAsync(original) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            while (!replacing.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Devnet.Client.MineAsync();
                await Task.Delay(300);
            }

            replaced = await replacing;
        }
        finally
        {
            await SetAutomineAsync(true);
        }

        replaced.ExitCode.Should().Be(0, replaced.ToString());
        (await library.NonceAsync(1)).Should().Be(nonce + 1, "the replacement took the pending transaction's nonce");
        var after = await library.Connection.GetFundsAsync(recipient, sender);
        (after.Balance - before.Balance).Should().Be(EthUnits.ParseEther("5"), "only the replacement was mined");
    }

    [Fact]
    public async Task TokenTransfer_ReplaceWithNothingPending_SendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(1);

        var run = await RunAsync("token", "transfer", Recipient, "7", "--account", "mnemonic:1", "--replace");

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("no pending transaction to replace");
        (await library.NonceAsync(1)).Should().Be(nonce);
    }

    [Fact]
    public async Task Watch_InterruptedWithJson_StreamHoldsOnlyEventsAndNoTransactionTalk()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        await library.ApplyAsync();
        var clock = Stopwatch.StartNew();

        var run = await Tcr.RunInterruptedAsync(
            ["watch", "--from", library.DeploymentBlock.ToString(CultureInfo.InvariantCulture), "--json"],
            null,
            () => Task.FromResult(clock.Elapsed > TimeSpan.FromSeconds(6)));

        run.ExitCode.Should().Be(Cancelled, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().NotBeEmpty(run.ToString());
        lines.Should().OnlyContain(l => IsEventLine(l), "the NDJSON stream holds events only");
        run.Stderr.Should().Contain("stopped").And.NotContain("transaction").And.NotContain("error:");
    }

    [Fact]
    public async Task TokenTransfer_ToTheTokenContract_IsRefusedUnlessToContract()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var token = library.Connection.Token.ToString();
        var nonce = await library.NonceAsync(1);

        var refused = await RunAsync("token", "transfer", token, "7", "--account", "mnemonic:1");

        refused.ExitCode.Should().Be(PreflightRefused, refused.ToString());
        refused.ErrorSentence().Should().Contain("is a contract (the token itself)").And.Contain("--to-contract");
        (await library.NonceAsync(1)).Should().Be(nonce);
        await OkAsync("token", "transfer", token, "7", "--account", "mnemonic:1", "--to-contract");
    }

    [Fact]
    public async Task Manifest_RegistryAddressHoldsAnotherContract_SaysTheManifestIsWrong()
    {
        var manifest = DeploymentManifest.Parse(Devnet.ManifestJson);
        var wrong = Devnet.ManifestJson.Replace(manifest.Registry.Address.ToString(), manifest.Token!.Address.ToString(), StringComparison.OrdinalIgnoreCase);
        await File.WriteAllTextAsync(Path.Combine(Tcr.WorkingDirectory, ".devnet", "devnet.json"), wrong);

        var run = await RunAsync("listing", "list");

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("manifest is wrong").And.Contain("holds another contract");
    }

    [Fact]
    public async Task NewWalletWithoutEther_IsToldToFundItAndDevnetFundMakesItWork()
    {
        await OkWithEnvAsync(["wallet", "new", "fresh"], new Dictionary<string, string> { ["TCR_PASSWORD"] = "pw" });
        var env = new Dictionary<string, string> { ["TCR_PASSWORD"] = "pw" };

        var broke = await Tcr.RunAsync(["vote", "setup", "--account", "fresh"], env);

        broke.ExitCode.Should().Be(PreflightRefused, broke.ToString());
        broke.ErrorSentence().Should().Contain("has 0 ether").And.Contain("tcr devnet fund").And.NotContain("-32000");

        var funded = (await OkWithEnvAsync(["devnet", "fund", "--account", "fresh", "--json"], env)).Json();
        funded.GetProperty("etherFormatted").GetString().Should().Be("10");
        funded.GetProperty("tokensFormatted").GetString().Should().Be("1000");
        await OkWithEnvAsync(["vote", "setup", "--account", "fresh"], env);
    }

    [Fact]
    public async Task ListingDeposit_AboveTheRegistryMaximum_IsRefusedNotABug()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nodeId = await library.ApplyAsync();

        // 2^96 base units: one more than a listing can hold.
        var run = await RunAsync("listing", "deposit", nodeId.ToString(), "79228162514.264337593543950336", "--account", "mnemonic:1");

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("exceed what the registry can hold per entry");
    }

    [Fact]
    public async Task WebSocketRpcUrl_TheDevnetsWebSocket_Works()
    {
        var ws = (await Devnet.Host.StatusAsync()).State!.RpcUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal);

        var run = await OkAsync("listing", "list", "--rpc", ws, "--json");

        run.Json().GetProperty("listings").ValueKind.Should().Be(JsonValueKind.Array);
    }

    [Fact]
    public async Task VoteStatus_SaltVaultSymlink_IsRefusedAndTheTargetKeepsItsMode()
    {
        var target = Tcr.WriteFile("precious.txt", "keep me");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(target, mode);
        var link = Path.Combine(Tcr.Root, "salts.db");
        File.CreateSymbolicLink(link, target);

        var run = await RunAsync("vote", "status", "--account", "mnemonic:1", "--salt-vault", link);

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("is a symbolic link");
        File.GetUnixFileMode(target).Should().Be(mode);
    }

    [Fact]
    public async Task VoteStatus_NotSqliteVault_ExitsConfigurationNotABug()
    {
        var vault = Tcr.WriteFile("salts.db", "these are not salts, just text that is long enough");

        var run = await RunAsync("vote", "status", "--account", "mnemonic:1", "--salt-vault", vault);

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("not a SQLite file");
    }

    [Fact]
    public async Task VoteStatus_DeviceAsVault_IsRefusedAndLeftAlone()
    {
        var before = File.GetUnixFileMode("/dev/null");

        var run = await Tcr.RunAsync(
            ["vote", "status", "--account", "mnemonic:1"],
            new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic, ["TCR_SALT_VAULT"] = "/dev/null" });

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("is a device");
        File.GetUnixFileMode("/dev/null").Should().Be(before);
    }

    [Fact]
    public async Task VoteStatus_NoVaultYet_IsReadOnlyAndCreatesNothing()
    {
        var vault = Path.Combine(Tcr.Root, "new", "salts.db");

        await OkAsync("vote", "status", "--account", "mnemonic:1", "--salt-vault", vault);

        File.Exists(vault).Should().BeFalse();
        Directory.Exists(Path.GetDirectoryName(vault)).Should().BeFalse();
    }

    [Fact]
    public async Task VoteCommit_VaultOnAFileSystemThatRefusesWrites_ExitsConfigurationNotABug()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var (_, challenge) = await library.ApplyAndChallengeAsync();

        var run = await RunAsync("vote", "commit", challenge.ChallengeId.ToString(CultureInfo.InvariantCulture), "--uphold", "--account", "mnemonic:3", "--salt-vault", "/sys/tcr-salt-vault/salts.db");

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("cannot be created");
    }

    /// <summary>Every command, as its first example shows, against the live devnet with odd files in the environment.</summary>
    [Fact]
    public async Task EveryCommand_LiveNodeWithOddFiles_NeverExitsWithABug()
    {
        var notSqlite = Tcr.WriteFile("vault.db", new string('x', 64));
        var env = new Dictionary<string, string>
        {
            ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic,
            ["TCR_SALT_VAULT"] = notSqlite,
            ["TCR_SCRYPT"] = "junk",
            ["TCR_PASSWORD"] = "pw",
        };
        var failures = new List<string>();
        foreach (var command in Infrastructure.CommandCatalog.Create())
        {
            if (command.Noun == "devnet" && command.Verb is "up" or "down")
            {
                continue;
            }

            if (command.IsForeground)
            {
                continue; // they serve in the foreground until Ctrl-C; their own tests start and stop them
            }

            var args = HostileInputTests.ExampleArguments(command);
            if (command.Noun == "watch")
            {
                args = [.. args, "--no-follow"]; // the example follows the chain until Ctrl-C
            }

            var run = await Tcr.RunAsync(args, env);
            if (run.ExitCode == 1 || run.Stderr.Contains("bug in tcr", StringComparison.Ordinal))
            {
                failures.Add($"tcr {string.Join(' ', args)}: {run}");
            }
        }

        failures.Should().BeEmpty();
    }

    private async Task<TcrRun> OkWithEnvAsync(string[] args, Dictionary<string, string> env)
    {
        var run = await Tcr.RunAsync(args, env);
        run.ExitCode.Should().Be(0, "tcr {0} should succeed:\n{1}", string.Join(' ', args), run);
        return run;
    }

    private Task<bool> IsKnownAsync(Bytes32 transaction) =>
        Devnet.Client.SendAsync(() => new RpcCall<bool>(
            "eth_getTransactionByHash", w => w.WriteStringValue(transaction.ToString()), e => e.ValueKind != JsonValueKind.Null, isReadOnly: true));

    private static bool IsEventLine(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("event", out var _) && !document.RootElement.TryGetProperty("error", out var _);
    }

    private Task<bool> SetAutomineAsync(bool on) =>
        Devnet.Client.SendAsync(() => new RpcCall<bool>("evm_setAutomine", w => w.WriteBooleanValue(on), _ => true, isReadOnly: false));
}
