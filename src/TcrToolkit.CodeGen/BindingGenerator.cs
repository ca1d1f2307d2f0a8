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
/// <remarks>
/// One partial per output kind, each writing one file of the set: <c>BindingGenerator.Functions.cs</c> (<c>Name.g.cs</c>),
/// <c>.Events.cs</c>, <c>.Errors.cs</c> and <c>.Deployment.cs</c>; this file holds what they share (the contract's
/// members and names, the file header, argument lists and docs). A new output kind is a new partial and a line in
/// <see cref="Generate"/>.
/// </remarks>
internal sealed partial class BindingGenerator
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

    /// <summary>An <see cref="AbiWriter"/> that writes each argument in order.</summary>
    private void EmitArgumentWriter(CodeWriter code, IEnumerable<Arg> args)
    {
        code.Line("using var writer = new AbiWriter();");
        foreach (var arg in args)
        {
            code.Line(_types.Write(arg.Parameter.Type, arg.Parameter.InternalType, "writer", arg.Name, arg.Name.TrimStart('@')));
        }
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
