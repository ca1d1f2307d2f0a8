using System.Text.Json;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// The whole lifecycle as a user runs it, through tcr commands only (as scripts/demo does): two applications, listing,
/// a challenge, two secret votes, resolution, reward claims, and the event stream — every number checked against the
/// contract rules (min deposit 100, dispensation 50%, quorum 10% of 10,000,000, pass 50%).
/// </summary>
public sealed class CliLifecycleTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    [Fact]
    public async Task ChallengeUpheldBySecretVote_RemovesTheServer_PaysTheWinners_AndTheStreamShowsIt()
    {
        var alpha = await ApplyAsync(1);
        var bravo = await ApplyAsync(2);
        await OkAsync("devnet", "advance", "601");
        var listed = (await OkAsync("challenge", "resolve", alpha, bravo, "--account", "mnemonic:4", "--json")).Json();
        listed.GetRawText().Should().Contain(alpha).And.Contain(bravo);

        var challenge = (await OkAsync("challenge", "open", bravo, "--evidence", "drops stored messages", "--account", "mnemonic:4", "--json")).Json();
        var poll = challenge.GetProperty("challengeId").GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        challenge.GetProperty("stakeFormatted").GetString().Should().Be("100");
        // Voter 5 holds 1,000,000 votes and upholds; voter 1 (alpha's owner) holds 999,900 after its deposit and rejects.
        await OkAsync("vote", "commit", poll, "--uphold", "--account", "mnemonic:5");
        await OkAsync("vote", "commit", poll, "--reject", "--account", "mnemonic:1");
        var early = await RunAsync("vote", "reveal", poll, "--account", "mnemonic:5");
        early.ExitCode.Should().Be(5, "the reveal stage has not opened:\n{0}", early);
        await OkAsync("devnet", "advance", "601");
        await OkAsync("vote", "reveal", poll, "--account", "mnemonic:5");
        await OkAsync("vote", "reveal", poll, "--account", "mnemonic:1");
        await OkAsync("devnet", "advance", "601");

        // 1,000,000 of 1,999,900 revealed votes uphold (> 50%), quorum 20% >= 10%: bravo is removed. Its stake of 100 pays
        // the challenger 150 (stake back + half) and the majority voters 50; bravo's owner gets its deposit less the stake.
        var resolved = (await OkAsync("challenge", "resolve", bravo, "--account", "mnemonic:4", "--json")).Json();
        var outcome = Single(resolved, "updated");
        outcome.GetProperty("outcome").GetString().Should().Be("challenge-succeeded");
        outcome.GetProperty("winnerRewardFormatted").GetString().Should().Be("150");
        outcome.GetProperty("voterRewardPoolFormatted").GetString().Should().Be("50");

        var claim = (await OkAsync("challenge", "claim", bravo, poll, "--account", "mnemonic:5", "--json")).Json();
        claim.GetProperty("claimedFormatted").GetString().Should().Be("50");
        var losing = await RunAsync("challenge", "claim", bravo, poll, "--account", "mnemonic:1");
        losing.ExitCode.Should().Be(5);
        losing.ErrorSentence().Should().Contain("only the winning side is rewarded");

        var balances = (await OkAsync("token", "balance", "--account", "mnemonic:4", "--json")).Json();
        balances.GetProperty("formatted").GetString().Should().Be("1000050");
        var status = (await OkAsync("listing", "status", alpha, bravo, "--json")).Json().EnumerateArray().ToList();
        status.Select(s => s.GetProperty("trusted").GetBoolean()).Should().Equal(true, false);

        var events = await OkAsync("watch", "--no-follow", "--json");
        var kinds = events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("event").GetString())
            .ToList();
        kinds.Should().ContainInOrder("Applied", "Applied", "Listed", "Listed", "Challenged", "ChallengeSucceeded", "ListingRemoved", "RewardClaimed");
    }

    private async Task<string> ApplyAsync(int account)
    {
        using var nodeKey = TcrToolkit.Ethereum.PrivateKey.Generate();
        var secret = new byte[32];
        nodeKey.ExportSecret(secret);
        var file = Tcr.WriteFile($"node-{account}.key", Convert.ToHexString(secret).ToLowerInvariant());
        var applied = (await OkAsync("listing", "apply", "--node-key", file, "--account", $"mnemonic:{account}", "--json")).Json();
        return applied.GetProperty("nodeId").GetString()!;
    }

    private static JsonElement Single(JsonElement result, string property)
    {
        var items = result.GetProperty(property).EnumerateArray().ToList();
        items.Should().ContainSingle();
        return items[0];
    }
}
