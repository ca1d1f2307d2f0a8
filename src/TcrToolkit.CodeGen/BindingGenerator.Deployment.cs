using System.Globalization;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>The deployment file, <c>Name.Deployment.g.cs</c>: the embedded creation bytecode, <c>EncodeDeployment</c> and <c>DeployAsync</c>.</content>
internal sealed partial class BindingGenerator
{
    private string EmitDeployment()
    {
        var code = Header("Deployment");
        OpenClass(code);
        var bytecode = _source.Bytecode.StartsWith("0x", StringComparison.Ordinal) ? _source.Bytecode[2..] : _source.Bytecode;
        if (bytecode.Contains("__$", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Class}'s bytecode needs linked libraries, which the generator does not support.");
        }

        EmitBytecode(code, bytecode);
        var constructor = _source.Abi.Constructor;
        var doc = NatSpec.Find(_source, "methods", "constructor");
        var args = Args(constructor?.Inputs ?? [], doc, DeploymentLocals);
        var payable = constructor?.StateMutability == "payable";
        var passed = string.Join(", ", args.Select(a => a.Name));
        code.Line();
        code.Line("/// <summary>Encodes deployment data: the creation bytecode followed by the ABI-encoded constructor arguments.</summary>");
        ParamDocs(code, args);
        code.Line("/// <returns>The data of a contract-creation transaction.</returns>");
        code.Open($"public static byte[] EncodeDeployment({string.Join(", ", args.Select(a => $"{a.CsType} {a.Name}"))})");
        EmitArgumentWriter(code, args);
        code.Line("return writer.ToArray(Hex.Decode(BytecodeHex));");
        code.Close();
        code.Line();
        code.Doc("summary", [$"Deploys {Class} and waits for the receipt.", .. doc.Notice is null ? [] : EmptyLine.Concat(NatSpec.ToXmlLines(doc.Notice))]);
        if (doc.Details is not null)
        {
            code.DocText("remarks", doc.Details);
        }

        code.Line("/// <param name=\"sender\">The deploying account.</param>");
        code.Line("/// <param name=\"client\">The client the returned binding reads through.</param>");
        ParamDocs(code, args);
        if (payable)
        {
            code.Line("/// <param name=\"value\">Wei sent to the constructor.</param>");
        }

        code.Line("/// <param name=\"gasLimit\">The gas limit; estimated when <c>null</c>.</param>");
        code.Line("/// <param name=\"cancellationToken\">Cancels sending or waiting.</param>");
        code.Line("/// <returns>A binding of the new contract that sends with <paramref name=\"sender\"/>.</returns>");
        code.Line("/// <exception cref=\"ContractRevertedException\">The constructor reverted; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
        var declared = string.Join("", args.Select(a => $"{a.CsType} {a.Name}, "));
        code.Open($"public static async Task<{Class}> DeployAsync(TransactionSender sender, RpcClient client, {declared}{(payable ? "UInt256 value = default, " : "")}ulong? gasLimit = null, CancellationToken cancellationToken = default)");
        code.Line("ArgumentNullException.ThrowIfNull(sender);");
        code.Line($"var request = new TransactionRequest {{ Data = EncodeDeployment({passed}), GasLimit = gasLimit{(payable ? ", Value = value" : "")} }};");
        code.Line("var receipt = await sender.SendAndWaitAsync(request, cancellationToken).ConfigureAwait(false);");
        code.Line($"var address = receipt.ContractAddress ?? throw new InvalidOperationException($\"The deployment of {Class} in transaction {{receipt.TransactionHash}} created no contract.\");");
        code.Line("return new(client, address, sender);");
        code.Close();
        code.Close();
        return code.ToString();
    }

    /// <summary><c>BytecodeHex</c>: the creation bytecode, in lines of 112 hex digits.</summary>
    private static void EmitBytecode(CodeWriter code, string bytecode)
    {
        code.Line("/// <summary>The creation bytecode, as <c>0x</c> hex.</summary>");
        code.Line("public const string BytecodeHex =");
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
    }
}
