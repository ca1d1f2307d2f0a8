using System.Globalization;
using System.Text.Json;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>Parameter governance through `tcr params` and `tcr vote`: propose, process, challenge, vote down, claim; refusals send nothing.</summary>
public sealed class ParamsCommandTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    private const int Usage = 2;
    private const int Refused = 5;
    private static readonly TimeSpan Stage = TimeSpan.FromSeconds(601);

    [Fact]
    public async Task Propose_ThenProcessAfterTheChallengeStage_SetsMinDeposit()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);

        var proposed = (await OkAsync("params", "propose", "minDeposit", "250", "--account", "mnemonic:1", "--json")).Json();
        var proposal = proposed.GetProperty("proposal");
        var proposeHash = Bytes32.Parse(proposed.GetProperty("transactionHash").GetString()!);
        var proposeReceipt = await Devnet.Client.GetTransactionReceiptAsync(proposeHash);
        proposeReceipt!.Logs.Should().Contain(l => l.Address == library.Manifest.Governor!.Address, "the hash is the proposal's own transaction, not the approval before it");
        var id = proposal.GetProperty("proposalId").GetUInt64().ToString(CultureInfo.InvariantCulture);
        proposal.GetProperty("status").GetString().Should().Be("pending");
        proposal.GetProperty("value").GetString().Should().Be("250000000000000000000");

        var nonce = await library.NonceAsync(1);
        var early = await RunAsync("params", "process", id, "--account", "mnemonic:1");
        early.ExitCode.Should().Be(Refused, early.ToString());
        early.ErrorSentence().Should().Contain($"can be challenged until {Utc(proposal.GetProperty("challengeEnd").GetUInt64())}");
        (await library.NonceAsync(1)).Should().Be(nonce);

        await IncreaseTimeAsync(Stage);
        var processed = (await OkAsync("params", "process", id, "--account", "mnemonic:1", "--json")).Json();
        processed.GetProperty("proposal").GetProperty("status").GetString().Should().Be("applied");

        var minDeposit = Parameter((await OkAsync("params", "show", "--json")).Json(), "minDeposit");
        minDeposit.GetProperty("value").GetString().Should().Be("250000000000000000000");
        minDeposit.GetProperty("formatted").GetString().Should().Be("250 tokens");
        minDeposit.GetProperty("scope").GetString().Should().Be("registry");
    }

    [Fact]
    public async Task ChallengedProposal_VotedDownThroughVoteCommitProposal_IsRejectedAndPaysTheVoters()
    {
        await OkAsync("params", "propose", "minDeposit", "300", "--account", "mnemonic:1");
        var challenged = (await OkAsync("params", "challenge", "1", "--evidence", "too high for small operators", "--account", "mnemonic:2", "--json")).Json().GetProperty("proposal");
        challenged.GetProperty("status").GetString().Should().Be("challenged");
        challenged.GetProperty("pollId").GetUInt64().Should().NotBe(0UL);

        var commit = (await OkAsync("vote", "commit", "--proposal", "1", "--uphold", "--account", "mnemonic:3", "--json")).Json();
        await OkAsync("vote", "commit", "--proposal", "1", "--uphold", "--account", "mnemonic:4");
        commit.GetProperty("pollId").GetUInt64().Should().Be(challenged.GetProperty("pollId").GetUInt64());
        commit.GetProperty("proposalId").GetUInt64().Should().Be(1UL);
        await IncreaseTimeAsync(Stage);
        await OkAsync("vote", "reveal", "--proposal", "1", "--account", "mnemonic:3");
        await OkAsync("vote", "reveal", "--all", "--account", "mnemonic:4");
        await IncreaseTimeAsync(Stage);

        var processed = (await OkAsync("params", "process", "1", "--account", "mnemonic:5", "--json")).Json();

        processed.GetProperty("proposal").GetProperty("status").GetString().Should().Be("rejected");
        Parameter((await OkAsync("params", "show", "--json")).Json(), "minDeposit").GetProperty("formatted").GetString().Should().Be("100 tokens");
        var claim = (await OkAsync("params", "claim", "1", "--account", "mnemonic:3", "--json")).Json();
        claim.GetProperty("formatted").GetString().Should().Be("50", "half of the 200-token stake goes to the two equal upholders");
        var proposals = (await OkAsync("params", "show", "--proposals", "--json")).Json().GetProperty("proposals");
        proposals.EnumerateArray().Should().ContainSingle().Which.GetProperty("status").GetString().Should().Be("rejected");
    }

    [Fact]
    public async Task Challenge_AProcessedProposal_RefusesAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        await OkAsync("params", "propose", "exitDelay", "20m", "--account", "mnemonic:1");
        await IncreaseTimeAsync(Stage);
        await OkAsync("params", "process", "1", "--account", "mnemonic:1");
        var nonce = await library.NonceAsync(2);

        var run = await RunAsync("params", "challenge", "1", "--account", "mnemonic:2");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain("Proposal 1 is applied; only a pending proposal can be challenged");
        (await library.NonceAsync(2)).Should().Be(nonce);
        Parameter((await OkAsync("params", "show", "--json")).Json(), "exitDelay").GetProperty("value").GetString().Should().Be("1200");
    }

    [Fact]
    public async Task Process_ANonexistentProposal_RefusesAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(1);

        var run = await RunAsync("params", "process", "99", "--account", "mnemonic:1");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain("There is no proposal 99");
        (await library.NonceAsync(1)).Should().Be(nonce);
    }

    [Fact]
    public async Task Propose_TheCurrentValue_RefusesAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(1);

        var run = await RunAsync("params", "propose", "exitDelay", "10m", "--account", "mnemonic:1");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain("600 s (00:10:00) is already the current exitDelay; propose another value");
        (await library.NonceAsync(1)).Should().Be(nonce);
    }

    [Fact]
    public async Task Propose_WhileAnotherProposalOfTheParameterIsLive_RefusesAndSendsNothing()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        await OkAsync("params", "propose", "minDeposit", "250", "--account", "mnemonic:1");
        var nonce = await library.NonceAsync(2);

        var run = await RunAsync("params", "propose", "minDeposit", "300", "--account", "mnemonic:2");

        run.ExitCode.Should().Be(Refused, run.ToString());
        run.ErrorSentence().Should().Contain("Proposal 1 for minDeposit is live until");
        (await library.NonceAsync(2)).Should().Be(nonce);
    }

    [Theory]
    [InlineData("maxDeposit", "5", "There is no parameter \"maxDeposit\"; the parameters are minDeposit, applyStageLength")]
    [InlineData("passThreshold", "30", "passThreshold must be between 50% and 99%, not 30%")]
    [InlineData("commitStageLength", "10x", "'10x' is not a duration for commitStageLength")]
    [InlineData("commitStageLength", "30s", "commitStageLength must be between 60 s")]
    [InlineData("minDeposit", "lots", "'lots' is not a token amount for minDeposit")]
    public async Task Propose_BadKeyOrValue_ExitsUsageAndSendsNothing(string key, string value, string expected)
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nonce = await library.NonceAsync(1);

        var run = await RunAsync("params", "propose", key, value, "--account", "mnemonic:1");

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain(expected);
        (await library.NonceAsync(1)).Should().Be(nonce);
    }

    [Fact]
    public async Task Propose_ADuration_IsReadInHumanUnits()
    {
        var proposal = (await OkAsync("params", "propose", "commit-stage-length", "1h30m", "--account", "mnemonic:1", "--json")).Json().GetProperty("proposal");

        proposal.GetProperty("key").GetString().Should().Be("commitStageLength");
        proposal.GetProperty("value").GetString().Should().Be("5400");
    }

    private static JsonElement Parameter(JsonElement show, string key) =>
        show.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("key").GetString() == key);

    private static string Utc(ulong unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
