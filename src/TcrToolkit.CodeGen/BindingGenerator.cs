using System.Globalization;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <summary>One file the generator writes, with a path relative to the output folder.</summary>
internal sealed record GeneratedFile(string Path, string Content);

/// <summary>
/// Writes the C# bindings of one contract: typed calls, sends, gas estimates and calldata encoders for every function;
/// records with decoders and topic filters for events; records and a revert decoder for custom errors; and deployment
/// with the embedded creation bytecode. Every value is encoded and decoded by direct <see cref="AbiWriter"/> and
/// <see cref="AbiReader"/> calls. The output depends only on the input: members are sorted and nothing varies by run.
/// </summary>
internal sealed class BindingGenerator
{
    private static readonly string[] CallLocals = ["from", "block", "cancellationToken", "gasLimit", "writer", "reader", "returned"];
    private static readonly string[] EmptyLine = [""];
    private static readonly string[] DeploymentLocals = ["sender", "client", "gasLimit", "cancellationToken", "writer", "receipt", "value"];
    private static readonly HashSet<string> RecordReserved = ["Topic", "Signature", "Selector", "Encode", "TryDecode", "CreateFilter"];

    private readonly ContractSource _source;
    private readonly string _namespace;
    private readonly TypeMap _types;
    private readonly List<(string Name, AbiFunction Function, string? OutputRecord)> _functions = [];
    private readonly List<(string Name, AbiEvent Event)> _events = [];
    private readonly List<(string Name, AbiError Error)> _errors = [];

    private BindingGenerator(ContractSource source, string @namespace)
    {
        _source = source;
        _namespace = @namespace;
        var abi = source.Abi;
        var parameters = abi.Functions.SelectMany(f => f.Inputs.Concat(f.Outputs))
            .Concat(abi.Events.SelectMany(e => e.Inputs))
            .Concat(abi.Errors.SelectMany(e => e.Inputs))
            .Concat(abi.Constructor?.Inputs ?? []);
        foreach (var (name, function) in Distinct(abi.Functions, f => f.Name, f => f.Signature))
        {
            _functions.Add((name, function, function.Outputs.Count > 1 ? name + "Output" : null));
        }

        _events.AddRange(Distinct(abi.Events, e => e.Name, e => e.Signature).Select(p => (p.Name + "Event", p.Member)));
        _errors.AddRange(Distinct(abi.Errors, e => e.Name, e => e.Signature).Select(p => (p.Name + "Error", p.Member)));
        var reserved = new HashSet<string>(StringComparer.Ordinal) { source.Name, "Event", "CustomError" };
        reserved.UnionWith(_events.Select(e => e.Name));
        reserved.UnionWith(_errors.Select(e => e.Name));
        reserved.UnionWith(_functions.Where(f => f.OutputRecord is not null).Select(f => f.OutputRecord!));
        _types = new TypeMap(parameters, reserved, source.Types);
    }

    private string Class => _source.Name;

    /// <summary>Generates the file set of one contract: <c>Name/Name.g.cs</c>, <c>.Events.g.cs</c>, <c>.Errors.g.cs</c>, <c>.Deployment.g.cs</c>.</summary>
    public static IReadOnlyList<GeneratedFile> Generate(ContractSource source, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(source);
        var generator = new BindingGenerator(source, @namespace);

        // The main file goes last: the others register the tuple and array helpers it holds.
        var events = generator.EmitEvents();
        var errors = generator.EmitErrors();
        var deployment = generator.EmitDeployment();
        var main = generator.EmitMain();
        var folder = source.Name + "/";
        return
        [
            new(folder + source.Name + ".g.cs", main),
            new(folder + source.Name + ".Deployment.g.cs", deployment),
            new(folder + source.Name + ".Errors.g.cs", errors),
            new(folder + source.Name + ".Events.g.cs", events),
        ];
    }

    /// <summary>
    /// The C# names the bindings use, keyed by <c>function:</c>, <c>event:</c> or <c>error:</c> and the signature:
    /// method base names for functions (<c>Transfer2</c>), record names for events and errors.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MemberNames(ContractAbi abi)
    {
        ArgumentNullException.ThrowIfNull(abi);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, f) in Distinct(abi.Functions, f => f.Name, f => f.Signature))
        {
            names["function:" + f.Signature] = name;
        }

        foreach (var (name, e) in Distinct(abi.Events, e => e.Name, e => e.Signature))
        {
            names["event:" + e.Signature] = name + "Event";
        }

        foreach (var (name, e) in Distinct(abi.Errors, e => e.Name, e => e.Signature))
        {
            names["error:" + e.Signature] = name + "Error";
        }

        return names;
    }

    /// <summary>Method base names, with overloads told apart by a number: the one with fewest inputs keeps the name.</summary>
    private static IEnumerable<(string Name, T Member)> Distinct<T>(IEnumerable<T> members, Func<T, string> name, Func<T, string> signature)
        where T : AbiMember
    {
        foreach (var group in members.GroupBy(m => Naming.Pascal(name(m))).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(m => m.Inputs.Count).ThenBy(signature, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                yield return (i == 0 ? group.Key : group.Key + (i + 1).ToString(CultureInfo.InvariantCulture), ordered[i]);
            }
        }
    }

    private CodeWriter Header(string what)
    {
        var code = new CodeWriter();
        code.Line("// <auto-generated>");
        code.Line($"//     {what} of {Class}, written by TcrToolkit.CodeGen from the compiled contract.");
        code.Line("//     Do not edit: change the contract or the generator and run scripts/generate.");
        code.Line("// </auto-generated>");
        code.Line("#nullable enable");
        code.Line();
        code.Line("using System.Diagnostics.CodeAnalysis;");
        code.Line("using System.Numerics;");
        code.Line("using TcrToolkit.Ethereum;");
        code.Line("using TcrToolkit.Ethereum.Abi;");
        code.Line("using TcrToolkit.Ethereum.Rpc;");
        code.Line();
        code.Line($"namespace {_namespace};");
        code.Line();
        return code;
    }

    private void OpenClass(CodeWriter code)
    {
        code.Line($"/// <content>Part of the {Class} bindings.</content>");
        code.Open($"public sealed partial class {Class}");
    }

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

    private sealed record Arg(string Name, string CsType, AbiParameter Parameter, string Doc);

    private List<Arg> Args(IReadOnlyList<AbiParameter> inputs, MemberDoc doc, IEnumerable<string> reserved)
    {
        var taken = new HashSet<string>(reserved, StringComparer.Ordinal);
        var args = new List<Arg>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var p = inputs[i];
            var name = Naming.Camel(p.Name);
            if (name.Length == 0)
            {
                name = "arg" + i.ToString(CultureInfo.InvariantCulture);
            }

            while (taken.Contains(name))
            {
                name += "Arg";
            }

            taken.Add(name);
            var text = doc.Param(p.Name);
            args.Add(new Arg(
                Naming.Escape(name),
                _types.CsType(p.Type, p.InternalType),
                p,
                text is null ? $"<c>{Xml(p.Type.ToDisplayString())}{(p.Name.Length > 0 ? " " + Xml(p.Name) : "")}</c>." : NatSpec.ToXmlInline(text)));
        }

        return args;
    }

    private static void ParamDocs(CodeWriter code, IEnumerable<Arg> args)
    {
        foreach (var arg in args)
        {
            code.Line($"/// <param name=\"{arg.Name.TrimStart('@')}\">{arg.Doc}</param>");
        }
    }

    private void EmitFunction(CodeWriter code, string name, AbiFunction function, string? outputRecord)
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

        // Call.
        code.Line();
        code.Doc("summary", summary.Count > 0 ? summary : [$"Calls <c>{signature}</c>."]);
        code.Doc("remarks", [.. details, .. details.Count > 0 ? EmptyLine : [],
            function.IsReadOnly ? $"Reads <c>{signature}</c> with <c>eth_call</c>." : $"Simulates <c>{signature}</c> with <c>eth_call</c>: nothing is sent; see <see cref=\"Send{name}Async\"/>."]);
        ParamDocs(code, args);
        if (payable)
        {
            code.Line("/// <param name=\"value\">Wei sent with the call.</param>");
        }

        code.Line("/// <param name=\"from\">The caller (<c>msg.sender</c>); the sender's account, if any, by default.</param>");
        code.Line("/// <param name=\"block\">The block to read at; the latest by default.</param>");
        code.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        if (returnDoc.Length > 0)
        {
            code.Line($"/// <returns>{returnDoc}</returns>");
        }

        code.Line("/// <exception cref=\"ContractRevertedException\">The call reverted; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
        code.Open($"public async {returnType} {name}Async({declared}{valueDecl}Address? from = null, BlockTag block = default, CancellationToken cancellationToken = default)");
        var request = $"new CallRequest {{ From = from ?? Sender?.Address, To = Address, Data = Encode{name}({passed}){valueInit} }}";
        if (function.Outputs.Count == 0)
        {
            code.Line($"await Client.CallAsync({request}, block, cancellationToken).ConfigureAwait(false);");
        }
        else
        {
            code.Line($"var returned = await Client.CallAsync({request}, block, cancellationToken).ConfigureAwait(false);");
            code.Line($"return Decode{name}Output(returned);");
        }

        code.Close();

        if (!function.IsReadOnly)
        {
            // Send.
            code.Line();
            code.Doc("summary", [$"Sends a transaction calling <c>{signature}</c> and waits for its receipt.", .. summary.Count > 0 ? EmptyLine.Concat(summary) : []]);
            if (details.Count > 0)
            {
                code.Doc("remarks", details);
            }

            ParamDocs(code, args);
            if (payable)
            {
                code.Line("/// <param name=\"value\">Wei sent with the transaction.</param>");
            }

            code.Line("/// <param name=\"gasLimit\">The gas limit; estimated (with the sender's margin) when <c>null</c>.</param>");
            code.Line("/// <param name=\"cancellationToken\">Cancels sending or waiting.</param>");
            code.Line("/// <returns>The receipt of the mined transaction.</returns>");
            code.Line("/// <exception cref=\"ContractRevertedException\">The transaction would revert or reverted; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
            code.Line("/// <exception cref=\"InvalidOperationException\">The binding has no <see cref=\"Sender\"/>.</exception>");
            code.Line($"public Task<TransactionReceipt> Send{name}Async({declared}{valueDecl}ulong? gasLimit = null, CancellationToken cancellationToken = default) =>");
            code.Line($"    RequireSender().SendAndWaitAsync(new TransactionRequest {{ To = Address, Data = Encode{name}({passed}), GasLimit = gasLimit{valueInit} }}, cancellationToken);");

            // Estimate.
            code.Line();
            code.Line($"/// <summary>Estimates the gas a transaction calling <c>{signature}</c> needs.</summary>");
            ParamDocs(code, args);
            if (payable)
            {
                code.Line("/// <param name=\"value\">Wei sent with the transaction.</param>");
            }

            code.Line("/// <param name=\"from\">The sending account; the sender's account, if any, by default.</param>");
            code.Line("/// <param name=\"cancellationToken\">Cancels the estimate.</param>");
            code.Line("/// <returns>The gas estimate.</returns>");
            code.Line("/// <exception cref=\"ContractRevertedException\">The transaction would revert; <see cref=\"TryGetError\"/> gives the typed error.</exception>");
            code.Line($"public Task<ulong> Estimate{name}Async({declared}{valueDecl}Address? from = null, CancellationToken cancellationToken = default) =>");
            code.Line($"    Client.EstimateGasAsync(new CallRequest {{ From = from ?? Sender?.Address, To = Address, Data = Encode{name}({passed}){valueInit} }}, cancellationToken);");
        }

        // Encode.
        code.Line();
        code.Line($"/// <summary>Encodes calldata for <c>{signature}</c> (selector <c>{function.Selector}</c>).</summary>");
        ParamDocs(code, args);
        code.Line("/// <returns>The selector followed by the ABI-encoded arguments.</returns>");
        code.Open($"public static byte[] Encode{name}({string.Join(", ", args.Select(a => $"{a.CsType} {a.Name}"))})");
        code.Line("using var writer = new AbiWriter();");
        foreach (var arg in args)
        {
            code.Line(_types.Write(arg.Parameter.Type, arg.Parameter.InternalType, "writer", arg.Name, arg.Name.TrimStart('@')));
        }

        code.Line($"return writer.ToArray({SelectorBytes(function.Selector)});");
        code.Close();

        if (function.Outputs.Count > 0)
        {
            code.Line();
            code.Line($"/// <summary>Decodes the return data of <c>{signature}</c>.</summary>");
            code.Line("/// <param name=\"data\">The return data.</param>");
            code.Line($"/// <returns>{returnDoc}</returns>");
            code.Line("/// <exception cref=\"AbiDecodingException\">The data is malformed.</exception>");
            var type = returnType[5..^1];
            code.Open($"public static {type} Decode{name}Output(ReadOnlySpan<byte> data)");
            code.Line("var reader = new AbiReader(data);");
            if (outputRecord is null)
            {
                var o = function.Outputs[0];
                code.Line($"return {_types.Read(o.Type, o.InternalType, "reader")};");
            }
            else
            {
                code.Line($"return new {outputRecord}(");
                for (var i = 0; i < function.Outputs.Count; i++)
                {
                    var o = function.Outputs[i];
                    code.Line("    " + _types.Read(o.Type, o.InternalType, "reader") + (i + 1 < function.Outputs.Count ? "," : ");"));
                }
            }

            code.Close();
        }
    }

    private string EmitEvents()
    {
        var code = Header("Events");
        OpenClass(code);
        code.Line($"/// <summary>An event of {Class}.</summary>");
        code.Line("public abstract record Event;");
        code.Line();
        code.Line("/// <summary>Decodes a log with the non-anonymous event its first topic names.</summary>");
        code.Line("/// <param name=\"log\">The log.</param>");
        code.Line($"/// <returns>The typed event, or <c>null</c> when no event of {Class} has the log's first topic.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The event is known but the log does not decode.</exception>");
        code.Open("public static Event? DecodeEvent(Log log)");
        code.Line("ArgumentNullException.ThrowIfNull(log);");
        code.Open("if (log.Topics.Count == 0)");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("var topic = log.Topics[0];");
        foreach (var (name, e) in _events.Where(e => !e.Event.Anonymous))
        {
            code.Open($"if (topic == {name}.Topic)");
            code.Line($"return {name}.TryDecode(log);");
            code.Close();
            code.Line();
        }

        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("/// <summary>Decodes a log in its JSON-RPC hex form with the non-anonymous event its first topic names.</summary>");
        code.Line("/// <param name=\"topics\">The topics, each <c>0x</c> and 64 hex digits.</param>");
        code.Line("/// <param name=\"data\">The data as <c>0x</c> hex.</param>");
        code.Line($"/// <returns>The typed event, or <c>null</c> when no event of {Class} has the log's first topic.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The event is known but the log does not decode.</exception>");
        code.Line("/// <exception cref=\"HexFormatException\">A topic or the data is not valid hex.</exception>");
        code.Open("public static Event? DecodeEvent(IReadOnlyList<string> topics, string data)");
        code.Line("ArgumentNullException.ThrowIfNull(topics);");
        code.Open("if (topics.Count == 0)");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("var topic = Bytes32.Parse(topics[0]);");
        foreach (var (name, e) in _events.Where(e => !e.Event.Anonymous))
        {
            code.Open($"if (topic == {name}.Topic)");
            code.Line($"return {name}.TryDecode(topics, data);");
            code.Close();
            code.Line();
        }

        code.Line("return null;");
        code.Close();
        foreach (var (name, e) in _events)
        {
            EmitEvent(code, name, e);
        }

        code.Close();
        return code.ToString();
    }

    private void EmitEvent(CodeWriter code, string name, AbiEvent e)
    {
        var doc = NatSpec.Find(_source, "events", e.Signature);
        var props = TypeMap.PropertyNames(e.Inputs, name, RecordReserved);
        var topicCount = e.IndexedCount + (e.Anonymous ? 0 : 1);
        var types = e.Inputs.Select(p => p.Indexed && AbiEvent.IsHashedInTopic(p.Type) ? "Bytes32" : _types.CsType(p.Type, p.InternalType)).ToList();
        code.Line();
        code.Doc("summary", doc.Notice is null ? [$"The event <c>{Xml(e.Signature)}</c>{(e.Anonymous ? " (anonymous)" : "")}."] : NatSpec.ToXmlLines(doc.Notice));
        if (doc.Details is not null)
        {
            code.DocText("remarks", doc.Details);
        }

        var ctor = new List<string>();
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            var text = doc.Param(p.Name) is { } t ? NatSpec.ToXmlInline(t) : $"<c>{Xml(p.ToString())}</c>.";
            if (p.Indexed && AbiEvent.IsHashedInTopic(p.Type))
            {
                text += $" Indexed as the Keccak-256 hash of the <c>{Xml(p.Type.ToDisplayString())}</c> value, which the log does not hold.";
            }

            code.Line($"/// <param name=\"{props[i]}\">{text}</param>");
            ctor.Add($"{types[i]} {props[i]}");
        }

        code.Open($"public sealed record {name}({string.Join(", ", ctor)}) : Event");
        code.Line($"/// <summary>The canonical signature, <c>{Xml(e.Signature)}</c>.</summary>");
        code.Line($"public const string Signature = \"{e.Signature}\";");
        if (!e.Anonymous)
        {
            code.Line();
            code.Line("/// <summary>The first topic of every log of this event: the Keccak-256 hash of <see cref=\"Signature\"/>.</summary>");
            code.Line($"public static Bytes32 Topic {{ get; }} = Bytes32.Parse(\"{e.Topic}\");");
        }

        var reads = new List<string>();
        var hexReads = new List<string>();
        var topicIndex = e.Anonymous ? 0 : 1;
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            if (p.Indexed)
            {
                var index = topicIndex++.ToString(CultureInfo.InvariantCulture);
                if (AbiEvent.IsHashedInTopic(p.Type))
                {
                    reads.Add($"log.Topics[{index}]");
                    hexReads.Add($"LogHex.ReadBytes32Topic(topics[{index}])");
                }
                else
                {
                    reads.Add($"DecodeTopic{props[i]}(log.Topics[{index}])");
                    hexReads.Add($"DecodeTopic{props[i]}(LogHex.ReadBytes32Topic(topics[{index}]))");
                }
            }
            else
            {
                var read = _types.Read(p.Type, p.InternalType, "reader");
                reads.Add(read);
                hexReads.Add(read);
            }
        }

        var check = e.Anonymous ? "" : " || {0} != Topic";
        code.Line();
        code.Line("/// <summary>Decodes a log of this event.</summary>");
        code.Line("/// <param name=\"log\">The log, as the node returns it.</param>");
        code.Line($"/// <returns>The event, or <c>null</c> when the log {(e.Anonymous ? "has another number of topics" : "is another event's")}.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The log has this event's topic but does not decode.</exception>");
        code.Open($"public static {name}? TryDecode(Log log)");
        code.Line("ArgumentNullException.ThrowIfNull(log);");
        code.Open($"if (log.Topics.Count != {topicCount.ToString(CultureInfo.InvariantCulture)}{string.Format(CultureInfo.InvariantCulture, check, "log.Topics[0]")})");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("var reader = new AbiReader(log.Data.Span);");
        EmitConstruction(code, name, reads);
        code.Close();

        code.Line();
        code.Line("/// <summary>Decodes a log of this event from its JSON-RPC hex form without intermediate allocations.</summary>");
        code.Line("/// <param name=\"topics\">The topics, each <c>0x</c> and 64 hex digits.</param>");
        code.Line("/// <param name=\"data\">The data as <c>0x</c> hex.</param>");
        code.Line($"/// <returns>The event, or <c>null</c> when the log {(e.Anonymous ? "has another number of topics" : "is another event's")}.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The log has this event's topic but does not decode.</exception>");
        code.Line("/// <exception cref=\"HexFormatException\">A topic or the data is not valid hex.</exception>");
        code.Open($"public static {name}? TryDecode(IReadOnlyList<string> topics, string data)");
        code.Line("ArgumentNullException.ThrowIfNull(topics);");
        code.Line("ArgumentNullException.ThrowIfNull(data);");
        var hexCheck = e.Anonymous ? "" : " || !LogHex.TopicEquals(topics[0], Topic)";
        code.Open($"if (topics.Count != {topicCount.ToString(CultureInfo.InvariantCulture)}{hexCheck})");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("using var bytes = LogHex.DecodeData(data);");
        code.Line("var reader = bytes.CreateReader();");
        EmitConstruction(code, name, hexReads);
        code.Close();

        // Topic filter.
        code.Line();
        code.Line($"/// <summary>A log filter for this event; each indexed value given narrows it, each <c>null</c> matches any.</summary>");
        code.Line("/// <param name=\"contract\">The emitting contract; any contract when <c>null</c>.</param>");
        var filterArgs = new List<string> { "Address? contract = null" };
        var topicExprs = new List<string>();
        if (!e.Anonymous)
        {
            topicExprs.Add("new[] { Topic }");
        }

        var usedNames = new HashSet<string>(["contract", "fromBlock", "toBlock"], StringComparer.Ordinal);
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            if (!p.Indexed)
            {
                continue;
            }

            var argName = Naming.Camel(p.Name);
            if (argName.Length == 0)
            {
                argName = "arg" + i.ToString(CultureInfo.InvariantCulture);
            }

            while (!usedNames.Add(argName))
            {
                argName += "Arg";
            }

            var escaped = Naming.Escape(argName);
            string argType;
            string encode;
            if (p.Type.Kind is AbiTypeKind.String)
            {
                argType = "string";
                encode = $"Keccak256.HashUtf8({argName}Value)";
                code.Line($"/// <param name=\"{argName}\">The <c>{Xml(p.Name)}</c> value (matched by its hash), or <c>null</c>.</param>");
            }
            else if (p.Type.Kind is AbiTypeKind.Bytes)
            {
                argType = "byte[]";
                encode = $"Keccak256.Hash({argName}Value)";
                code.Line($"/// <param name=\"{argName}\">The <c>{Xml(p.Name)}</c> value (matched by its hash), or <c>null</c>.</param>");
            }
            else if (AbiEvent.IsHashedInTopic(p.Type))
            {
                argType = "Bytes32";
                encode = $"{argName}Value";
                code.Line($"/// <param name=\"{argName}\">The Keccak-256 hash of the encoded <c>{Xml(p.Name)}</c> value, or <c>null</c>.</param>");
            }
            else
            {
                argType = types[i];
                encode = $"EncodeTopic{props[i]}({argName}Value)";
                code.Line($"/// <param name=\"{argName}\">The <c>{Xml(p.Name)}</c> value, or <c>null</c>.</param>");
            }

            filterArgs.Add($"{argType}? {escaped} = null");
            topicExprs.Add($"{escaped} is {{ }} {argName}Value ? new[] {{ {encode} }} : null");
        }

        code.Line("/// <param name=\"fromBlock\">The first block; the node's default when <c>null</c>.</param>");
        code.Line("/// <param name=\"toBlock\">The last block; the node's default when <c>null</c>.</param>");
        code.Line("/// <returns>A filter for <c>eth_getLogs</c> or a subscription.</returns>");
        filterArgs.Add("BlockTag? fromBlock = null");
        filterArgs.Add("BlockTag? toBlock = null");
        code.Line($"public static LogFilter CreateFilter({string.Join(", ", filterArgs)}) => new()");
        code.Line("{");
        code.Line("    Addresses = contract is { } address ? [address] : [],");
        if (topicExprs.Count == 0)
        {
            code.Line("    Topics = [],");
        }
        else
        {
            code.Line("    Topics = new IReadOnlyList<Bytes32>?[]");
            code.Line("    {");
            foreach (var t in topicExprs)
            {
                code.Line("        " + t + ",");
            }

            code.Line("    },");
        }

        code.Line("    FromBlock = fromBlock,");
        code.Line("    ToBlock = toBlock,");
        code.Line("};");

        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            if (!p.Indexed || AbiEvent.IsHashedInTopic(p.Type))
            {
                continue;
            }

            code.Line();
            code.Open($"private static {types[i]} DecodeTopic{props[i]}(Bytes32 topic)");
            code.Line("var reader = new AbiReader(topic.AsSpan());");
            code.Line($"return {_types.Read(p.Type, p.InternalType, "reader")};");
            code.Close();
            code.Line();
            code.Open($"private static Bytes32 EncodeTopic{props[i]}({types[i]} value)");
            code.Line("using var writer = new AbiWriter();");
            code.Line(_types.Write(p.Type, p.InternalType, "writer", "value", "value"));
            code.Line("return new Bytes32(writer.ToArray());");
            code.Close();
        }

        code.Close();
    }

    private static void EmitConstruction(CodeWriter code, string type, List<string> values)
    {
        if (values.Count == 0)
        {
            code.Line($"return new {type}();");
            return;
        }

        code.Line($"return new {type}(");
        for (var i = 0; i < values.Count; i++)
        {
            code.Line("    " + values[i] + (i + 1 < values.Count ? "," : ");"));
        }
    }

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

        code.Close();
        return code.ToString();
    }

    private string EmitDeployment()
    {
        var code = Header("Deployment");
        OpenClass(code);
        var bytecode = _source.Bytecode.StartsWith("0x", StringComparison.Ordinal) ? _source.Bytecode[2..] : _source.Bytecode;
        if (bytecode.Contains("__$", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Class}'s bytecode needs linked libraries, which the generator does not support.");
        }

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
        code.Line("using var writer = new AbiWriter();");
        foreach (var arg in args)
        {
            code.Line(_types.Write(arg.Parameter.Type, arg.Parameter.InternalType, "writer", arg.Name, arg.Name.TrimStart('@')));
        }

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

    private static string SelectorBytes(AbiSelector selector)
    {
        var bytes = selector.ToArray();
        return "[" + string.Join(", ", bytes.Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture))) + "]";
    }

    private static string Single(string element, string text, bool raw) =>
        $"/// <{element}>{(raw ? text : NatSpec.ToXmlInline(text))}</{element}>";

    private static string Xml(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);
}
