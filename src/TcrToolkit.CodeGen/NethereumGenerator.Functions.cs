using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>
/// The functions file, <c>NameFunctions.g.cs</c>: a <c>FunctionMessage</c> per function with <c>[Function]</c> and
/// <c>[Parameter]</c>, and a <c>[FunctionOutput]</c> DTO where Nethereum.Generators writes one (a view with outputs, or
/// any function with several outputs or a tuple output).
/// </content>
internal sealed partial class NethereumGenerator
{
    private string EmitFunctions()
    {
        var code = Header("Function messages and output DTOs", DefinitionNamespace, "Nethereum.Contracts");
        var first = true;
        foreach (var (name, function) in _functions)
        {
            if (!first)
            {
                code.Line();
            }

            first = false;
            EmitFunctionMessage(code, name, function);
            if (HasOutputDto(function))
            {
                code.Line();
                EmitOutputDto(code, name, function);
            }
        }

        return code.ToString();
    }

    /// <summary>Nethereum reads a result into an output DTO for several outputs or one tuple.</summary>
    private static bool IsMultipleOutput(AbiFunction function) =>
        function.Outputs.Count > 1 || (function.Outputs.Count == 1 && IsTupleLike(function.Outputs[0].Type));

    private static bool HasOutputDto(AbiFunction function) =>
        (function.Outputs.Count > 0 && function.IsReadOnly) || IsMultipleOutput(function);

    private static bool IsTupleLike(AbiType type) => AbiTypeName(type).StartsWith("tuple", StringComparison.Ordinal);

    private void EmitFunctionMessage(CodeWriter code, string name, AbiFunction function)
    {
        var type = name + "Function";
        var doc = NatSpec.Find(_source, "methods", function.Signature);
        EmitPartialMain(code, type, $"The message of <c>{Xml(function.Signature)}</c>: its arguments, and the sender, gas and value of a transaction.");
        code.Doc("summary", Summary(doc, $"Calls <c>{Xml(function.Signature)}</c> of {Class}."));
        if (IsMultipleOutput(function))
        {
            code.Line($"[Function(\"{function.Name}\", typeof({name}OutputDTO))]");
        }
        else if (function.Outputs.Count == 1)
        {
            code.Line($"[Function(\"{function.Name}\", \"{AbiTypeName(function.Outputs[0].Type)}\")]");
        }
        else
        {
            code.Line($"[Function(\"{function.Name}\")]");
        }

        code.Open($"public class {type}Base : FunctionMessage");
        EmitProperties(code, Properties(function.Inputs, type + "Base", outputs: false, doc, message: true));
        code.Close();
    }

    private void EmitOutputDto(CodeWriter code, string name, AbiFunction function)
    {
        var type = name + "OutputDTO";
        var doc = NatSpec.Find(_source, "methods", function.Signature);
        EmitPartialMain(code, type, $"What <c>{Xml(function.Signature)}</c> returns.");
        code.Line($"/// <summary>What <c>{Xml(function.Signature)}</c> returns.</summary>");
        code.Line("[FunctionOutput]");
        code.Open($"public class {type}Base : IFunctionOutputDTO");
        EmitProperties(code, Properties(function.Outputs, type + "Base", outputs: true, doc));
        code.Close();
    }
}
