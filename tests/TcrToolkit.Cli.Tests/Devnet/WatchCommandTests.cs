using System.Globalization;
using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>`tcr watch`: NDJSON from the deployment block, resuming from the checkpoint file, --limit, human lines.</summary>
public sealed class WatchCommandTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    [Fact]
    public async Task Watch_NoFollowFromTheDeploymentBlock_ListsTheEventsInOrderThenResumesWithNothingNew()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var (nodeId, challenge) = await library.ApplyAndChallengeAsync();
        await new MailServerOperator(library.Account(1)).DepositAsync(nodeId, EthUnits.ParseEther("5"));
        var from = library.DeploymentBlock.ToString(CultureInfo.InvariantCulture);

        var run = await OkAsync("watch", "--from", from, "--no-follow", "--json");

        var lines = Lines(run);
        var ours = lines.Where(l => l.GetProperty("nodeId").GetString() == nodeId.ToString()).ToList();
        ours.Select(l => l.GetProperty("event").GetString()).Should().Equal("Applied", "Challenged", "Deposited");
        ours.Should().OnlyContain(l => l.GetProperty("kind").GetString() == "added");
        ours[0].GetProperty("owner").GetString().Should().Be(TcrProcess.HardhatAccount1);
        ours[0].GetProperty("args").GetProperty("deposit").GetString().Should().Be("100000000000000000000");
        ours[1].GetProperty("args").GetProperty("challengeId").GetString().Should().Be(challenge.ChallengeId.ToString(CultureInfo.InvariantCulture));
        lines.Select(l => (l.GetProperty("block").GetUInt64(), l.GetProperty("logIndex").GetUInt64())).Should().BeInAscendingOrder();

        var again = await OkAsync("watch", "--no-follow", "--json");

        again.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Watch_WithLimit_StopsAfterThatManyAndTheNextRunContinuesWithoutRepeats()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var first = await library.ApplyAsync();
        var second = await library.ApplyAsync();
        var from = library.DeploymentBlock.ToString(CultureInfo.InvariantCulture);
        var all = Lines(await OkAsync("watch", "--from", from, "--no-follow", "--json", "--checkpoint", "all.db"))
            .Select(l => l.GetProperty("transactionHash").GetString() + "/" + l.GetProperty("logIndex")).ToList();

        var limited = Lines(await OkAsync("watch", "--from", from, "--limit", "1", "--json"));
        var rest = Lines(await OkAsync("watch", "--no-follow", "--json"));

        limited.Should().ContainSingle();
        limited.Concat(rest).Select(l => l.GetProperty("transactionHash").GetString() + "/" + l.GetProperty("logIndex")).Should().Equal(all);
        limited[0].GetProperty("nodeId").GetString().Should().Be(first.ToString());
        rest.Select(l => l.GetProperty("nodeId").GetString()).Should().Contain(second.ToString()).And.NotContain(first.ToString());
    }

    [Fact]
    public async Task Watch_HumanOutput_ShowsOneLinePerEventWithFormattedAmounts()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        var nodeId = await library.ApplyAsync();

        var run = await OkAsync("watch", "--from", library.DeploymentBlock.ToString(CultureInfo.InvariantCulture), "--no-follow");

        var line = run.Stdout.Split('\n').Should().ContainSingle(l => l.Contains("Applied", StringComparison.Ordinal)).Subject;
        line.Should().Contain(nodeId.ToString()[..10]).And.Contain("owner 0x7099").And.Contain("deposit 100 tokens").And.Contain(" UTC");
    }

    [Fact]
    public async Task Watch_Following_ShowsAnEventMinedAfterItStarted()
    {
        using var library = await DevnetLibrary.ConnectAsync(Devnet);
        await OkAsync("watch", "--no-follow");

        var watching = RunAsync("watch", "--limit", "1", "--json");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var nodeId = await library.ApplyAsync();
        var run = await watching;

        run.ExitCode.Should().Be(0, run.ToString());
        var line = Lines(run).Should().ContainSingle().Subject;
        line.GetProperty("event").GetString().Should().Be("Applied");
        line.GetProperty("nodeId").GetString().Should().Be(nodeId.ToString());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("12abc")]
    public async Task Watch_MalformedFrom_ExitsUsage(string from)
    {
        var run = await RunAsync("watch", "--from", from, "--no-follow");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorSentence().Should().Contain("is neither a block number nor `checkpoint`");
        run.Stdout.Should().BeEmpty();
    }

    private static List<JsonElement> Lines(TcrRun run) =>
        run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }).ToList();
}
