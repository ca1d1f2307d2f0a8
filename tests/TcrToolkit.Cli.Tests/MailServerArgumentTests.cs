namespace TcrToolkit.Cli.Tests;

/// <summary>The mail-server commands refuse malformed values before they listen or read the chain: exit 2, one sentence.</summary>
public sealed class MailServerArgumentTests : IDisposable
{
    private readonly TcrProcess _tcr = new();

    [Fact]
    public async Task ServerRun_DiscoveryNotAnEndpoint_IsAUsageError()
    {
        var run = await _tcr.RunAsync("server", "run", "--node-key", NodeKey(), "--discovery", "not-an-endpoint");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorSentence().Should().Contain("--discovery 'not-an-endpoint' is not an ip:port");
    }

    [Fact]
    public async Task ServerRun_NodeKeyFileWithoutAKey_IsAUsageErrorThatDoesNotQuoteTheFile()
    {
        var file = _tcr.WriteFile("bad.key", "secret-looking-text");

        var run = await _tcr.RunAsync("server", "run", "--node-key", file);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorSentence().Should().Contain("does not hold a secp256k1 private key");
        run.Stderr.Should().NotContain("secret-looking-text");
    }

    [Fact]
    public async Task Servers_NegativeWalk_IsAUsageError()
    {
        var run = await _tcr.RunAsync(["servers", "--walk", "-1"], new Dictionary<string, string> { ["TCR_MANIFEST"] = _tcr.WriteManifest() });

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorSentence().Should().Contain("--walk must be between 0 and 3600 seconds");
    }

    [Fact]
    public async Task History_RangeEndingBeforeItStarts_IsAUsageError()
    {
        var run = await _tcr.RunAsync(
            ["history", "--topic", "/tcr/1/chat/proto", "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"],
            new Dictionary<string, string> { ["TCR_MANIFEST"] = _tcr.WriteManifest() });

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorSentence().Should().Contain("is before --from");
    }

    public void Dispose() => _tcr.Dispose();

    private string NodeKey() => _tcr.WriteFile("node.key", new string('1', 64));
}
