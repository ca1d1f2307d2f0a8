using System.Text.Json;

namespace TcrToolkit.CodeGen.Tests;

/// <summary>
/// The hand-written kitchen-sink ABI (every ABI type, overloads, indexed dynamic values, an anonymous event, custom
/// errors) and the bindings generated from it, which are checked in under KitchenSink/ and compiled into this project.
/// </summary>
internal static class KitchenSinkSource
{
    public const string Namespace = "TcrToolkit.CodeGen.Tests.Generated";

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "KitchenSink");

    /// <summary>The test project's source folder, where the golden files live.</summary>
    public static string ProjectDirectory => Repository.PathOf("tests", "TcrToolkit.CodeGen.Tests");

    public static ContractSource Load()
    {
        var abi = File.ReadAllText(Path.Combine(Directory, "KitchenSink.abi.json"));
        using var natspec = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "KitchenSink.natspec.json")));
        var types = new Dictionary<string, TypeDefinition>
        {
            ["KitchenSink.Stage"] = new("KitchenSink.Stage", ["None", "Active", "Closed"], "@notice Lifecycle of a thing.\n@dev Three stages."),
            ["KitchenSink.Inner"] = new("KitchenSink.Inner", null, "@notice An id with a payload."),
        };
        return new ContractSource(
            "KitchenSink",
            abi,
            "0x6080604052348015600e575f5ffd5b50603e80601a5f395ff3fe60806040525f5ffdfea2646970667358221220",
            natspec.RootElement.GetProperty("devdoc").Clone(),
            natspec.RootElement.GetProperty("userdoc").Clone(),
            types);
    }

    public static IReadOnlyList<GeneratedFile> Generate() => BindingGenerator.Generate(Load(), Namespace);
}
