using System.Collections;
using TcrToolkit.Configuration;
using TcrToolkit.Deployment;
using TcrToolkit.Ethereum;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.Tests.Deployment;

public sealed class DeploymentConfigTests
{
    [Fact]
    public void Parse_EmptyObject_GivesTheDefaultsOfDeployMjs()
    {
        var config = DeploymentConfig.Parse("{}");

        config.Should().Be(DeploymentConfig.Default);
        config.Registry.MinDeposit.Should().Be(EthUnits.ParseEther("100"));
        config.Governance.ProcessWindow.Should().Be(3600UL);
        config.Token.Supply.Should().Be(EthUnits.ParseEther("10000000"));
        config.ExistingToken.Should().BeNull();
    }

    [Fact]
    public void Load_CommittedExample_EqualsTheDefaults()
    {
        var config = DeploymentConfig.Load(Path.Combine(Repository.Root, "deployments", "config.example.json"));

        config.Should().Be(DeploymentConfig.Default);
    }

    [Theory]
    [InlineData("""{ "registry": { "passThreshold": 30 } }""", "registry.passThreshold", "registry.passThreshold is 30 but must be between 50 and 99 (50% to 99%).")]
    [InlineData("""{ "registry": { "voteQuorum": 101 } }""", "registry.voteQuorum", "registry.voteQuorum is 101 but must be between 0 and 100 (0% to 100%).")]
    [InlineData("""{ "registry": { "minDeposit": "0" } }""", "registry.minDeposit", "registry.minDeposit is 0 but must be between 1 and *")]
    [InlineData("""{ "governance": { "applyStageLength": 10 } }""", "governance.applyStageLength", "governance.applyStageLength is 10 but must be between 60 and 31536000 (60 s*")]
    [InlineData("""{ "governance": { "processWindow": 99999999999 } }""", "governance.processWindow", "governance.processWindow is 99999999999 but must be between 60 and 31536000*")]
    [InlineData("""{ "registry": { "exitWindow": "1e3" } }""", "registry.exitWindow", "registry.exitWindow is \"1e3\" but must be a non-negative integer*")]
    [InlineData("""{ "registry": { "passTreshold": 60 } }""", "registry.passTreshold", "registry.passTreshold is not a known field; the fields here are minDeposit, *")]
    [InlineData("""{ "token": { "supply": "0" } }""", "token.supply", "token.supply is 0 but must be between 1 and *")]
    [InlineData("""{ "token": { "address": "0x12" } }""", "token.address", "token.address is \"0x12\" but must be a 0x-prefixed 20-byte address.")]
    public void Parse_InvalidField_NamesTheFieldTheValueAndTheRange(string json, string field, string message)
    {
        var parse = () => DeploymentConfig.Parse(json);

        parse.Should().Throw<DeploymentConfigException>().Where(e => e.Field == field).WithMessage(message.TrimEnd('.') + "*");
    }

    [Fact]
    public void Parse_ExistingToken_SkipsTokenSettings()
    {
        var config = DeploymentConfig.Parse("""{ "token": { "address": "0x5FbDB2315678afecb367f032d93F642f64180aa3" } }""");

        config.ExistingToken.Should().Be(Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    }

    [Fact]
    public void Parse_LargeAmountAsString_KeepsEveryDigit()
    {
        var config = DeploymentConfig.Parse("""{ "registry": { "minDeposit": "123456789012345678901234" } }""");

        config.Registry.MinDeposit.Should().Be(UInt256.Parse("123456789012345678901234"));
    }

    [Fact]
    public void Networks_UnknownName_ListsTheKnownNames()
    {
        var get = () => TcrNetworks.Get("mainnet");

        get.Should().Throw<DeploymentException>().WithMessage("There is no network \"mainnet\"; the known networks are devnet, sepolia, holesky, hoodi.");
    }

    [Theory]
    [InlineData("devnet", 31337UL)]
    [InlineData("Sepolia", 11155111UL)]
    [InlineData("holesky", 17000UL)]
    [InlineData("hoodi", 560048UL)]
    public void Networks_KnownName_HasItsChainId(string name, ulong chainId) =>
        TcrNetworks.Get(name).ChainId.Should().Be(chainId);

    [Fact]
    public void ResolveRpcUrl_VariableUnset_NamesTheVariable()
    {
        var resolve = () => TcrNetworks.Sepolia.ResolveRpcUrl(new Hashtable());

        resolve.Should().Throw<DeploymentException>().WithMessage("TCR_SEPOLIA_RPC_URL is not set*");
    }

    [Fact]
    public void ResolveRpcUrl_NotAUrl_DoesNotEchoTheValue()
    {
        var resolve = () => TcrNetworks.Hoodi.ResolveRpcUrl(new Hashtable { ["TCR_HOODI_RPC_URL"] = "secret-key-123" });

        resolve.Should().Throw<DeploymentException>().Where(e => !e.Message.Contains("secret-key-123"));
    }

    [Fact]
    public void ResolveRpcUrl_Set_ReturnsTheUrl() =>
        TcrNetworks.Holesky.ResolveRpcUrl(new Hashtable { ["TCR_HOLESKY_RPC_URL"] = "https://holesky.example/v1" })
            .Should().Be(new Uri("https://holesky.example/v1"));
}

public sealed class DeploymentRecordTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-record-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static DeployedContract Contract(byte seed, ulong? nonce) =>
        new(new Address(Enumerable.Repeat(seed, 20).ToArray()), new Bytes32(Enumerable.Repeat(seed, 32).ToArray()), seed, new Bytes32(Enumerable.Repeat((byte)(seed + 1), 32).ToArray()), nonce);

    private static DeploymentRecord Complete() => new()
    {
        Network = "sepolia",
        ChainId = 11155111,
        Deployer = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        InitialRegistryParameters = InitialRegistryParameters.Default with { PassThreshold = 66 },
        InitialGovernanceParameters = InitialGovernanceParameters.Default,
        TokenSettings = TokenSettings.Default,
        Token = Contract(1, 0),
        Voting = Contract(2, 1),
        Registry = Contract(3, 2),
        Governor = Contract(3, null) with { Address = new Address(Enumerable.Repeat((byte)4, 20).ToArray()) },
    };

    [Fact]
    public void ToJson_Parse_RoundTripsEveryField()
    {
        var record = Complete() with
        {
            Registry = null,
            Governor = null,
            Rpc = "http://127.0.0.1:8545",
            Pending = new PendingDeployment(DeploymentStep.Registry, 2, new Bytes32(Enumerable.Repeat((byte)9, 32).ToArray()), Address.Parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), "0x02f8"),
        };

        var parsed = DeploymentRecord.Parse(record.ToJson());

        parsed.Should().BeEquivalentTo(record);
        parsed.IsComplete.Should().BeFalse();
    }

    [Fact]
    public void ToJson_Complete_IsReadByTheFormat1Reader()
    {
        var record = Complete();

        var manifest = DeploymentManifest.Parse(record.ToJson());

        manifest.Should().Be(record.ToManifest());
        manifest.Token!.Nonce.Should().Be(0UL);
        manifest.Governor!.Address.Should().Be(record.Governor!.Address);
    }

    [Fact]
    public void ToJson_Incomplete_IsRefusedByTheFormat1Reader()
    {
        var record = Complete() with { Registry = null, Governor = null };

        var parse = () => DeploymentManifest.Parse(record.ToJson(), "deployments/sepolia.json");

        parse.Should().Throw<DeploymentManifestException>()
            .WithMessage("The deployment manifest deployments/sepolia.json records an unfinished sepolia deployment; run the deployment again to finish it.");
    }

    [Fact]
    public void Parse_AsTheDemoWritesIt_ReadsContractsAndParameters()
    {
        var json = """
            { "format": 1, "network": "devnet", "chainId": 31337,
              "contracts": { "registry": { "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "blockNumber": 3 } },
              "parameters": { "registry": { "minDeposit": "100000000000000000000", "passThreshold": 60 } },
              "rpc": "http://127.0.0.1:40453" }
            """;

        var record = DeploymentRecord.Parse(json);

        record.Registry!.BlockNumber.Should().Be(3UL);
        record.InitialRegistryParameters.PassThreshold.Should().Be(60UL);
        record.Deployer.Should().BeNull();
        record.Rpc.Should().Be("http://127.0.0.1:40453");
    }

    [Fact]
    public async Task SaveAsync_Twice_LeavesOnlyTheManifest()
    {
        var path = Path.Combine(_directory, "deployments", "sepolia.json");

        await Complete().SaveAsync(path);
        await (Complete() with { Rpc = "x" }).SaveAsync(path);

        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().Equal(path);
        DeploymentRecord.Load(path).Rpc.Should().Be("x");
    }

    [Theory]
    [InlineData(0UL, "0x5FbDB2315678afecb367f032d93F642f64180aa3")]
    [InlineData(1UL, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")]
    [InlineData(2UL, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")]
    public void CreateAddress_HardhatAccount0_MatchesTheDevnetsAddresses(ulong nonce, string expected) =>
        ContractCode.CreateAddress(Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), nonce).Should().Be(Address.Parse(expected));

    [Fact]
    public void MatchesCreationCode_ImmutableFilledIn_MatchesButOtherChangesDoNot()
    {
        byte[] runtime = [0x60, 0x80, 0x7f, .. new byte[32], 0x56, 0xa2];
        byte[] creation = [0x01, 0x02, 0x03, .. runtime, 0xff];
        var filled = runtime.ToArray();
        filled[10] = 0xaa;
        var altered = runtime.ToArray();
        altered[^1] = 0xa3;

        ContractCode.MatchesCreationCode(filled, creation).Should().BeTrue();
        ContractCode.MatchesCreationCode(altered, creation).Should().BeFalse();
        ContractCode.MatchesCreationCode([], creation).Should().BeFalse();
    }
}
