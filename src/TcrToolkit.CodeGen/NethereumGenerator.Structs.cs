namespace TcrToolkit.CodeGen;

/// <content>The structs file, <c>NameStructs.g.cs</c>: a class with <c>[Parameter]</c> properties per tuple type, named from its Solidity struct.</content>
internal sealed partial class NethereumGenerator
{
    private string EmitStructs()
    {
        var code = Header("Struct classes", DefinitionNamespace);
        var first = true;
        foreach (var (name, tuple) in _structs)
        {
            if (!first)
            {
                code.Line();
            }

            first = false;
            var fullName = _structNames.Single(p => p.Value == name).Key;
            var doc = _source.Types?.GetValueOrDefault(fullName)?.Documentation is { } text ? NatSpec.Parse(text) : MemberDoc.Empty;
            EmitPartialMain(code, name, $"The tuple <c>{Xml(fullName)}</c>.");
            code.Doc("summary", Summary(doc, $"The tuple <c>{Xml(fullName)}</c>: <c>{Xml(tuple.ToDisplayString())}</c>."));
            code.Open($"public class {name}Base");
            EmitProperties(code, Properties(tuple.Components, name + "Base", outputs: false, MemberDoc.Empty));
            code.Close();
        }

        return code.ToString();
    }
}
