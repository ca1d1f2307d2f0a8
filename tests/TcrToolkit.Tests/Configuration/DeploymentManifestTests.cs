using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Tests.Configuration;

public sealed class DeploymentManifestTests
{
    private const string Registry = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
    private const string Voting = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";

    [Fact]
    public void Parse_FullManifest_ReadsEveryContract()
    {
        var manifest = DeploymentManifest.Parse($$"""
            { "format": 1, "network": "devnet", "chainId": 31337,
              "contracts": {
                "registry": { "address": "{{Registry}}", "transactionHash": "0x{{new string('a', 64)}}", "blockNumber": 3, "codeHash": "0x{{new string('b', 64)}}" },
                "voting": { "address": "{{Voting}}" },
                "governor": { "address": "0x75537828f2ce51be7289709686a69cbfdbb714f1" } } }
            """);

        manifest.ChainId.Should().Be(31337UL);
        manifest.Network.Should().Be("devnet");
        manifest.Registry.Address.Should().Be(Address.Parse(Registry));
        manifest.Registry.BlockNumber.Should().Be(3UL);
        manifest.Registry.TransactionHash.Should().Be(Bytes32.Parse("0x" + new string('a', 64)));
        manifest.Voting!.Address.Should().Be(Address.Parse(Voting));
        manifest.Token.Should().BeNull();
    }

    [Fact]
    public void Parse_AsTheDevnetWritesIt_AcceptsChecksummedAddressesAndExtraFields()
    {
        // The shape scripts/lib/deploy.mjs (manifestOf) writes to .devnet/devnet.json.
        var manifest = DeploymentManifest.Parse("""
            { "format": 1, "network": "devnet", "chainId": 31337,
              "contracts": {
                "token": { "address": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "blockNumber": 1 },
                "registry": { "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "blockNumber": 3,
                              "transactionHash": "0x3c53462380bd63ac436334c33585f3eb9cf10354503170249468f884b8122b41" },
                "governor": { "address": "0x75537828f2ce51be7289709686A69CbFDbB714F1", "blockNumber": 3 } },
              "parameters": { "registry": { "minDeposit": "100000000000000000000" } },
              "rpc": "http://127.0.0.1:40453" }
            """);

        manifest.Registry.Address.Should().Be(Address.Parse(Registry));
        manifest.Governor!.BlockNumber.Should().Be(3UL);
    }

    [Theory]
    [InlineData("not json", "is not valid JSON*")]
    [InlineData("[]", "must be a JSON object.")]
    [InlineData("""{ "chainId": 1, "contracts": {} }""", "has no \"format\".")]
    [InlineData("""{ "format": 2, "chainId": 1, "contracts": {} }""", "has format 2; this version of TcrToolkit reads format 1.")]
    [InlineData("""{ "format": 1, "chainId": 0, "contracts": {} }""", "has chainId 0*")]
    [InlineData("""{ "format": 1, "chainId": "1", "contracts": {} }""", "has a \"chainId\" that is not a non-negative integer*")]
    [InlineData("""{ "format": 1, "chainId": 1 }""", "has no \"contracts\" object.")]
    [InlineData("""{ "format": 1, "chainId": 1, "contracts": {} }""", "has no contracts.registry entry*")]
    [InlineData("""{ "format": 1, "chainId": 1, "contracts": { "registry": {} } }""", "has no contracts.registry.address string.")]
    [InlineData("""{ "format": 1, "chainId": 1, "contracts": { "registry": { "address": "0x12" } } }""", "has a malformed contracts.registry.address \"0x12\"*")]
    public void Parse_Malformed_ThrowsNamingTheProblem(string json, string problem)
    {
        var act = () => DeploymentManifest.Parse(json, "deployments/x.json");

        act.Should().Throw<DeploymentManifestException>().WithMessage("The deployment manifest deployments/x.json " + problem);
    }

    [Fact]
    public void Load_MissingFile_SaysToDeployFirst()
    {
        var act = () => DeploymentManifest.Load("/nonexistent/dir/sepolia.json");

        act.Should().Throw<DeploymentManifestException>().WithMessage("*sepolia.json cannot be read*deploy first to create it.");
    }
}
