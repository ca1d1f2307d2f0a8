using System.Text.Json;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <summary>What the generator knows about one contract: its ABI, creation bytecode and NatSpec.</summary>
/// <param name="Name">The contract name, which becomes the C# class name.</param>
/// <param name="AbiJson">The JSON ABI array.</param>
/// <param name="Bytecode">The creation bytecode as <c>0x</c> hex; empty for none.</param>
/// <param name="DevDoc">The compiler's <c>devdoc</c> output, or <c>null</c>.</param>
/// <param name="UserDoc">The compiler's <c>userdoc</c> output, or <c>null</c>.</param>
/// <param name="Types">Enum members and struct/enum NatSpec from the AST, keyed by canonical name (<c>IMailServerRegistry.Stage</c>).</param>
internal sealed record ContractSource(
    string Name,
    string AbiJson,
    string Bytecode,
    JsonElement? DevDoc = null,
    JsonElement? UserDoc = null,
    IReadOnlyDictionary<string, TypeDefinition>? Types = null)
{
    /// <summary>The parsed ABI.</summary>
    public ContractAbi Abi { get; } = ContractAbi.Parse(AbiJson);
}

/// <summary>A struct or enum definition found in the AST.</summary>
/// <param name="CanonicalName">For example <c>IMailServerRegistry.Stage</c>.</param>
/// <param name="EnumMembers">The enum's member names in order; <c>null</c> for a struct.</param>
/// <param name="Documentation">The NatSpec text, or <c>null</c>.</param>
internal sealed record TypeDefinition(string CanonicalName, IReadOnlyList<string>? EnumMembers, string? Documentation);
