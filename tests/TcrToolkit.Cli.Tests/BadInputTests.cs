namespace TcrToolkit.Cli.Tests;

/// <summary>
/// Bad input: each case ends with one sentence on stderr that says what to do next, the documented exit code, and (where
/// a node could be involved) no connection to it.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private const int Usage = 2;
    private const int Configuration = 3;
    private const int RpcUnavailable = 4;
    private const int Wallet = 7;

    private static readonly Dictionary<string, string> Password = new() { ["TCR_PASSWORD"] = "correct horse" };
    private readonly TcrProcess _tcr = new();
    private readonly LoopbackListener _node = new();

    public void Dispose()
    {
        _node.Dispose();
        _tcr.Dispose();
    }

    [Fact]
    public async Task TokenBalance_MalformedAddress_ExitsUsageAndContactsNoNode()
    {
        var run = await _tcr.RunAsync("token", "balance", "0x12345", "--rpc", _node.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("'0x12345' is not a valid address");
        _node.Connections.Should().Be(0);
    }

    [Fact]
    public async Task TokenBalance_AddressWithWrongChecksum_SaysTheChecksumIsWrong()
    {
        var wrongCase = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

        var run = await _tcr.RunAsync("token", "balance", wrongCase, "--rpc", _node.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("checksum");
        _node.Connections.Should().Be(0);
    }

    [Fact]
    public async Task ListingShow_MalformedNodeId_ExitsUsageAndContactsNoNode()
    {
        var run = await _tcr.RunAsync("listing", "show", "0xnot-a-node", "--rpc", _node.Url, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("is not a node id").And.Contain("64 hex digits");
        _node.Connections.Should().Be(0);
    }

    [Fact]
    public async Task UnknownNetwork_ExitsConfigurationAndListsTheKnownOnes()
    {
        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--network", "mainnet", "--rpc", _node.Url);

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("Unknown network 'mainnet'").And.Contain("devnet, sepolia, holesky, hoodi");
        _node.Connections.Should().Be(0);
    }

    [Fact]
    public async Task MissingManifest_ExitsConfigurationAndSaysHowToGetOne()
    {
        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", _node.Url);

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("No deployment manifest for devnet").And.Contain("tcr devnet up").And.Contain("--manifest");
        _node.Connections.Should().Be(0);
    }

    [Fact]
    public async Task TestnetWithoutRpcUrl_NamesTheVariableToSet()
    {
        var manifest = _tcr.WriteManifest();

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--network", "sepolia", "--manifest", manifest);

        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().Contain("TCR_SEPOLIA_RPC_URL");
    }

    [Fact]
    public async Task RpcUnreachable_ExitsRpcUnavailableAndNamesTheEndpoint()
    {
        var closed = LoopbackPorts.ClosedHttpUrl();

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0, "--rpc", closed, "--manifest", _tcr.WriteManifest());

        run.ExitCode.Should().Be(RpcUnavailable, run.ToString());
        run.ErrorSentence().Should().Contain("Cannot reach the node at http://127.0.0.1:").And.Contain("--rpc");
    }

    [Fact]
    public async Task DevnetRpcUrl_ComesFromTheManifestsRpcField()
    {
        var devnet = Path.Combine(_tcr.WorkingDirectory, ".devnet");
        Directory.CreateDirectory(devnet);
        var closed = LoopbackPorts.ClosedHttpUrl();
        File.Copy(_tcr.WriteManifest(rpc: closed), Path.Combine(devnet, "devnet.json"));

        var run = await _tcr.RunAsync("token", "balance", TcrProcess.HardhatAccount0);

        // Nothing answers at the recorded URL: the devnet is not running, which the error says rather than "unreachable".
        run.ExitCode.Should().Be(Configuration, run.ToString());
        run.ErrorSentence().Should().StartWith("No devnet is running here").And.Contain(closed).And.Contain("tcr devnet up");
    }

    [Fact]
    public async Task WrongKeystorePassword_ExitsWallet()
    {
        await _tcr.RunAsync(["wallet", "new", "alice"], Password);

        var run = await _tcr.RunAsync(["wallet", "address", "--account", "alice", "--unlock"], new Dictionary<string, string> { ["TCR_PASSWORD"] = "wrong" });

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().StartWith("Wrong password for keystore alice").And.Contain("TCR_PASSWORD");
    }

    [Fact]
    public async Task KeystoreNotFound_ExitsWalletAndPointsAtWalletList()
    {
        var run = await _tcr.RunAsync("wallet", "address", "--account", "carol");

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().Contain("No keystore named 'carol'").And.Contain("tcr wallet list");
    }

    [Fact]
    public async Task MissingPasswordWithoutTerminal_ExitsWalletInsteadOfWaitingForInput()
    {
        await _tcr.RunAsync(["wallet", "new", "alice"], Password);

        var run = await _tcr.RunAsync("wallet", "address", "--account", "alice", "--unlock");

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().Contain("no terminal").And.Contain("TCR_PASSWORD").And.Contain("--password-file");
    }

    [Fact]
    public async Task WalletNewWithoutPasswordSource_ExitsWalletAndWritesNoKeystore()
    {
        var run = await _tcr.RunAsync("wallet", "new", "alice");

        run.ExitCode.Should().Be(Wallet, run.ToString());
        run.ErrorSentence().Should().Contain("TCR_PASSWORD");
        Directory.Exists(_tcr.KeystoreDirectory).Should().BeFalse();
    }

    [Theory]
    [InlineData("--private-key")]
    [InlineData("--private-key=")]
    [InlineData("--key")]
    public async Task PrivateKeyAsOption_IsRefusedWithoutEchoingIt(string option)
    {
        string[] args = option.EndsWith('=')
            ? ["wallet", "import", option + TcrProcess.HardhatKey0]
            : ["wallet", "import", option, TcrProcess.HardhatKey0];

        var run = await _tcr.RunAsync(args, Password);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("never takes a private key on the command line").And.Contain("--private-key-file");
        (run.Stdout + run.Stderr).Should().NotContain(TcrProcess.HardhatKey0[2..]);
        Directory.Exists(_tcr.KeystoreDirectory).Should().BeFalse();
    }

    [Theory]
    [InlineData("wallet", "import")]
    [InlineData("wallet", "new")]
    [InlineData("wallet", "list")]
    public async Task PrivateKeyAsPositionalArgument_IsRefusedWithoutEchoingIt(string noun, string verb)
    {
        var run = await _tcr.RunAsync([noun, verb, TcrProcess.HardhatKey0[2..]], Password);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("private key");
        (run.Stdout + run.Stderr).Should().NotContain(TcrProcess.HardhatKey0[2..]);
        Directory.Exists(_tcr.KeystoreDirectory).Should().BeFalse();
    }

    [Fact]
    public async Task MalformedPrivateKeyFile_ExitsUsageWithoutQuotingTheFile()
    {
        var keyFile = _tcr.WriteFile("key.txt", "0xdeadbeefcafe-secret-part");

        var run = await _tcr.RunAsync(["wallet", "import", "--private-key-file", keyFile], Password);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("64 hex digits");
        run.Stderr.Should().NotContain("secret-part");
    }

    [Fact]
    public async Task InvalidMnemonicChecksum_ExitsUsageAndSaysWhereThePhraseCameFrom()
    {
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = "test test test test test test test test test test test test" };

        var run = await _tcr.RunAsync(["wallet", "address", "--account", "mnemonic:0"], env);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("checksum").And.Contain("TCR_MNEMONIC");
        run.Stderr.Should().NotContain("test test");
    }

    [Theory]
    [InlineData("mnemonic:-1")]
    [InlineData("mnemonic:abc")]
    [InlineData("mnemonic:2147483648")]
    public async Task BadAccountIndex_ExitsUsage(string account)
    {
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic };

        var run = await _tcr.RunAsync(["wallet", "address", "--account", account], env);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("is not a whole number from 0 to 2147483647");
    }

    [Fact]
    public async Task BadImportIndex_ExitsUsage()
    {
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic, ["TCR_PASSWORD"] = "x" };

        var run = await _tcr.RunAsync(["wallet", "import", "--from-mnemonic", "--index", "one"], env);

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("Account index 'one' in --index");
    }

    [Theory]
    [InlineData("walet", "did you mean `tcr wallet`?")]
    [InlineData("wallet lsit", "did you mean `tcr wallet list`?")]
    [InlineData("wallet list --jsno", "did you mean --json?")]
    public async Task Typo_ExitsUsageWithASuggestion(string commandLine, string suggestion)
    {
        var run = await _tcr.RunAsync(commandLine.Split(' '));

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain(suggestion);
    }

    [Fact]
    public async Task NounWithoutVerb_ExitsUsageAndListsTheVerbs()
    {
        var run = await _tcr.RunAsync("wallet");

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.ErrorSentence().Should().Contain("new, import, list, address");
    }

    [Fact]
    public async Task ErrorWithJson_WritesOneErrorDocumentOnStdoutAndTheSentenceOnStderr()
    {
        var run = await _tcr.RunAsync("wallet", "address", "--account", "carol", "--json");

        run.ExitCode.Should().Be(Wallet, run.ToString());
        var error = run.Json().GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("keystore-not-found");
        error.GetProperty("exitCode").GetInt32().Should().Be(Wallet);
        error.GetProperty("exitName").GetString().Should().Be("wallet");
        error.GetProperty("message").GetString().Should().Be(run.ErrorSentence());
    }

    [Fact]
    public async Task ParseErrorWithJson_AlsoWritesAnErrorDocument()
    {
        var run = await _tcr.RunAsync("listing", "show", "0x12", "--json");

        run.ExitCode.Should().Be(Usage, run.ToString());
        run.Json().GetProperty("error").GetProperty("exitName").GetString().Should().Be("usage");
    }
}
