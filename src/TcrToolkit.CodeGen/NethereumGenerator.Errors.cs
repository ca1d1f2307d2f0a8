using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>The errors file, <c>NameErrors.g.cs</c>: an <c>[Error]</c> DTO per custom error, implementing <c>IErrorDTO</c>.</content>
internal sealed partial class NethereumGenerator
{
    private string EmitErrors()
    {
        var code = Header("Custom error DTOs", DefinitionNamespace, "Nethereum.Contracts");
        var first = true;
        foreach (var (name, error) in _errors)
        {
            if (!first)
            {
                code.Line();
            }

            first = false;
            EmitError(code, name, error);
        }

        return code.ToString();
    }

    private void EmitError(CodeWriter code, string name, AbiError error)
    {
        var type = name + "Error";
        var doc = NatSpec.Find(_source, "errors", error.Signature);
        EmitPartialMain(code, type, $"The custom error <c>{Xml(error.Signature)}</c>.");
        code.Doc("summary", Summary(doc, $"The custom error <c>{Xml(error.Signature)}</c> of {Class}."));
        code.Line($"[Error(\"{error.Name}\")]");
        code.Open($"public class {type}Base : IErrorDTO");
        EmitProperties(code, Properties(error.Inputs, type + "Base", outputs: false, doc));
        code.Close();
    }
}
