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
