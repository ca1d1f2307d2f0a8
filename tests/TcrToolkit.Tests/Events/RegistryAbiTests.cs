using System.Text.Json.Nodes;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

[Trait("Category", "Integration")]
public sealed class RegistryAbiTests
{
    [Fact]
    public void EmbeddedAbi_EqualsTheCurrentArtifactsAbi()
    {
        var artifact = Path.Combine(Repository.Root, "artifacts", "contracts", "MailServerRegistry.sol", "MailServerRegistry.json");
        File.Exists(artifact).Should().BeTrue($"the tests need the Hardhat artifacts; run 'npx hardhat build' in {Repository.Root}");

        var current = JsonNode.Parse(File.ReadAllText(artifact))!["abi"];
        var embedded = JsonNode.Parse(RegistryAbi.Json);

        JsonNode.DeepEquals(embedded, current).Should().BeTrue(
            "src/TcrToolkit/Events/MailServerRegistry.abi.json must be the artifact's 'abi'; copy it again after changing the contract");
    }
}
