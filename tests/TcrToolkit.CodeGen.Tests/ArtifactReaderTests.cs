namespace TcrToolkit.CodeGen.Tests;

public sealed class ArtifactReaderTests : IDisposable
{
    private const string BuildId = "solc-0_8_30-test";
    private readonly string _artifacts = Directory.CreateTempSubdirectory("tcr-codegen-artifacts-").FullName;

    public void Dispose() => Directory.Delete(_artifacts, recursive: true);

    [Fact]
    public void Load_ProductionTestAndInterfaceArtifacts_KeepsOnlyProductionContractsWithBytecode()
    {
        WriteArtifact("Token.sol", "Token", "project/contracts/Token.sol", "0x6080");
        WriteArtifact("IToken.sol", "IToken", "project/contracts/interfaces/IToken.sol", "0x");
        WriteArtifact("test/Token.t.sol", "TokenTest", "project/contracts/test/Token.t.sol", "0x6080");
        WriteArtifact("Ext.sol", "Ext", "npm/@openzeppelin/contracts@5.4.0/Ext.sol", "0x6080");
        WriteBuildInfo("""
            { "output": { "contracts": { "project/contracts/Token.sol": { "Token": { "devdoc": { "title": "T" }, "userdoc": { "notice": "N" } } } },
              "sources": { "project/contracts/Token.sol": { "ast": { "nodeType": "SourceUnit", "nodes": [
                { "nodeType": "EnumDefinition", "canonicalName": "Token.Stage", "members": [ { "name": "Off" }, { "name": "On" } ] } ] } } } } }
            """);

        var contracts = ArtifactReader.Load(_artifacts);

        contracts.Should().ContainSingle().Which.Name.Should().Be("Token");
        contracts[0].Types!["Token.Stage"].EnumMembers.Should().Equal("Off", "On");
        NatSpec.Contract(contracts[0]).Notice.Should().Be("T\nN");
    }

    [Fact]
    public void Load_BuildWithoutNatSpec_ThrowsWithTheConfigurationToFix()
    {
        WriteArtifact("Token.sol", "Token", "project/contracts/Token.sol", "0x6080");
        WriteBuildInfo("""{ "output": { "contracts": { "project/contracts/Token.sol": { "Token": { "abi": [] } } }, "sources": {} } }""");

        var act = () => ArtifactReader.Load(_artifacts);

        act.Should().Throw<InvalidOperationException>().WithMessage("*outputSelection*");
    }

    [Fact]
    public void Load_NoArtifacts_ThrowsAskingForABuild()
    {
        var act = () => ArtifactReader.Load(Path.Combine(_artifacts, "missing"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*npx hardhat build*");
    }

    private void WriteArtifact(string path, string name, string sourceName, string bytecode)
    {
        var file = Path.Combine(_artifacts, "contracts", path, name + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $$"""
            { "contractName": "{{name}}", "abi": [], "bytecode": "{{bytecode}}", "inputSourceName": "{{sourceName}}", "buildInfoId": "{{BuildId}}" }
            """);
    }

    private void WriteBuildInfo(string json)
    {
        Directory.CreateDirectory(Path.Combine(_artifacts, "build-info"));
        File.WriteAllText(Path.Combine(_artifacts, "build-info", BuildId + ".output.json"), json);
    }
}
