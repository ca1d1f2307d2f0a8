using System.Globalization;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>The errors file, <c>Name.Errors.g.cs</c>: a record per custom error with its decoder and encoder, the contract's <c>RevertDecoder</c>, <c>DecodeError</c> and <c>TryGetError</c>.</content>
internal sealed partial class BindingGenerator
{
    private string EmitErrors()
    {
        var code = Header("Custom errors");
        OpenClass(code);
        code.Line($"/// <summary>A custom error of {Class}.</summary>");
        code.Line("public abstract record CustomError;");
        code.Line();
        code.Line($"/// <summary>Decodes revert data into the standard errors and every custom error of {Class}, for <see cref=\"RpcClientOptions.RevertDecoder\"/>.</summary>");
        code.Line("public static RevertDecoder RevertDecoder { get; } = new(new AbiError[]");
        code.Line("{");
        foreach (var (_, error) in _errors)
        {
            code.Line($"    AbiError.Parse(\"{error.Name}({string.Join(",", error.Inputs.Select(p => p.Type.ToDisplayString() + (p.Name.Length > 0 ? " " + p.Name : "")))})\"),");
        }

        code.Line("});");
        code.Line();
        code.Line("/// <summary>Decodes revert data into a typed custom error.</summary>");
        code.Line("/// <param name=\"revertData\">The revert data: a selector and the ABI-encoded arguments.</param>");
        code.Line($"/// <returns>The error, or <c>null</c> when the selector is none of {Class}'s custom errors.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The selector is known but the arguments are malformed.</exception>");
        code.Open("public static CustomError? DecodeError(ReadOnlySpan<byte> revertData)");
        code.Open("if (revertData.Length < AbiSelector.Size)");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("return AbiSelector.Read(revertData).Value switch");
        code.Line("{");
        foreach (var (name, error) in _errors)
        {
            code.Line($"    0x{error.Selector.Value.ToString("x8", CultureInfo.InvariantCulture)}u => {name}.TryDecode(revertData),");
        }

        code.Line("    _ => null,");
        code.Line("};");
        code.Close();
        code.Line();
        code.Line("/// <summary>The typed custom error carried by a revert, if it is one of this contract's.</summary>");
        code.Line("/// <param name=\"exception\">The revert, from a call, a gas estimate or a mined transaction.</param>");
        code.Line("/// <param name=\"error\">The typed error.</param>");
        code.Line("/// <returns>Whether the revert data holds one of this contract's custom errors.</returns>");
        code.Open("public static bool TryGetError(ContractRevertedException exception, [NotNullWhen(true)] out CustomError? error)");
        code.Line("ArgumentNullException.ThrowIfNull(exception);");
        code.Line("error = DecodeError(exception.RevertData);");
        code.Line("return error is not null;");
        code.Close();

        foreach (var (name, error) in _errors)
        {
            EmitError(code, name, error);
        }

        code.Close();
        return code.ToString();
    }

    /// <summary>The record of one custom error: its signature, selector, <c>TryDecode</c> and <c>Encode</c>.</summary>
    private void EmitError(CodeWriter code, string name, AbiError error)
    {
        var doc = NatSpec.Find(_source, "errors", error.Signature);
        var props = TypeMap.PropertyNames(error.Inputs, name, RecordReserved);
        code.Line();
        code.Doc("summary", doc.Notice is null ? [$"The custom error <c>{Xml(error.Signature)}</c>."] : NatSpec.ToXmlLines(doc.Notice));
        if (doc.Details is not null)
        {
            code.DocText("remarks", doc.Details);
        }

        var ctor = new List<string>();
        for (var i = 0; i < error.Inputs.Count; i++)
        {
            var p = error.Inputs[i];
            var text = doc.Param(p.Name) is { } t ? NatSpec.ToXmlInline(t) : $"<c>{Xml(p.ToString())}</c>.";
            code.Line($"/// <param name=\"{props[i]}\">{text}</param>");
            ctor.Add($"{_types.CsType(p.Type, p.InternalType)} {props[i]}");
        }

        code.Open($"public sealed record {name}({string.Join(", ", ctor)}) : CustomError");
        code.Line($"/// <summary>The canonical signature, <c>{Xml(error.Signature)}</c>.</summary>");
        code.Line($"public const string Signature = \"{error.Signature}\";");
        code.Line();
        code.Line("/// <summary>The selector: the first four bytes of the Keccak-256 hash of <see cref=\"Signature\"/>.</summary>");
        code.Line($"public static AbiSelector Selector {{ get; }} = new(0x{error.Selector.Value.ToString("x8", CultureInfo.InvariantCulture)}u);");
        code.Line();
        code.Line("/// <summary>Decodes revert data holding this error.</summary>");
        code.Line("/// <param name=\"revertData\">The revert data.</param>");
        code.Line("/// <returns>The error, or <c>null</c> when the data has another selector.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The selector matches but the arguments are malformed.</exception>");
        code.Open($"public static {name}? TryDecode(ReadOnlySpan<byte> revertData)");
        code.Open("if (revertData.Length < AbiSelector.Size || AbiSelector.Read(revertData) != Selector)");
        code.Line("return null;");
        code.Close();
        code.Line();
        if (error.Inputs.Count > 0)
        {
            code.Line("var reader = new AbiReader(revertData[AbiSelector.Size..]);");
        }

        EmitConstruction(code, name, [.. error.Inputs.Select(p => _types.Read(p.Type, p.InternalType, "reader"))]);
        code.Close();
        code.Line();
        code.Line("/// <summary>Encodes the error as revert data: the selector and the arguments.</summary>");
        code.Line("/// <returns>The revert data.</returns>");
        code.Open("public byte[] Encode()");
        code.Line("using var writer = new AbiWriter();");
        for (var i = 0; i < error.Inputs.Count; i++)
        {
            code.Line(_types.Write(error.Inputs[i].Type, error.Inputs[i].InternalType, "writer", props[i], props[i]));
        }

        code.Line($"return writer.ToArray({SelectorBytes(error.Selector)});");
        code.Close();
        code.Close();
    }
}
