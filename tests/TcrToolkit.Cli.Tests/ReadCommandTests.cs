using System.Numerics;

namespace TcrToolkit.Cli.Tests;

public sealed class ReadCommandTests : IDisposable
{
    private const string BalanceOf = "0x70a08231";
    private const string Symbol = "0x95d89b41";
    private readonly TcrProcess _tcr = new();

    public void Dispose() => _tcr.Dispose();

    [Fact]
    public async Task TokenBalance_Json_GivesExactBaseUnitsAndFormattedTokens()
    {
        var balance = BigInteger.Parse("1234500000000000000000", System.Globalization.CultureInfo.InvariantCulture);
        using var node = new FakeNode().OnCall(BalanceOf, FakeNode.Word(balance)).OnCall(Symbol, FakeNode.AbiString("TCR"));

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", node.Url, "--manifest", _tcr.WriteManifest(), "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json();
        json.GetProperty("account").GetString().Should().Be(TcrProcess.HardhatAccount0);
        json.GetProperty("balance").GetString().Should().Be("1234500000000000000000");
        json.GetProperty("formatted").GetString().Should().Be("1234.5");
        json.GetProperty("symbol").GetString().Should().Be("TCR");
        json.GetProperty("chainId").GetUInt64().Should().Be(31337);
    }

    [Fact]
    public async Task TokenBalance_DefaultsToTheAccountsAddress_AndPrintsAmountAndSymbol()
    {
        using var node = new FakeNode().OnCall(BalanceOf, FakeNode.Word(5)).OnCall(Symbol, FakeNode.AbiString("TCR"));
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic, ["TCR_RPC_URL"] = node.Url };

        var run = await _tcr.RunAsync(["token", "balance", "--account", "mnemonic", "--manifest", _tcr.WriteManifest()], env);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Trim().Should().Be("0.000000000000000005 TCR");
    }

    [Fact]
    public async Task TokenBalance_NodeOnAnotherChain_ExitsConfiguration()
    {
        using var node = new FakeNode(chainId: 1);

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", node.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorSentence().Should().Contain("is on chain 1 but the manifest").And.Contain("chain 31337");
    }

    [Fact]
    public async Task NodeError_ExitsRpcError()
    {
        using var node = new FakeNode();

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", node.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(8, run.ToString());
        run.ErrorSentence().Should().Contain("not faked: eth_call");
    }
}
