using System.Text.Json;

namespace TcrToolkit.CodeGen;

/// <summary>
/// Reads the Hardhat 3 artifacts of the production contracts: every contract under <c>contracts/</c> with creation
/// bytecode, except <c>contracts/test/</c>, with its NatSpec and the enum and struct definitions of its build.
/// </summary>
internal static class ArtifactReader
{
    private const string ProjectPrefix = "project/contracts/";
    private const string TestPrefix = "project/contracts/test/";

    /// <summary>Loads the contracts, sorted by name.</summary>
    /// <param name="artifactsDirectory">Hardhat's <c>artifacts</c> folder.</param>
    /// <exception cref="InvalidOperationException">The artifacts are missing or inconsistent.</exception>
    public static IReadOnlyList<ContractSource> Load(string artifactsDirectory)
    {
        var contractsDirectory = Path.Combine(artifactsDirectory, "contracts");
        if (!Directory.Exists(contractsDirectory))
        {
            throw new InvalidOperationException($"No Hardhat artifacts under {contractsDirectory}: build the contracts first (npx hardhat build).");
        }

        var buildInfos = new Dictionary<string, (JsonDocument Output, Dictionary<string, TypeDefinition> Types)>(StringComparer.Ordinal);
        var contracts = new List<ContractSource>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(contractsDirectory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var artifact = JsonDocument.Parse(File.ReadAllText(file));
                var root = artifact.RootElement;
                if (!root.TryGetProperty("abi", out var abi) || !root.TryGetProperty("bytecode", out var bytecodeElement)
                    || !root.TryGetProperty("inputSourceName", out var sourceElement))
                {
                    continue;
                }

                var sourceName = sourceElement.GetString() ?? "";
                var bytecode = bytecodeElement.GetString() ?? "";
                if (!sourceName.StartsWith(ProjectPrefix, StringComparison.Ordinal) || sourceName.StartsWith(TestPrefix, StringComparison.Ordinal)
                    || bytecode.Length <= 2)
                {
                    continue;
                }

                var name = root.GetProperty("contractName").GetString()!;
                var buildInfoId = root.GetProperty("buildInfoId").GetString()!;
                if (!buildInfos.TryGetValue(buildInfoId, out var buildInfo))
                {
                    var path = Path.Combine(artifactsDirectory, "build-info", buildInfoId + ".output.json");
                    if (!File.Exists(path))
                    {
                        throw new InvalidOperationException($"The artifact {file} names build {buildInfoId}, but {path} is missing: rebuild the contracts.");
                    }

                    var output = JsonDocument.Parse(File.ReadAllText(path));
                    buildInfo = (output, ReadTypes(output.RootElement.GetProperty("output")));
                    buildInfos[buildInfoId] = buildInfo;
                }

                JsonElement? devdoc = null;
                JsonElement? userdoc = null;
                if (buildInfo.Output.RootElement.GetProperty("output").GetProperty("contracts").TryGetProperty(sourceName, out var source)
                    && source.TryGetProperty(name, out var compiled))
                {
                    devdoc = compiled.TryGetProperty("devdoc", out var d) ? d.Clone() : null;
                    userdoc = compiled.TryGetProperty("userdoc", out var u) ? u.Clone() : null;
                }

                if (devdoc is null && userdoc is null)
                {
                    throw new InvalidOperationException(
                        $"The build output has no NatSpec for {name}: hardhat.config.js must select devdoc and userdoc in solidity.settings.outputSelection.");
                }

                contracts.Add(new ContractSource(name, abi.GetRawText(), bytecode, devdoc, userdoc, buildInfo.Types));
            }
        }
        finally
        {
            foreach (var (output, _) in buildInfos.Values)
            {
                output.Dispose();
            }
        }

        var duplicates = contracts.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException($"Several production contracts share a name ({string.Join(", ", duplicates)}); bindings are named by contract.");
        }

        return [.. contracts.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    private static Dictionary<string, TypeDefinition> ReadTypes(JsonElement output)
    {
        var types = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);
        if (output.TryGetProperty("sources", out var sources))
        {
            foreach (var source in sources.EnumerateObject())
            {
                if (source.Value.TryGetProperty("ast", out var ast))
                {
                    Walk(ast, types);
                }
            }
        }

        return types;
    }

    private static void Walk(JsonElement node, Dictionary<string, TypeDefinition> types)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                Walk(item, types);
            }

            return;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (node.TryGetProperty("nodeType", out var kind) && kind.GetString() is "EnumDefinition" or "StructDefinition"
            && node.TryGetProperty("canonicalName", out var canonical))
        {
            var isEnum = kind.GetString() == "EnumDefinition";
            var documentation = node.TryGetProperty("documentation", out var doc) && doc.ValueKind == JsonValueKind.Object
                && doc.TryGetProperty("text", out var text) ? text.GetString() : null;
            List<string>? members = isEnum ? [.. node.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()!)] : null;
            types.TryAdd(canonical.GetString()!, new TypeDefinition(canonical.GetString()!, members, documentation));
            return;
        }

        foreach (var property in node.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Walk(property.Value, types);
            }
        }
    }
}
