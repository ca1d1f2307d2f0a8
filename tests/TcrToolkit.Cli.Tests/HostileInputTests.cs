using TcrToolkit.Testing;
using System.Net;
using System.Text;
using TcrToolkit.Cli.Infrastructure;

namespace TcrToolkit.Cli.Tests;

/// <summary>
/// Odd values from a new user's environment and command line: each ends in one sentence and a documented exit code,
/// never in exit code 1 ("a bug in tcr").
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes, devices
public sealed class HostileInputTests : IDisposable
{
    private const int Unexpected = 1;
    private const int Usage = 2;
    private const int Configuration = 3;
    private const int RpcUnavailable = 4;
    private const int RpcError = 8;
    private const int Wallet = 7;
    private const string NodeId = "0x3f5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6c01d";

    private readonly TcrProcess _tcr = new();

    public void Dispose() => _tcr.Dispose();

    [Theory]
    [InlineData("token", "balance", TcrProcess.HardhatAccount0)]
    [InlineData("listing", "list")]
    [InlineData("watch", "--no-follow")]
    public async Task WebSocketRpcUrl_NothingListening_ExitsRpcUnavailableNotABug(params string[] command)
    {
        var ws = LoopbackPorts.ClosedHttpUrl().Replace("http://", "ws://", StringComparison.Ordinal);

        var run = await _tcr.RunAsync([.. command, "--rpc", ws, "--manifest", _tcr.WriteManifest()]);

        run.ExitCode.Should().Be(RpcUnavailable, run.ToString());
        run.ErrorSentence().Should().Contain("Cannot reach the node");
    }

    [Fact]
    public async Task PlainWebServerAsRpc_SaysItIsNotAnEthereumNode()
    {
        using var server = new WebServer();

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", server.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(RpcError, run.ToString());
        run.ErrorSentence().Should().Contain("HTTP 404").And.Contain("not an Ethereum node").And.NotContain("Cannot reach");
    }

    [Fact]
    public async Task ManifestIsADirectory_SaysSoInsteadOfStartADevnet()
    {
        using var node = new LoopbackListener();

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", node.Url, "--manifest", _tcr.Root);

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("is a directory").And.NotContain("tcr devnet up");
    }

    [Fact]
    public async Task AccountIsADirectory_SaysSoInsteadOfDoesNotExist()
    {
        var run = await _tcr.RunAsync("wallet", "address", "--account", _tcr.Root + "/");

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().Contain("is a directory").And.NotContain("does not exist");
    }

    [Fact]
    public async Task NodeKeyIsADirectory_SaysSoInsteadOfUnauthorizedAccess()
    {
        var run = await _tcr.RunAsync("listing", "proof", "--node-key", _tcr.Root, "--applicant", TcrProcess.HardhatAccount1);

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().Contain("is a directory").And.NotContain("UnauthorizedAccess");
    }

    [Fact]
    public async Task WorldReadableNodeKey_WarnsAsSshDoes()
    {
        var keyFile = _tcr.WriteFile("node.key", TcrProcess.HardhatKey0[2..]);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var run = await _tcr.RunAsync(
            "listing", "proof", "--node-key", keyFile, "--applicant", TcrProcess.HardhatAccount1, "--rpc", LoopbackPorts.ClosedHttpUrl(), "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(RpcUnavailable, "no node runs here; the warning comes first:\n{0}", run);
        run.Stderr.Should().Contain("warning: the node key file").And.Contain("can be read by others").And.Contain("chmod 600");
    }

    [Fact]
    public async Task ExtraNodeIdArgument_SaysOneNodeIdNotAPrivateKey()
    {
        using var node = new LoopbackListener();

        var run = await _tcr.RunAsync("listing", "show", NodeId, NodeId, "--rpc", node.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("takes one node id").And.NotContain(NodeId[2..]);
        node.Connections.Should().Be(0);
    }

    [Fact]
    public async Task ScryptVariableJunk_IsRejectedBeforeAnyKeyIsMade()
    {
        var run = await _tcr.RunAsync(["wallet", "new", "alice"], new Dictionary<string, string> { ["TCR_SCRYPT"] = "junk", ["TCR_PASSWORD"] = "pw" });

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("TCR_SCRYPT").And.Contain("neither light nor standard");
        Directory.Exists(_tcr.KeystoreDirectory).Should().BeFalse();
    }

    [Fact]
    public async Task TruncatedKeystore_WalletListSaysWhyTheAddressIsUnknown()
    {
        Directory.CreateDirectory(_tcr.KeystoreDirectory);
        await File.WriteAllTextAsync(Path.Combine(_tcr.KeystoreDirectory, "broken.json"), """{"version":3,"address":"f39fd6e51aad88f6f4ce6ab8827""");

        var human = await _tcr.RunAsync("wallet", "list");
        var json = await _tcr.RunAsync("wallet", "list", "--json");

        human.ExitCode.Should().Be(0, human.ToString());
        human.Stdout.Should().Contain("not valid JSON").And.Contain("truncated");
        json.Json().GetProperty("keystores")[0].GetProperty("problem").GetString().Should().Contain("truncated");
    }

    public static TheoryData<string> HostileEnvironments => ["unreachable", "odd-files"];

    /// <summary>
    /// Every command, run as its first --help example shows, with a hostile environment: no exit code 1, one sentence.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileEnvironments))]
    public async Task EveryCommand_HostileEnvironment_NeverExitsWithABug(string kind)
    {
        using var server = new WebServer();
        var notSqlite = _tcr.WriteFile("vault.db", new string('x', 64));
        var env = kind == "unreachable"
            ? new Dictionary<string, string>
            {
                ["TCR_RPC_URL"] = LoopbackPorts.ClosedHttpUrl().Replace("http://", "ws://", StringComparison.Ordinal),
                ["TCR_SALT_VAULT"] = "/dev/null",
                ["TCR_MANIFEST"] = _tcr.WriteManifest(),
                ["TCR_SCRYPT"] = "junk",
                ["TCR_ACCOUNT"] = _tcr.Root + "/",
                ["TCR_MNEMONIC"] = "not a mnemonic",
                ["TCR_PASSWORD"] = "pw",
            }
            : new Dictionary<string, string>
            {
                ["TCR_RPC_URL"] = server.Url,
                ["TCR_SALT_VAULT"] = notSqlite,
                ["TCR_MANIFEST"] = _tcr.Root,
                ["TCR_ACCOUNT"] = "mnemonic:99999999999",
                ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic,
                ["TCR_NETWORK"] = "devnet",
                ["TCR_HOME"] = notSqlite,
            };

        var failures = new List<string>();
        foreach (var command in CommandCatalog.Create())
        {
            if (command.Noun == "devnet" && command.Verb is "up" or "down")
            {
                continue; // they start and stop node processes; their failures are tested in the devnet tests
            }

            if (command.IsForeground)
            {
                continue; // they serve in the foreground until Ctrl-C; their own tests start and stop them
            }

            var args = ExampleArguments(command);
            var run = await _tcr.RunAsync(args, env);
            if (run.ExitCode == Unexpected || run.Stderr.Contains("bug in tcr", StringComparison.Ordinal))
            {
                failures.Add($"tcr {string.Join(' ', args)}: {run}");
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>The command's first example as arguments, with its elided ids and named accounts made concrete.</summary>
    internal static string[] ExampleArguments(TcrCommand command)
    {
        var line = command.Examples[0].CommandLine.Split('|')[0].Split(" > ")[0].Trim();
        var tokens = System.Text.RegularExpressions.Regex.Matches(line, "\"[^\"]*\"|\\S+").Select(m => m.Value.Trim('"')).Skip(1).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].StartsWith("0x7099", StringComparison.Ordinal) && tokens[i].Contains('…', StringComparison.Ordinal))
            {
                tokens[i] = TcrProcess.HardhatAccount1;
            }
            else if (tokens[i].StartsWith("0x", StringComparison.Ordinal) && tokens[i].Contains('…', StringComparison.Ordinal))
            {
                tokens[i] = tokens[i].Contains(':', StringComparison.Ordinal) ? NodeId + tokens[i][tokens[i].IndexOf(':', StringComparison.Ordinal)..] : NodeId;
            }
            else if (i > 0 && tokens[i - 1] == "--account")
            {
                tokens[i] = "mnemonic:1";
            }
        }

        return [.. tokens];
    }

    /// <summary>A web server that is no Ethereum node: every request gets 404 with an HTML page.</summary>
    private sealed class WebServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public WebServer()
        {
            Url = LoopbackPorts.ClosedHttpUrl() + "/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            try
            {
                while (_listener.IsListening)
                {
                    var context = await _listener.GetContextAsync();
                    context.Response.StatusCode = 404;
                    context.Response.ContentType = "text/html";
                    await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("<html><body>Not Found</body></html>"));
                    context.Response.Close();
                }
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped.
            }
        }
    }
}
