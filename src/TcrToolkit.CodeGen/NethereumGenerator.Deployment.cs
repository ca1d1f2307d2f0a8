namespace TcrToolkit.CodeGen;

/// <content>The deployment file, <c>NameDeployment.g.cs</c>: a <c>ContractDeploymentMessage</c> with the creation bytecode and the constructor's parameters.</content>
internal sealed partial class NethereumGenerator
{
    private string EmitDeployment()
    {
        var code = Header("Deployment message", DefinitionNamespace, "Nethereum.Contracts");
        var bytecode = _source.Bytecode.StartsWith("0x", StringComparison.Ordinal) ? _source.Bytecode[2..] : _source.Bytecode;
        if (bytecode.Contains("__$", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Class}'s bytecode needs linked libraries, which the generator does not support.");
        }

        var name = Class + "Deployment";
        var doc = NatSpec.Find(_source, "methods", "constructor");
        code.Line($"/// <summary>Deploys {Class}: its creation bytecode and constructor arguments.</summary>");
        code.Open($"public partial class {name} : {name}Base");
        code.Line("/// <summary>A deployment of the compiled bytecode.</summary>");
        code.Line($"public {name}() : base(BYTECODE) {{ }}");
        code.Line();
        code.Line("/// <summary>A deployment of other bytecode with the same constructor (a linked or instrumented build).</summary>");
        code.Line("/// <param name=\"byteCode\">The creation bytecode as hex.</param>");
        code.Line($"public {name}(string byteCode) : base(byteCode) {{ }}");
        code.Close();
        code.Line();
        code.Doc("summary", Summary(doc, $"The deployment message of {Class}, with the constructor's parameters."));
        code.Open($"public class {name}Base : ContractDeploymentMessage");
        code.Line("/// <summary>The creation bytecode, as <c>0x</c> hex.</summary>");
        code.Line("public static string BYTECODE =");
        code.Line("    \"0x\"");
        const int Chunk = 112;
        for (var i = 0; i < bytecode.Length; i += Chunk)
        {
            var part = bytecode.Substring(i, Math.Min(Chunk, bytecode.Length - i));
            code.Line($"    + \"{part}\"{(i + Chunk >= bytecode.Length ? ";" : "")}");
        }

        if (bytecode.Length == 0)
        {
            code.Line("    ;");
        }

        code.Line();
        code.Line("/// <summary>A deployment of the compiled bytecode.</summary>");
        code.Line($"public {name}Base() : base(BYTECODE) {{ }}");
        code.Line();
        code.Line("/// <summary>A deployment of other bytecode with the same constructor.</summary>");
        code.Line("/// <param name=\"byteCode\">The creation bytecode as hex.</param>");
        code.Line($"public {name}Base(string byteCode) : base(byteCode) {{ }}");
        var properties = Properties(_source.Abi.Constructor?.Inputs ?? [], name + "Base", outputs: false, doc, message: true);
        if (properties.Count > 0)
        {
            code.Line();
            EmitProperties(code, properties);
        }

        code.Close();
        return code.ToString();
    }
}
