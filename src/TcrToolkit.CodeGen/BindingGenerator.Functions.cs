using System.Globalization;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>The main file, <c>Name.g.cs</c>: the binding class, a call, send, estimate, encoder and decoder per function, output records, and the contract's structs and enums.</content>
internal sealed partial class BindingGenerator
{
    private string EmitMain()
    {
        var functions = new CodeWriter();
        foreach (var (name, function, output) in _functions)
        {
            EmitFunction(functions, name, function, output);
        }

        var code = Header("Functions and types");
        var doc = NatSpec.Contract(_source);
        code.DocText("summary", doc.Notice ?? $"Typed bindings of the {Class} contract.");
        code.Doc("remarks", [.. doc.Details is { } details ? NatSpec.ToXmlLines(details).Append("") : [],
            "Reads go through <see cref=\"RpcClient\"/> (<c>eth_call</c>); transactions through <see cref=\"TransactionSender\"/>."]);
        code.Open($"public sealed partial class {Class}");
        code.Line($"/// <summary>Binds the contract deployed at <paramref name=\"address\"/>.</summary>");
        code.Line("/// <param name=\"client\">The client for calls and gas estimates.</param>");
        code.Line("/// <param name=\"address\">The contract's address.</param>");
        code.Line("/// <param name=\"sender\">The account that sends transactions; <c>null</c> for a read-only binding.</param>");
        code.Open($"public {Class}(RpcClient client, Address address, TransactionSender? sender = null)");
        code.Line("ArgumentNullException.ThrowIfNull(client);");
        code.Line("Client = client;");
        code.Line("Address = address;");
        code.Line("Sender = sender;");
        code.Close();
        code.Line();
        code.Line("/// <summary>The client for calls and gas estimates.</summary>");
        code.Line("public RpcClient Client { get; }");
        code.Line();
        code.Line("/// <summary>The contract's address.</summary>");
        code.Line("public Address Address { get; }");
        code.Line();
        code.Line("/// <summary>The account that sends transactions, or <c>null</c> for a read-only binding.</summary>");
        code.Line("public TransactionSender? Sender { get; }");
        code.Line();
        code.Line("/// <summary>The same contract bound to another sending account.</summary>");
        code.Line("/// <param name=\"sender\">The account that sends transactions.</param>");
        code.Line($"public {Class} WithSender(TransactionSender sender) => new(Client, Address, sender);");
        code.Line();
        code.Line("private TransactionSender RequireSender() =>");
        code.Line($"    Sender ?? throw new InvalidOperationException(\"This {Class} binding is read-only: create it with a TransactionSender (or call WithSender) to send transactions.\");");
        foreach (var line in functions.ToString().TrimEnd('\n').Split('\n'))
        {
            code.Line(line);
        }

        foreach (var (name, function, output) in _functions.Where(f => f.OutputRecord is not null))
        {
            EmitOutputRecord(code, name, function, output!);
        }

        EmitTypes(code);
        if (_types.NeedsFixedBytesCheck)
        {
            code.Line();
            code.Open("private static byte[] CheckFixedBytes(byte[] value, int size, string name)");
            code.Line("ArgumentNullException.ThrowIfNull(value, name);");
            code.Line("return value.Length == size ? value : throw new ArgumentException($\"A bytes{size} value holds exactly {size} bytes; got {value.Length}.\", name);");
            code.Close();
        }

        _types.EmitHelpers(code);
        code.Close();
        return code.ToString();
    }

    private void EmitTypes(CodeWriter code)
    {
        // Mapping the members of a record can register nested tuples and enums: map until nothing new appears.
        for (var count = -1; count != _types.Structs.Count() + _types.Enums.Count();)
        {
            count = _types.Structs.Count() + _types.Enums.Count();
            foreach (var c in _types.Structs.ToList().SelectMany(m => m.Type.Components))
            {
                _ = _types.CsType(c.Type, c.InternalType);
            }
        }

        foreach (var model in _types.Enums)
        {
            var definition = _source.Types?.GetValueOrDefault(model.FullName);
            code.Line();
            var doc = NatSpec.Parse(definition?.Documentation);
            code.Line(Single("summary", doc.Notice ?? $"The Solidity enum <c>{model.FullName}</c>.", raw: doc.Notice is null));
            code.Line("[SuppressMessage(\"Design\", \"CA1028:Enum Storage should be Int32\", Justification = \"Solidity enums are uint8.\")]");
            code.Line($"public enum {model.Name} : byte");
            code.Line("{");
            var members = definition?.EnumMembers ?? [];
            for (var i = 0; i < members.Count; i++)
            {
                if (i > 0)
                {
                    code.Line();
                }

                code.Line($"    /// <summary><c>{model.FullName}.{members[i]}</c>.</summary>");
                code.Line($"    {Naming.Escape(Naming.Pascal(members[i]))} = {i.ToString(CultureInfo.InvariantCulture)},");
            }

            code.Line("}");
        }

        foreach (var model in _types.Structs.ToList())
        {
            var definition = _source.Types?.GetValueOrDefault(model.FullName);
            var doc = NatSpec.Parse(definition?.Documentation);
            code.Line();
            code.Line(Single("summary", doc.Notice ?? $"The tuple <c>{model.FullName}</c>: <c>{Xml(model.Type.ToDisplayString())}</c>.", raw: doc.Notice is null));
            var parameters = new List<string>();
            for (var i = 0; i < model.Type.Components.Count; i++)
            {
                var c = model.Type.Components[i];
                code.Line($"/// <param name=\"{model.PropertyNames[i]}\"><c>{Xml(c.Type.ToDisplayString())} {Xml(c.Name)}</c>.</param>");
                parameters.Add($"{_types.CsType(c.Type, c.InternalType)} {model.PropertyNames[i]}");
            }

            code.Line($"public sealed record {model.Name}({string.Join(", ", parameters)});");
        }
    }

    private void EmitOutputRecord(CodeWriter code, string name, AbiFunction function, string recordName)
    {
        var doc = NatSpec.Find(_source, "methods", function.Signature);
        var names = TypeMap.PropertyNames(function.Outputs, recordName);
        code.Line();
        code.Line($"/// <summary>The return values of <c>{Xml(function.Signature)}</c>.</summary>");
        var parameters = new List<string>();
        for (var i = 0; i < function.Outputs.Count; i++)
        {
            var o = function.Outputs[i];
            var text = doc.Returns.GetValueOrDefault(o.Name.Length > 0 ? o.Name : "_" + i.ToString(CultureInfo.InvariantCulture))
                ?? doc.Returns.GetValueOrDefault("_" + i.ToString(CultureInfo.InvariantCulture));
            code.Line($"/// <param name=\"{names[i]}\">{(text is null ? $"<c>{Xml(o.Type.ToDisplayString())} {Xml(o.Name)}</c>." : NatSpec.ToXmlInline(text))}</param>");
            parameters.Add($"{_types.CsType(o.Type, o.InternalType)} {names[i]}");
        }

        code.Line($"public sealed record {recordName}({string.Join(", ", parameters)});");
        _ = name;
    }

    private void EmitFunction(CodeWriter code, string name, AbiFunction function, string? outputRecord)
    {
        var f = DescribeFunction(name, function, outputRecord);
        EmitCall(code, f);
        if (!function.IsReadOnly)
        {
            EmitSend(code, f);
            EmitEstimate(code, f);
        }

        EmitEncode(code, f);
        if (function.Outputs.Count > 0)
        {
            EmitDecodeOutput(code, f);
        }
    }

    /// <summary>What the methods of one function share: its names, arguments, docs and return type.</summary>
    private sealed record FunctionShape(
        string Name,
        AbiFunction Function,
        string? OutputRecord,
        bool Payable,
        List<Arg> Args,
        string Signature,
        string Declared,
        string Passed,
        IReadOnlyList<string> Summary,
        IReadOnlyList<string> Details,
        string ValueDecl,
        string ValueInit,
        string ReturnType,
        string ReturnDoc);

    private FunctionShape DescribeFunction(string name, AbiFunction function, string? outputRecord)
    {
        var doc = NatSpec.Find(_source, "methods", function.Signature);
        var payable = function.StateMutability == "payable";
        var args = Args(function.Inputs, doc, payable ? [.. CallLocals, "value"] : CallLocals);
        var signature = Xml(function.Signature);
        var declared = string.Join("", args.Select(a => $"{a.CsType} {a.Name}, "));
        var passed = string.Join(", ", args.Select(a => a.Name));
        var summary = doc.Notice is null ? [] : NatSpec.ToXmlLines(doc.Notice);
        var details = doc.Details is null ? [] : NatSpec.ToXmlLines(doc.Details);
        var valueDecl = payable ? "UInt256 value = default, " : "";
        var valueInit = payable ? ", Value = value" : "";

        string returnType;
        string returnDoc;
        if (function.Outputs.Count == 0)
        {
            returnType = "Task";
            returnDoc = "";
        }
        else if (outputRecord is not null)
        {
            returnType = $"Task<{outputRecord}>";
            returnDoc = $"The return values, as <see cref=\"{outputRecord}\"/>.";
        }
        else
        {
            var o = function.Outputs[0];
            returnType = $"Task<{_types.CsType(o.Type, o.InternalType)}>";
            returnDoc = doc.Returns.GetValueOrDefault(o.Name.Length > 0 ? o.Name : "_0") is { } r ? NatSpec.ToXmlInline(r)
                : doc.Returns.GetValueOrDefault("_0") is { } r0 ? NatSpec.ToXmlInline(r0) : $"The <c>{Xml(o.Type.ToDisplayString())}</c> return value.";
        }

        return new FunctionShape(name, function, outputRecord, payable, args, signature, declared, passed, summary, details, valueDecl, valueInit, returnType, returnDoc);
    }

    /// <summary>The arguments' docs, and the <c>value</c> parameter's when the function is payable.</summary>
    private static void ParamDocs(CodeWriter code, FunctionShape f, string valueDoc)
    {
        ParamDocs(code, f.Args);
        if (f.Payable)
        {
            code.Line($"/// <param name=\"value\">{valueDoc}</param>");
        }
    }

    /// <summary><c>NameAsync</c>: the function through <c>eth_call</c>.</summary>
    private static void EmitCall(CodeWriter code, FunctionShape f)
    {
        code.Line();
        code.Doc("summary", f.Summary.Count > 0 ? f.Summary : [$"Calls <c>{f.Signature}</c>."]);
        code.Doc("remarks", [.. f.Details, .. f.Details.Count > 0 ? EmptyLine : [],
            f.Function.IsReadOnly ? $"Reads <c>{f.Signature}</c> with <c>eth_call</c>." : $"Simulates <c>{f.Signature}</c> with <c>eth_call</c>: nothing is sent; see <see cref=\"Send{f.Name}Async\"/>."]);
        ParamDocs(code, f, "Wei sent with the call.");
        code.Line("/// <param name=\"from\">The caller (<c>msg.sender</c>); the sender's account, if any, by default.</param>");
        code.Line("/// <param name=\"block\">The block to read at; the latest by default.</param>");
        code.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        if (f.ReturnDoc.Length > 0)
        {
            code.Line($"/// <returns>{f.ReturnDoc}</returns>");
        }

        code.Line("/// <exception cref=\"ContractRevertedException\">The call reverted; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
        code.Open($"public async {f.ReturnType} {f.Name}Async({f.Declared}{f.ValueDecl}Address? from = null, BlockTag block = default, CancellationToken cancellationToken = default)");
        var request = $"new CallRequest {{ From = from ?? Sender?.Address, To = Address, Data = Encode{f.Name}({f.Passed}){f.ValueInit} }}";
        if (f.Function.Outputs.Count == 0)
        {
            code.Line($"await Client.CallAsync({request}, block, cancellationToken).ConfigureAwait(false);");
        }
        else
        {
            code.Line($"var returned = await Client.CallAsync({request}, block, cancellationToken).ConfigureAwait(false);");
            code.Line($"return Decode{f.Name}Output(returned);");
        }

        code.Close();
    }

    /// <summary><c>SendNameAsync</c>: a transaction calling the function, waited for.</summary>
    private static void EmitSend(CodeWriter code, FunctionShape f)
    {
        code.Line();
        code.Doc("summary", [$"Sends a transaction calling <c>{f.Signature}</c> and waits for its receipt.", .. f.Summary.Count > 0 ? EmptyLine.Concat(f.Summary) : []]);
        if (f.Details.Count > 0)
        {
            code.Doc("remarks", f.Details);
        }

        ParamDocs(code, f, "Wei sent with the transaction.");
        code.Line("/// <param name=\"gasLimit\">The gas limit; estimated (with the sender's margin) when <c>null</c>.</param>");
        code.Line("/// <param name=\"cancellationToken\">Cancels sending or waiting.</param>");
        code.Line("/// <returns>The receipt of the mined transaction.</returns>");
        code.Line("/// <exception cref=\"ContractRevertedException\">The transaction would revert or reverted; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
        code.Line("/// <exception cref=\"InvalidOperationException\">The binding has no <see cref=\"Sender\"/>.</exception>");
        code.Line($"public Task<TransactionReceipt> Send{f.Name}Async({f.Declared}{f.ValueDecl}ulong? gasLimit = null, CancellationToken cancellationToken = default) =>");
        code.Line($"    RequireSender().SendAndWaitAsync(new TransactionRequest {{ To = Address, Data = Encode{f.Name}({f.Passed}), GasLimit = gasLimit{f.ValueInit} }}, cancellationToken);");
    }

    /// <summary><c>EstimateNameAsync</c>: the gas a transaction calling the function needs.</summary>
    private static void EmitEstimate(CodeWriter code, FunctionShape f)
    {
        code.Line();
        code.Line($"/// <summary>Estimates the gas a transaction calling <c>{f.Signature}</c> needs.</summary>");
        ParamDocs(code, f, "Wei sent with the transaction.");
        code.Line("/// <param name=\"from\">The sending account; the sender's account, if any, by default.</param>");
        code.Line("/// <param name=\"cancellationToken\">Cancels the estimate.</param>");
        code.Line("/// <returns>The gas estimate.</returns>");
        code.Line("/// <exception cref=\"ContractRevertedException\">The transaction would revert; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
        code.Line($"public Task<ulong> Estimate{f.Name}Async({f.Declared}{f.ValueDecl}Address? from = null, CancellationToken cancellationToken = default) =>");
        code.Line($"    Client.EstimateGasAsync(new CallRequest {{ From = from ?? Sender?.Address, To = Address, Data = Encode{f.Name}({f.Passed}){f.ValueInit} }}, cancellationToken);");
    }

    /// <summary><c>EncodeName</c>: the calldata.</summary>
    private void EmitEncode(CodeWriter code, FunctionShape f)
    {
        code.Line();
        code.Line($"/// <summary>Encodes calldata for <c>{f.Signature}</c> (selector <c>{f.Function.Selector}</c>).</summary>");
        ParamDocs(code, f.Args);
        code.Line("/// <returns>The selector followed by the ABI-encoded arguments.</returns>");
        code.Open($"public static byte[] Encode{f.Name}({string.Join(", ", f.Args.Select(a => $"{a.CsType} {a.Name}"))})");
        EmitArgumentWriter(code, f.Args);
        code.Line($"return writer.ToArray({SelectorBytes(f.Function.Selector)});");
        code.Close();
    }

    /// <summary><c>DecodeNameOutput</c>: the return data, as the single value or the output record.</summary>
    private void EmitDecodeOutput(CodeWriter code, FunctionShape f)
    {
        code.Line();
        code.Line($"/// <summary>Decodes the return data of <c>{f.Signature}</c>.</summary>");
        code.Line("/// <param name=\"data\">The return data.</param>");
        code.Line($"/// <returns>{f.ReturnDoc}</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The data is malformed.</exception>");
        var type = f.ReturnType[5..^1];
        code.Open($"public static {type} Decode{f.Name}Output(ReadOnlySpan<byte> data)");
        code.Line("var reader = new AbiReader(data);");
        if (f.OutputRecord is null)
        {
            var o = f.Function.Outputs[0];
            code.Line($"return {_types.Read(o.Type, o.InternalType, "reader")};");
        }
        else
        {
            code.Line($"return new {f.OutputRecord}(");
            for (var i = 0; i < f.Function.Outputs.Count; i++)
            {
                var o = f.Function.Outputs[i];
                code.Line("    " + _types.Read(o.Type, o.InternalType, "reader") + (i + 1 < f.Function.Outputs.Count ? "," : ");"));
            }
        }

        code.Close();
    }
}
