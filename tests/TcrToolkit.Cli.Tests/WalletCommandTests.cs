namespace TcrToolkit.Cli.Tests;

public sealed class WalletCommandTests : IDisposable
{
    private static readonly Dictionary<string, string> Password = new() { ["TCR_PASSWORD"] = "correct horse" };
    private readonly TcrProcess _tcr = new();

    public void Dispose() => _tcr.Dispose();

    [Fact]
    public async Task WalletNew_WithPasswordInEnvironment_WritesOwnerOnlyKeystoreAndDescribesItInJson()
    {
        var run = await _tcr.RunAsync(["wallet", "new", "alice", "--json"], Password);

        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json();
        json.GetProperty("name").GetString().Should().Be("alice");
        json.GetProperty("address").GetString().Should().MatchRegex("^0x[0-9a-fA-F]{40}$");
        json.GetProperty("scrypt").GetString().Should().Be("light");
        var file = json.GetProperty("file").GetString()!;
        file.Should().Be(Path.Combine(_tcr.KeystoreDirectory, "alice.json"));
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task WalletList_AfterTwoNew_ListsBothByNameWithAddressAndFile()
    {
        var alice = (await _tcr.RunAsync(["wallet", "new", "alice", "--json"], Password)).Json();
        await _tcr.RunAsync(["wallet", "new", "bob", "--json"], Password);

        var run = await _tcr.RunAsync("wallet", "list", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json();
        json.GetProperty("directory").GetString().Should().Be(_tcr.KeystoreDirectory);
        var keystores = json.GetProperty("keystores").EnumerateArray().ToList();
        keystores.Select(k => k.GetProperty("name").GetString()).Should().Equal("alice", "bob");
        keystores[0].GetProperty("address").GetString().Should().Be(alice.GetProperty("address").GetString());
        keystores[0].GetProperty("file").GetString().Should().Be(alice.GetProperty("file").GetString());
    }

    [Fact]
    public async Task WalletList_HumanOutput_IsATableWithTheNames()
    {
        await _tcr.RunAsync(["wallet", "new", "alice"], Password);

        var run = await _tcr.RunAsync("wallet", "list");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Name").And.Contain("Address").And.Contain("alice");
    }

    [Fact]
    public async Task WalletAddress_ByNameOrFile_PrintsTheAddressWithoutAPassword()
    {
        var created = (await _tcr.RunAsync(["wallet", "new", "alice", "--json"], Password)).Json();
        var address = created.GetProperty("address").GetString();

        var byName = await _tcr.RunAsync("wallet", "address", "--account", "alice");
        var byFile = await _tcr.RunAsync("wallet", "address", "--account", created.GetProperty("file").GetString()!, "--json");
        var byAddress = await _tcr.RunAsync("wallet", "address", "--account", address!, "--json");

        byName.ExitCode.Should().Be(0, byName.ToString());
        byName.Stdout.Trim().Should().Be(address);
        byFile.Json().GetProperty("name").GetString().Should().Be("alice");
        byAddress.Json().GetProperty("address").GetString().Should().Be(address);
    }

    [Fact]
    public async Task WalletAddress_WithUnlockAndRightPassword_Succeeds()
    {
        await _tcr.RunAsync(["wallet", "new", "alice"], Password);

        var run = await _tcr.RunAsync(["wallet", "address", "--account", "alice", "--unlock"], Password);

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Fact]
    public async Task WalletAddress_MnemonicAccount_DerivesTheHardhatAccounts()
    {
        var env = new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic };

        var account0 = await _tcr.RunAsync(["wallet", "address", "--account", "mnemonic"], env);
        var account1 = await _tcr.RunAsync(["wallet", "address", "--account", "mnemonic:1", "--json"], env);

        account0.Stdout.Trim().Should().Be(TcrProcess.HardhatAccount0);
        account1.Json().GetProperty("address").GetString().Should().Be(TcrProcess.HardhatAccount1);
        account1.Json().GetProperty("index").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task WalletImport_MnemonicFromFileAtIndex1_StoresTheHardhatAccount1()
    {
        var mnemonicFile = _tcr.WriteFile("mnemonic.txt", TcrProcess.HardhatMnemonic + "\n");

        var run = await _tcr.RunAsync(["wallet", "import", "dev1", "--from-mnemonic", "--index", "1", "--mnemonic-file", mnemonicFile, "--json"], Password);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json().GetProperty("address").GetString().Should().Be(TcrProcess.HardhatAccount1);
    }

    [Fact]
    public async Task WalletImport_KeyOnStdin_StoresItAndNeverPrintsIt()
    {
        var run = await _tcr.RunAsync(["wallet", "import", "--private-key-file", "-", "--json"], Password, stdin: TcrProcess.HardhatKey0 + "\n");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json().GetProperty("address").GetString().Should().Be(TcrProcess.HardhatAccount0);
        run.Json().GetProperty("name").GetString().Should().Be(TcrProcess.HardhatAccount0[2..].ToLowerInvariant());
        (run.Stdout + run.Stderr).Should().NotContain(TcrProcess.HardhatKey0[2..]);
        var unlocked = await _tcr.RunAsync(["wallet", "address", "--account", TcrProcess.HardhatAccount0, "--unlock"], Password);
        unlocked.Stdout.Trim().Should().Be(TcrProcess.HardhatAccount0);
    }

    [Fact]
    public async Task WalletImport_SameKeyTwice_RefusesTheSecondWithExitCode2()
    {
        var keyFile = _tcr.WriteFile("key.txt", TcrProcess.HardhatKey0);
        await _tcr.RunAsync(["wallet", "import", "first", "--private-key-file", keyFile], Password);

        var run = await _tcr.RunAsync(["wallet", "import", "second", "--private-key-file", keyFile], Password);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorSentence().Should().Contain("'first' already holds");
    }
}
