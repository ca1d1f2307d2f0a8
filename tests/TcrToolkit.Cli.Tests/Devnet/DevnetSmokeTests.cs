namespace TcrToolkit.Cli.Tests.Devnet;

public sealed class DevnetSmokeTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    [Fact]
    public async Task TokenBalance_OfAFundedAccount_ShowsItsMillionTokens()
    {
        var run = await OkAsync("token", "balance", "--account", "mnemonic:1", "--json");

        run.Json().GetProperty("account").GetString().Should().BeEquivalentTo(TcrProcess.HardhatAccount1);
        run.Json().GetProperty("formatted").GetString().Should().StartWith("1000000");
    }
}

public sealed class DevnetAdvanceTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    [Fact]
    public async Task Advance_TenMinutes_MovesTheChainClockAtLeastThatFar()
    {
        var before = (await Devnet.Client.GetBlockAsync(TcrToolkit.Ethereum.Rpc.BlockTag.Latest))!.Timestamp;

        var run = await OkAsync("devnet", "advance", "10m", "--json");

        run.Json().GetProperty("seconds").GetUInt64().Should().Be(600);
        run.Json().GetProperty("timestamp").GetUInt64().Should().BeGreaterThanOrEqualTo(before + 600);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("0")]
    [InlineData("5y")]
    public async Task Advance_MalformedDuration_IsAUsageError(string duration)
    {
        var run = await RunAsync("devnet", "advance", duration);

        run.ExitCode.Should().Be(2);
        run.ErrorSentence().Should().Contain("is not a duration; give seconds (600) or a duration such as 90s, 10m");
    }
}
