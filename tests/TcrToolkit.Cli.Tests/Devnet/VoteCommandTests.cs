using System.Globalization;
using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// Challenge voting through `tcr vote` only (the challenge itself is set up through the library): commit, status,
/// reveal (also from a restored vault in another TCR_HOME), and the refusals that send nothing.
/// </summary>
public sealed class VoteCommandTests(DevnetFixture devnet) : DevnetTest(devnet), IDisposable
{
    private const int Usage = 2;
    private const int Refused = 5;
    private static readonly TimeSpan Stage = TimeSpan.FromSeconds(601);
    private readonly TcrProcess _restored = new();

    public void Dispose() => _restored.Dispose();

    [Fact]
    public async Task ChallengeVote_CommitStatusRevealThroughTheCli_CountsBothVotesAndPaysTheWinner()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var (nodeId, challenge) = await library.ApplyAndChallengeAsync();
        var poll = challenge.ChallengeId.ToString(CultureInfo.InvariantCulture);

        var upheld = await OkAsync("vote", "commit", poll, "--uphold", "--account", "mnemonic:3");
        var rejected = (await OkAsync("vote", "commit", poll, "--reject", "--account", "mnemonic:4", "--json")).Json();

        upheld.Stderr.Should().Contain($"Reveal between {Utc(challenge.CommitEnd)} and {Utc(challenge.RevealEnd)}").And.Contain($"tcr vote reveal {poll}");
        upheld.Stdout.Should().Contain("uphold").And.Contain(Path.Combine(Tcr.Home, "salts.db"));
        rejected.GetProperty("pollId").GetUInt64().Should().Be(challenge.ChallengeId);
        rejected.GetProperty("option").GetString().Should().Be("reject");
        rejected.GetProperty("commitEnd").GetUInt64().Should().Be((ulong)challenge.CommitEnd.ToUnixTimeSeconds());
        rejected.GetProperty("revealEnd").GetUInt64().Should().Be((ulong)challenge.RevealEnd.ToUnixTimeSeconds());
        rejected.GetProperty("saltVault").GetString().Should().Be(Path.Combine(Tcr.Home, "salts.db"));

        var early = await RunAsync("vote", "reveal", poll, "--account", "mnemonic:3");
        early.ExitCode.Should().Be(Refused, early.ToString());
        early.ErrorSentence().Should().Contain($"opens at {Utc(challenge.CommitEnd)}");

        await IncreaseTimeAsync(Stage);
        foreach (var voter in new[] { "mnemonic:3", "mnemonic:4" })
        {
            var status = (await OkAsync("vote", "status", "--account", voter, "--json")).Json();
            var pending = status.GetProperty("pending").EnumerateArray().Should().ContainSingle().Subject;
            pending.GetProperty("pollId").GetUInt64().Should().Be(challenge.ChallengeId);
            pending.GetProperty("revealableNow").GetBoolean().Should().BeTrue();
            pending.GetProperty("revealEnd").GetUInt64().Should().Be((ulong)challenge.RevealEnd.ToUnixTimeSeconds());
            status.GetProperty("selfDelegated").GetBoolean().Should().BeTrue();
            status.GetProperty("votesFormatted").GetString().Should().Be("1000000");
        }

        var reveal = (await OkAsync("vote", "reveal", poll, "--account", "mnemonic:3", "--json")).Json();
        reveal.GetProperty("revealed").EnumerateArray().Should().ContainSingle().Which.GetProperty("option").GetString().Should().Be("uphold");

        // The rejecter reveals on "another machine": a fresh TCR_HOME holding only a copy of the vault file.
        File.Copy(Path.Combine(Tcr.Home, "salts.db"), Path.Combine(_restored.Home, "salts.db"));
        var restored = (await RunRestoredAsync("vote", "reveal", "--all", "--account", "mnemonic:4", "--json")).Json();
        restored.GetProperty("revealed").EnumerateArray().Should().ContainSingle().Which.GetProperty("pollId").GetUInt64().Should().Be(challenge.ChallengeId);
        restored.GetProperty("skipped").GetArrayLength().Should().Be(0);

        var nonce = await library.NonceAsync(3);
        var twice = await RunAsync("vote", "reveal", poll, "--account", "mnemonic:3");
        twice.ExitCode.Should().Be(Refused, twice.ToString());
        twice.ErrorSentence().Should().Contain($"already revealed in poll {poll}");
        (await library.NonceAsync(3)).Should().Be(nonce);
        (await OkAsync("vote", "status", "--account", "mnemonic:3", "--json")).Json().GetProperty("pending").GetArrayLength().Should().Be(0);

        await IncreaseTimeAsync(Stage);
        // The batch form: resolving a failed challenge of an application whose stage has ended also lists it, and
        // UpdateStatusAsync expects a single outcome.
        var resolved = (await new RegistryChallenger(library.Account(2)).UpdateStatusesAsync([nodeId])).Updated.First(u => u.ChallengeId == challenge.ChallengeId);

        // 1,000,000 votes each way: the challenge does not exceed 50%, so it fails and the rejecter alone shares the
        // voter pool, half of the challenger's 100-token stake.
        resolved.Outcome.Should().Be(StatusOutcome.ChallengeFailed);
        var reader = new RegistryReader(library.Connection);
        (await reader.GetRewardAsync(nodeId, challenge.ChallengeId, library.Address(4))).Should().Be(EthUnits.ParseEther("50"));
        (await reader.GetRewardAsync(nodeId, challenge.ChallengeId, library.Address(3))).Should().Be(UInt256.Zero);
    }

    [Fact]
    public async Task VoteCommit_NonexistentPoll_RefusesAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(3);

        var run = await RunAsync("vote", "commit", "999", "--uphold", "--account", "mnemonic:3");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain("No poll has this id");
        (await library.NonceAsync(3)).Should().Be(nonce);
    }

    [Fact]
    public async Task VoteCommit_AfterTheCommitStage_RefusesWithTheEndAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var (_, challenge) = await library.ApplyAndChallengeAsync();
        await IncreaseTimeAsync(Stage);
        var nonce = await library.NonceAsync(3);

        var run = await RunAsync("vote", "commit", challenge.ChallengeId.ToString(CultureInfo.InvariantCulture), "--reject", "--account", "mnemonic:3");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain($"commit stage of poll {challenge.ChallengeId} ended at {Utc(challenge.CommitEnd)}");
        (await library.NonceAsync(3)).Should().Be(nonce);
    }

    [Fact]
    public async Task VoteReveal_WithAnEmptyVault_SaysToRestoreTheVaultAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var (_, challenge) = await library.ApplyAndChallengeAsync();
        var poll = challenge.ChallengeId.ToString(CultureInfo.InvariantCulture);
        await OkAsync("vote", "commit", poll, "--uphold", "--account", "mnemonic:3");
        await IncreaseTimeAsync(Stage);
        var nonce = await library.NonceAsync(3);

        var run = await RunRestoredAsync("vote", "reveal", poll, "--account", "mnemonic:3");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain("The salt vault has no salt matching").And.Contain("restore it from a backup");
        (await library.NonceAsync(3)).Should().Be(nonce);
    }

    [Theory]
    [InlineData("needs the vote: --uphold", "5")]
    [InlineData("got both --uphold and --reject", "5", "--uphold", "--reject")]
    public async Task VoteCommit_NeitherOrBothOptions_ExitsUsageAndSendsNothing(string expected, params string[] args)
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(3);

        var run = await RunAsync(["vote", "commit", .. args, "--account", "mnemonic:3"]);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain(expected);
        (await library.NonceAsync(3)).Should().Be(nonce);
    }

    [Fact]
    public async Task VoteSetup_AlreadySelfDelegated_SaysSoAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(5);

        var run = await OkAsync("vote", "setup", "--account", "mnemonic:5");

        run.Stdout.Should().Contain("Already set up");
        (await library.NonceAsync(5)).Should().Be(nonce);
    }

    [Fact]
    public async Task VoteSetup_ForAnAccountThatNeverDelegated_DelegatesToItselfOnce()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        await new TokenAccount(library.Account(1)).TransferAsync(library.Address(6), EthUnits.ParseEther("1000"));
        var before = await RunAsync("vote", "status", "--account", "mnemonic:6");
        before.Stderr.Should().Contain("has not delegated its votes").And.Contain("tcr vote setup");

        var setup = (await OkAsync("vote", "setup", "--account", "mnemonic:6", "--json")).Json();

        setup.GetProperty("changed").GetBoolean().Should().BeTrue();
        setup.GetProperty("votesFormatted").GetString().Should().Be("1000");
        var status = (await OkAsync("vote", "status", "--account", "mnemonic:6", "--json")).Json();
        status.GetProperty("selfDelegated").GetBoolean().Should().BeTrue();
        (await OkAsync("vote", "setup", "--account", "mnemonic:6", "--json")).Json().GetProperty("changed").GetBoolean().Should().BeFalse();
    }

    private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Runs tcr in the second TCR_HOME (its own salt vault), against the same devnet.</summary>
    private async Task<TcrRun> RunRestoredAsync(params string[] args)
    {
        var state = Path.Combine(_restored.WorkingDirectory, ".devnet");
        Directory.CreateDirectory(state);
        await File.WriteAllTextAsync(Path.Combine(state, "devnet.json"), Devnet.ManifestJson);
        return await _restored.RunAsync(args, new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic }, null);
    }
}
