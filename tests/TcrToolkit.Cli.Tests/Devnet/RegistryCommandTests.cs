using System.Globalization;
using System.Text.Json;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// The operator's and curator's commands against the devnet (minimum deposit 100 tokens, every stage 600 s,
/// dispensation 50%, quorum 10% of 10,000,000, exit delay 600 s, exit window 3600 s). Hardhat mnemonic accounts 1–5 hold
/// 1,000,000 tokens each; account 7 has ether but no tokens.
/// </summary>
public sealed class RegistryCommandTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    private const int Usage = 2;
    private const int PreflightRefused = 5;
    private const int Wallet = 7;
    private const string HundredTokens = "100000000000000000000";
    private static readonly TimeSpan Stage = TimeSpan.FromSeconds(601);

    [Fact]
    public async Task OperatorAndCuratorLifecycle_ThroughCommandsOnly_ListsChallengesKeepsAndExits()
    {
        using var nodeKey = PrivateKey.Generate();
        var keyFile = WriteNodeKey(nodeKey);
        var nodeId = nodeKey.PublicKey.NodeId.ToString();

        var applied = (await OkAsync("listing", "apply", "--node-key", keyFile, "--account", "mnemonic:1", "--json")).Json();
        applied.GetProperty("nodeId").GetString().Should().Be(nodeId);
        applied.GetProperty("owner").GetString().Should().Be(TcrProcess.HardhatAccount1);
        applied.GetProperty("deposit").GetString().Should().Be(HundredTokens, "the deposit defaults to the minimum");
        applied.GetProperty("transactionHash").GetString().Should().StartWith("0x").And.HaveLength(66);

        var listed = (await OkAsync("listing", "list", "--json")).Json();
        listed.GetProperty("source").GetString().Should().Be("entries");
        var row = listed.GetProperty("listings").EnumerateArray().Single(r => r.GetProperty("nodeId").GetString() == nodeId);
        row.GetProperty("stage").GetString().Should().Be("applied");
        row.GetProperty("status").GetString().Should().Be("applied, challengeable");
        row.GetProperty("nextDeadline").GetUInt64().Should().Be(applied.GetProperty("applicationEnd").GetUInt64());
        (await OkAsync("listing", "list", "--trusted", "--json")).Json().GetProperty("listings").EnumerateArray()
            .Should().NotContain(r => r.GetProperty("nodeId").GetString() == nodeId, "an application is not trusted yet");

        await IncreaseTimeAsync(Stage);
        var resolved = (await OkAsync("challenge", "resolve", nodeId, "--account", "mnemonic:3", "--json")).Json();
        resolved.GetProperty("updated")[0].GetProperty("outcome").GetString().Should().Be("listed");
        resolved.GetProperty("transactionHash").GetString().Should().StartWith("0x");

        var shown = (await OkAsync("listing", "show", nodeId, "--account", "mnemonic:1", "--json")).Json();
        shown.GetProperty("stage").GetString().Should().Be("listed");
        shown.GetProperty("trusted").GetBoolean().Should().BeTrue();
        shown.GetProperty("account").GetString().Should().Be(TcrProcess.HardhatAccount1);
        Action(shown, "init-exit").GetProperty("allowed").GetBoolean().Should().BeTrue();
        Action(shown, "withdraw").GetProperty("allowed").GetBoolean().Should().BeFalse();
        Action(shown, "withdraw").GetProperty("reason").GetString().Should().Contain("only 0 tokens can be withdrawn");
        Action(shown, "update-status").GetProperty("blocker").GetString().Should().Be("state");

        (await OkAsync("listing", "deposit", nodeId, "50", "--account", "mnemonic:1", "--json")).Json()
            .GetProperty("depositFormatted").GetString().Should().Be("150");
        var withdrawn = (await OkAsync("listing", "withdraw", nodeId, "--all", "--account", "mnemonic:1", "--json")).Json();
        withdrawn.GetProperty("amountFormatted").GetString().Should().Be("50");
        withdrawn.GetProperty("deposit").GetString().Should().Be(HundredTokens);

        var opened = (await OkAsync("challenge", "open", nodeId, "--evidence", "open relay", "--account", "mnemonic:2", "--json")).Json();
        var challengeId = opened.GetProperty("challengeId").GetUInt64();
        challengeId.Should().BeGreaterThan(0);
        opened.GetProperty("removedAtOnce").GetBoolean().Should().BeFalse();
        opened.GetProperty("stake").GetString().Should().Be(HundredTokens);
        opened.GetProperty("revealEnd").GetUInt64().Should().Be(opened.GetProperty("commitEnd").GetUInt64() + 600);

        var challenge = (await OkAsync("challenge", "show", nodeId, "--json")).Json();
        challenge.GetProperty("challengeId").GetUInt64().Should().Be(challengeId);
        challenge.GetProperty("challenger").GetString().Should().Be(Account(2).ToString());
        challenge.GetProperty("status").GetString().Should().Be("open");
        challenge.GetProperty("stage").GetString().Should().Be("commit");
        challenge.GetProperty("amountIs").GetString().Should().Be("stake");
        challenge.GetProperty("quorumPercent").GetInt32().Should().Be(10);
        var challenged = (await OkAsync("listing", "show", nodeId, "--json")).Json();
        challenged.GetProperty("challengeId").GetUInt64().Should().Be(challengeId);
        challenged.GetProperty("status").GetString().Should().Be("challenged, votes being committed");
        challenged.GetProperty("nextDeadline").GetUInt64().Should().Be(opened.GetProperty("commitEnd").GetUInt64());

        // Nobody votes: the vote ends below quorum, the challenge fails, the owner keeps the listing and the whole stake.
        await IncreaseTimeAsync(Stage + Stage);
        var failed = (await OkAsync("challenge", "resolve", nodeId, "--account", "mnemonic:2", "--json")).Json().GetProperty("updated")[0];
        failed.GetProperty("outcome").GetString().Should().Be("challenge-failed");
        failed.GetProperty("challengeId").GetUInt64().Should().Be(challengeId);
        failed.GetProperty("winnerRewardFormatted").GetString().Should().Be("100");
        failed.GetProperty("voterRewardPool").GetString().Should().Be("0");
        var kept = (await OkAsync("listing", "show", nodeId, "--json")).Json();
        kept.GetProperty("stage").GetString().Should().Be("listed");
        kept.GetProperty("depositFormatted").GetString().Should().Be("200");
        var past = (await OkAsync("challenge", "show", nodeId, "--id", challengeId.ToString(CultureInfo.InvariantCulture), "--account", "mnemonic:2", "--json")).Json();
        past.GetProperty("status").GetString().Should().Be("failed");
        past.GetProperty("quorumReached").GetBoolean().Should().BeFalse();
        past.GetProperty("voter").GetProperty("vote").GetString().Should().Be("none");
        past.GetProperty("voter").GetProperty("canClaim").GetBoolean().Should().BeFalse();

        var exit = (await OkAsync("listing", "exit", nodeId, "--account", "mnemonic:1", "--json")).Json();
        exit.GetProperty("finalized").GetBoolean().Should().BeFalse();
        exit.GetProperty("exitEnd").GetUInt64().Should().Be(exit.GetProperty("exitStart").GetUInt64() + 3600);
        var early = await RunAsync("listing", "exit", nodeId, "--finalize", "--account", "mnemonic:1");
        early.ExitCode.Should().Be(PreflightRefused, early.ToString());
        early.ErrorSentence().Should().Contain("The exit window opens at " + Time(exit.GetProperty("exitStart").GetUInt64()));
        (await OkAsync("listing", "status", nodeId, "--json")).Json()[0].GetProperty("status").GetString().Should().Be("exiting, waiting for the exit window");

        await IncreaseTimeAsync(Stage);
        var before = await BalanceAsync(Account(1));
        var finalized = (await OkAsync("listing", "exit", nodeId, "--finalize", "--account", "mnemonic:1", "--json")).Json();
        finalized.GetProperty("finalized").GetBoolean().Should().BeTrue();
        finalized.GetProperty("returnedFormatted").GetString().Should().Be("200");
        (await BalanceAsync(Account(1))).Should().Be(before + Tokens(200));
        var gone = (await OkAsync("listing", "status", nodeId, "--json")).Json()[0];
        gone.GetProperty("trusted").GetBoolean().Should().BeFalse();
        gone.GetProperty("status").GetString().Should().Be("absent");
    }

    [Fact]
    public async Task ListingProof_SignedOnTheNodesMachine_AppliesFromTheApplicant_AndIsRefusedFromAnotherAccount()
    {
        using var nodeKey = PrivateKey.Generate();
        var keyFile = WriteNodeKey(nodeKey, prefix: false);
        var proofFile = Path.Combine(Tcr.Root, "proof.json");

        // The node's machine: only the node key and the applicant's address, no account.
        var signed = (await OkAsync("listing", "proof", "--node-key", keyFile, "--applicant", TcrProcess.HardhatAccount1, "--valid-for", "30m", "--out", proofFile, "--json")).Json();
        signed.GetProperty("nodeId").GetString().Should().Be(nodeKey.PublicKey.NodeId.ToString());
        signed.GetProperty("file").GetString().Should().Be(proofFile);
        File.ReadAllText(proofFile).Should().NotContain(SecretHex(nodeKey));
        var stdout = await OkAsync("listing", "proof", "--node-key", keyFile, "--applicant", TcrProcess.HardhatAccount1);
        JsonDocument.Parse(stdout.Stdout).RootElement.GetProperty("applicant").GetString().Should().Be(TcrProcess.HardhatAccount1, "without --out the proof itself is stdout");

        var foreign = await NothingSentAsync(Account(4), () => RunAsync("listing", "apply", "--proof", proofFile, "--account", "mnemonic:4"));
        foreign.ExitCode.Should().Be(PreflightRefused, foreign.ToString());
        foreign.ErrorSentence().Should().Contain($"names applicant {TcrProcess.HardhatAccount1}");

        var applied = (await OkAsync("listing", "apply", "--proof", proofFile, "--deposit", "120", "--account", "mnemonic:1", "--json")).Json();
        applied.GetProperty("nodeId").GetString().Should().Be(nodeKey.PublicKey.NodeId.ToString());
        applied.GetProperty("depositFormatted").GetString().Should().Be("120");

        var again = await NothingSentAsync(Account(4), () => RunAsync("listing", "apply", "--proof", proofFile, "--account", "mnemonic:4"));
        again.ExitCode.Should().Be(PreflightRefused, again.ToString());
        again.ErrorSentence().Should().Contain("already an application");
    }

    [Fact]
    public async Task ListingApply_ForgedProof_IsRefusedAndSendsNothing()
    {
        using var nodeKey = PrivateKey.Generate();
        using var impostor = PrivateKey.Generate();
        var proofFile = Path.Combine(Tcr.Root, "proof.json");
        await OkAsync("listing", "proof", "--node-key", WriteNodeKey(impostor), "--applicant", TcrProcess.HardhatAccount1, "--out", proofFile);
        // The impostor's signature presented for another node's id.
        var forged = File.ReadAllText(proofFile).Replace(impostor.PublicKey.NodeId.ToString(), nodeKey.PublicKey.NodeId.ToString(), StringComparison.Ordinal);
        File.WriteAllText(proofFile, forged);

        var run = await NothingSentAsync(Account(1), () => RunAsync("listing", "apply", "--proof", proofFile, "--account", "mnemonic:1"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("signature was not made by the key of node");
    }

    [Fact]
    public async Task ListingApply_NodeKeyFileMissing_ExitsWalletAndSendsNothing()
    {
        var run = await NothingSentAsync(Account(1), () => RunAsync("listing", "apply", "--node-key", Path.Combine(Tcr.Root, "absent.key"), "--account", "mnemonic:1"));

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().Contain("Cannot read the node key file").And.Contain("absent.key");
    }

    [Fact]
    public async Task ListingApply_NodeKeyFileMalformed_ExitsUsageWithoutQuotingTheFile()
    {
        var file = Tcr.WriteFile("nodekey", "0x1234abcd-not-a-key\n");

        var run = await NothingSentAsync(Account(1), () => RunAsync("listing", "apply", "--node-key", file, "--account", "mnemonic:1"));

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("does not hold a secp256k1 private key").And.NotContain("1234abcd");
    }

    [Fact]
    public async Task ListingApply_DepositBelowMinimum_IsRefusedAndSendsNothing()
    {
        using var nodeKey = PrivateKey.Generate();

        var run = await NothingSentAsync(Account(1), () => RunAsync("listing", "apply", "--node-key", WriteNodeKey(nodeKey), "--deposit", "99.5", "--account", "mnemonic:1"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("The deposit 99.5 tokens is below the minimum deposit 100 tokens");
    }

    [Fact]
    public async Task ListingApply_AccountWithoutTokens_IsRefusedAndSendsNothing()
    {
        using var nodeKey = PrivateKey.Generate();

        var run = await NothingSentAsync(Account(7), () => RunAsync("listing", "apply", "--node-key", WriteNodeKey(nodeKey), "--account", "mnemonic:7"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("the account holds 0 tokens").And.Contain("get 100 tokens more");
    }

    [Fact]
    public async Task ListingWithdraw_MoreThanAllowed_IsRefusedAndSendsNothing()
    {
        var nodeId = await ApplyAsync(1, "130");

        var run = await NothingSentAsync(Account(1), () => RunAsync("listing", "withdraw", nodeId, "31", "--account", "mnemonic:1"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("Only 30 tokens can be withdrawn");
    }

    [Fact]
    public async Task ListingExit_ByANonOwner_IsRefusedAndSendsNothing()
    {
        var nodeId = await ApplyAsync(1);
        await IncreaseTimeAsync(Stage);
        await OkAsync("challenge", "resolve", nodeId, "--account", "mnemonic:1");

        var run = await NothingSentAsync(Account(2), () => RunAsync("listing", "exit", nodeId, "--account", "mnemonic:2"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain($"belongs to {TcrProcess.HardhatAccount1}");
    }

    [Fact]
    public async Task ChallengeOpen_AbsentNode_IsRefusedAndSendsNothing()
    {
        using var nodeKey = PrivateKey.Generate();

        var run = await NothingSentAsync(Account(2), () => RunAsync("challenge", "open", nodeKey.PublicKey.NodeId.ToString(), "--account", "mnemonic:2"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("is not in the registry");
    }

    [Fact]
    public async Task ChallengeOpen_Twice_RefusesTheSecondAndSendsNothing()
    {
        var nodeId = await ApplyAsync(1);
        var first = (await OkAsync("challenge", "open", nodeId, "--account", "mnemonic:2", "--json")).Json().GetProperty("challengeId").GetUInt64();

        var run = await NothingSentAsync(Account(3), () => RunAsync("challenge", "open", nodeId, "--account", "mnemonic:3"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain($"already challenged (challenge {first})");
    }

    [Fact]
    public async Task ChallengeResolve_TooEarly_IsRefusedWithTheInstant()
    {
        var applied = (await OkAsync("listing", "apply", "--node-key", WriteNodeKey(PrivateKey.Generate()), "--account", "mnemonic:1", "--json")).Json();
        var nodeId = applied.GetProperty("nodeId").GetString()!;

        var run = await NothingSentAsync(Account(3), () => RunAsync("challenge", "resolve", nodeId, "--account", "mnemonic:3"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("The application stage ends at " + Time(applied.GetProperty("applicationEnd").GetUInt64()));
    }

    [Fact]
    public async Task ChallengeResolve_Several_UpdatesTheReadyOnesAndSkipsTheOthersWithTheReason()
    {
        var ready = await ApplyAsync(1);
        await IncreaseTimeAsync(Stage);
        var waiting = await ApplyAsync(2);
        using var absentKey = PrivateKey.Generate();

        var result = (await OkAsync("challenge", "resolve", ready, waiting, absentKey.PublicKey.NodeId.ToString(), "--account", "mnemonic:3", "--json")).Json();

        result.GetProperty("updated").EnumerateArray().Select(u => (u.GetProperty("nodeId").GetString(), u.GetProperty("outcome").GetString()))
            .Should().Equal((ready, "listed"));
        var skipped = result.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("nodeId").GetString()!, s => s.GetProperty("reason").GetString()!);
        skipped[waiting].Should().Contain("the application stage ends at");
        skipped[absentKey.PublicKey.NodeId.ToString()].Should().Contain("nothing to update");
    }

    [Fact]
    public async Task ChallengeClaim_WinningVoter_ClaimsOnce_AndNothingToClaimOrTwiceIsRefused()
    {
        var nodeId = await ApplyAsync(1);
        var challengeId = (await OkAsync("challenge", "open", nodeId, "--account", "mnemonic:2", "--json")).Json().GetProperty("challengeId").GetUInt64();
        // Votes are the vote commands' business; here the service layer casts them (accounts 3 and 4 reject).
        var connection = await TcrConnection.ConnectAsync(Devnet.Client, Deployment());
        using var vault = SaltVault.Open(Path.Combine(Tcr.Root, "salts.db"));
        using var key3 = Key(3);
        using var key4 = Key(4);
        var voters = new[] { new TcrVoter(connection.Account(key3), vault), new TcrVoter(connection.Account(key4), vault) };
        foreach (var voter in voters)
        {
            await voter.CommitAsync(challengeId, VoteCommitment.Reject);
        }

        await IncreaseTimeAsync(Stage);
        foreach (var voter in voters)
        {
            await voter.RevealAsync(challengeId);
        }

        await IncreaseTimeAsync(Stage);
        var failed = (await OkAsync("challenge", "resolve", nodeId, "--account", "mnemonic:2", "--json")).Json().GetProperty("updated")[0];
        failed.GetProperty("outcome").GetString().Should().Be("challenge-failed");
        failed.GetProperty("voterRewardPoolFormatted").GetString().Should().Be("50");
        var id = challengeId.ToString(CultureInfo.InvariantCulture);
        var shown = (await OkAsync("challenge", "show", nodeId, "--id", id, "--account", "mnemonic:3", "--json")).Json();
        shown.GetProperty("amountIs").GetString().Should().Be("reward-pool");
        shown.GetProperty("quorumReached").GetBoolean().Should().BeTrue();
        shown.GetProperty("voter").GetProperty("vote").GetString().Should().Be("revealed");
        shown.GetProperty("voter").GetProperty("option").GetInt32().Should().Be(0);
        shown.GetProperty("voter").GetProperty("rewardFormatted").GetString().Should().Be("25");

        var nothing = await NothingSentAsync(Account(2), () => RunAsync("challenge", "claim", nodeId, id, "--account", "mnemonic:2"));
        nothing.ExitCode.Should().Be(PreflightRefused, nothing.ToString());
        nothing.ErrorSentence().Should().Contain("did not reveal a vote");

        var before = await BalanceAsync(Account(3));
        var claimed = (await OkAsync("challenge", "claim", $"{nodeId}:{id}", "--account", "mnemonic:3", "--json")).Json();
        claimed.GetProperty("claimedFormatted").GetString().Should().Be("25");
        (await BalanceAsync(Account(3))).Should().Be(before + Tokens(25));

        var twice = await NothingSentAsync(Account(3), () => RunAsync("challenge", "claim", nodeId, id, "--account", "mnemonic:3"));
        twice.ExitCode.Should().Be(PreflightRefused, twice.ToString());
        twice.ErrorSentence().Should().Contain("was already claimed");
    }

    [Fact]
    public async Task TokenCommands_TransferApproveDelegate_MoveTokensAllowancesAndVotes()
    {
        var account7 = Account(7);

        (await OkAsync("token", "transfer", account7.ToString(), "250", "--account", "mnemonic:1", "--json")).Json()
            .GetProperty("amount").GetString().Should().Be("250000000000000000000");
        (await OkAsync("token", "approve", "registry", "40", "--account", "mnemonic:7", "--json")).Json()
            .GetProperty("to").GetString().Should().Be(Deployment().Registry.ToString());
        var delegated = (await OkAsync("token", "delegate", "--self", "--account", "mnemonic:7", "--json")).Json();

        delegated.GetProperty("delegate").GetString().Should().Be(account7.ToString());
        delegated.GetProperty("votesFormatted").GetString().Should().Be("250");
        var connection = await TcrConnection.ConnectAsync(Devnet.Client, Deployment());
        var balance = await TokenAccount.GetBalanceAsync(connection, account7);
        balance.Balance.Should().Be(Tokens(250));
        balance.RegistryAllowance.Should().Be(Tokens(40));
    }

    [Fact]
    public async Task HumanOutput_ShowListStatusAndChallengeShow_GiveStatusDeadlinesAndActions()
    {
        var nodeId = await ApplyAsync(1);
        await OkAsync("challenge", "open", nodeId, "--account", "mnemonic:2");

        var show = await OkAsync("listing", "show", nodeId, "--account", "mnemonic:1");
        var list = await OkAsync("listing", "list");
        var status = await OkAsync("listing", "status", nodeId);
        var challenge = await OkAsync("challenge", "show", nodeId, "--account", "mnemonic:3");

        show.Stdout.Should().Contain("challenged, votes being committed").And.Contain("Commit end").And.Contain("update-status")
            .And.Contain("resolve it after that").And.Contain($"Action (for {TcrProcess.HardhatAccount1})");
        list.Stdout.Should().Contain(nodeId).And.Contain("challenged, votes being committed").And.Contain("1 present entries");
        status.Stdout.Trim().Should().Be($"{nodeId}  not trusted  challenged, votes being committed");
        challenge.Stdout.Should().Contain("open, commit stage").And.Contain("Your vote").And.Contain("not resolved");
    }

    [Fact]
    public async Task TokenTransfer_ToTheZeroAddress_IsRefusedAndSendsNothing()
    {
        var run = await NothingSentAsync(Account(1), () => RunAsync("token", "transfer", "0x0000000000000000000000000000000000000000", "5", "--account", "mnemonic:1"));

        run.ExitCode.Should().Be(PreflightRefused, run.ToString());
        run.ErrorSentence().Should().Contain("zero address");
    }

    [Theory]
    [InlineData("listing", "deposit", "0x1234", "5")]
    [InlineData("challenge", "open", "0xnot-a-node-id")]
    [InlineData("challenge", "claim", "0x1234:7")]
    public async Task MalformedNodeId_ExitsUsageAndSendsNothing(params string[] args)
    {
        var run = await NothingSentAsync(Account(1), () => RunAsync([.. args, "--account", "mnemonic:1"]));

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("is not a node id");
    }

    [Theory]
    [InlineData("token", "transfer", "0x12345", "5")]
    [InlineData("token", "approve", "0x12345", "5")]
    [InlineData("listing", "proof", "--node-key", "nodekey", "--applicant", "0x12345")]
    public async Task MalformedAddress_ExitsUsageAndSendsNothing(params string[] args)
    {
        var run = await NothingSentAsync(Account(1), () => RunAsync([.. args, "--account", "mnemonic:1"]));

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("'0x12345'");
    }

    private static JsonElement Action(JsonElement listing, string name) =>
        listing.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == name);

    private static string Time(ulong unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static UInt256 Tokens(ulong whole) => EthUnits.ParseEther(whole.ToString(CultureInfo.InvariantCulture));

    private static PrivateKey Key(int index)
    {
        using var wallet = HdWallet.FromMnemonic(TcrProcess.HardhatMnemonic);
        return wallet.DeriveAccount(index);
    }

    private static Address Account(int index)
    {
        using var key = Key(index);
        return key.Address;
    }

    private TcrDeployment Deployment()
    {
        var manifest = DeploymentManifest.Parse(Devnet.ManifestJson);
        return new TcrDeployment(manifest.ChainId, manifest.Registry.Address, manifest.Voting?.Address, manifest.Token?.Address, manifest.Governor?.Address);
    }

    private async Task<UInt256> BalanceAsync(Address account) =>
        (await TokenAccount.GetBalanceAsync(await TcrConnection.ConnectAsync(Devnet.Client, Deployment()), account)).Balance;

    /// <summary>Runs <paramref name="run"/> and checks that <paramref name="account"/> sent no transaction and kept its tokens.</summary>
    private async Task<TcrRun> NothingSentAsync(Address account, Func<Task<TcrRun>> run)
    {
        var nonce = await Devnet.Client.GetTransactionCountAsync(account);
        var tokens = await BalanceAsync(account);
        var result = await run();
        (await Devnet.Client.GetTransactionCountAsync(account)).Should().Be(nonce, "a refused command sends nothing:\n{0}", result);
        (await BalanceAsync(account)).Should().Be(tokens);
        return result;
    }

    /// <summary>Writes a geth-style nodekey file (hex, no newline) and returns its path.</summary>
    private string WriteNodeKey(PrivateKey key, bool prefix = true)
    {
        var hex = SecretHex(key);
        return Tcr.WriteFile($"nodekey-{Guid.NewGuid():N}", prefix ? "0x" + hex : hex);
    }

    private static string SecretHex(PrivateKey key)
    {
        var secret = new byte[32];
        key.ExportSecret(secret);
        return Convert.ToHexString(secret).ToLowerInvariant();
    }

    private async Task<string> ApplyAsync(int account, string deposit = "100")
    {
        var applied = await OkAsync("listing", "apply", "--node-key", WriteNodeKey(PrivateKey.Generate()), "--deposit", deposit, "--account", $"mnemonic:{account}", "--json");
        return applied.Json().GetProperty("nodeId").GetString()!;
    }
}
