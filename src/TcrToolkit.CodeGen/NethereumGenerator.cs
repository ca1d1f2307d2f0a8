using System.Globalization;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <summary>
/// Writes, for one contract, the C# that Nethereum.Generators would produce (Nethereum.Generators itself is not served
/// here): a <c>ContractDeploymentMessage</c> with the creation bytecode, a <c>FunctionMessage</c> per function with
/// <c>[Function]</c> and <c>[Parameter]</c>, <c>[FunctionOutput]</c> DTOs, <c>[Event]</c> DTOs with indexed flags,
/// <c>[Error]</c> DTOs, struct classes for tuples, and a <c>ContractWeb3ServiceBase</c> service with
/// <c>…QueryAsync</c>, <c>…RequestAsync</c> and <c>…RequestAndWaitForReceiptAsync</c> per function. Classes follow
/// Nethereum's shape (a partial class over a <c>…Base</c> class, virtual properties, lists for arrays, strings for
/// addresses, <c>BigInteger</c> past 64 bits); the output depends only on the input.
/// </summary>
/// <remarks>
/// One partial per output kind, each writing one file of the set: <c>NethereumGenerator.Deployment.cs</c>
/// (<c>NameDeployment.g.cs</c>), <c>.Functions.cs</c>, <c>.Events.cs</c>, <c>.Errors.cs</c>, <c>.Structs.cs</c> and
/// <c>.Service.cs</c>; this file holds the names, the type mapping and the property emitter they share. Nethereum's
/// send-and-wait methods take a <c>CancellationTokenSource</c> in its generator's output; these take a
/// <c>CancellationToken</c> (Nethereum offers both overloads), as every async method of this repository does.
/// </remarks>
internal sealed partial class NethereumGenerator
{
    // Members of object, and of Nethereum's ContractMessageBase and ContractDeploymentMessage: a property of the same
    // name would hide them.
    private static readonly string[] ObjectMembers = ["Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone"];

    private static readonly string[] MessageMembers =
    [
        .. ObjectMembers, "AmountToSend", "Gas", "GasPrice", "FromAddress", "Nonce", "MaxFeePerGas", "MaxPriorityFeePerGas",
        "TransactionType", "AccessList", "AuthorisationList", "ByteCode",
    ];

    private readonly ContractSource _source;
    private readonly string _rootNamespace;
    private readonly List<(string Name, AbiFunction Function)> _functions = [];
    private readonly List<(string Name, AbiEvent Event)> _events = [];
    private readonly List<(string Name, AbiError Error)> _errors = [];
    private readonly Dictionary<string, string> _structNames = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, AbiType> _structs = new(StringComparer.Ordinal);

    private NethereumGenerator(ContractSource source, string rootNamespace)
    {
        _source = source;
        _rootNamespace = rootNamespace;
        var abi = source.Abi;
        _functions.AddRange(Overloads(abi.Functions, f => f.Name));
        _events.AddRange(Overloads(abi.Events, e => e.Name));
        _errors.AddRange(Overloads(abi.Errors, e => e.Name));

        var tuples = new SortedDictionary<string, AbiType>(StringComparer.Ordinal);
        foreach (var p in abi.Functions.SelectMany(f => f.Inputs.Concat(f.Outputs))
                     .Concat(abi.Events.SelectMany(e => e.Inputs))
                     .Concat(abi.Errors.SelectMany(e => e.Inputs))
                     .Concat(abi.Constructor?.Inputs ?? []))
        {
            CollectTuples(p.Type, p.InternalType, tuples);
        }

        // Short names (Listing) unless two tuples share one; then the full name without dots (TcrParametersRegistry).
        // A name some DTO class already uses gets a "Struct" suffix.
        var taken = new HashSet<string>(StringComparer.Ordinal) { Class + "Deployment", Class + "Service" };
        taken.UnionWith(_functions.SelectMany(f => new[] { f.Name + "Function", f.Name + "FunctionBase", f.Name + "OutputDTO", f.Name + "OutputDTOBase" }));
        taken.UnionWith(_events.SelectMany(e => new[] { e.Name + "EventDTO", e.Name + "EventDTOBase" }));
        taken.UnionWith(_errors.SelectMany(e => new[] { e.Name + "Error", e.Name + "ErrorBase" }));
        foreach (var group in tuples.Keys.GroupBy(f => Naming.Pascal(f[(f.LastIndexOf('.') + 1)..]), StringComparer.Ordinal))
        {
            foreach (var fullName in group)
            {
                var name = group.Count() == 1 ? group.Key : Naming.Pascal(fullName.Replace(".", "_", StringComparison.Ordinal));
                while (taken.Contains(name) || taken.Contains(name + "Base"))
                {
                    name += "Struct";
                }

                taken.Add(name);
                _structNames[fullName] = name;
                _structs[name] = tuples[fullName];
            }
        }
    }

    private string Class => _source.Name;

    private string ContractNamespace => $"{_rootNamespace}.{Class}";

    private string DefinitionNamespace => ContractNamespace + ".ContractDefinition";

    /// <summary>
    /// The Nethereum-style file set of one contract under <c>Name/</c>: <c>NameDeployment.g.cs</c>,
    /// <c>NameFunctions.g.cs</c>, <c>NameEvents.g.cs</c>, <c>NameErrors.g.cs</c>, <c>NameStructs.g.cs</c> (when the ABI
    /// has tuples) and <c>NameService.g.cs</c>.
    /// </summary>
    /// <param name="source">The contract.</param>
    /// <param name="rootNamespace">The namespace above the contract's; DTOs go in <c>root.Name.ContractDefinition</c>, the service in <c>root.Name</c>.</param>
    public static IReadOnlyList<GeneratedFile> Generate(ContractSource source, string rootNamespace)
    {
        ArgumentNullException.ThrowIfNull(source);
        var generator = new NethereumGenerator(source, rootNamespace);
        var folder = source.Name + "/" + source.Name;
        var files = new List<GeneratedFile>
        {
            new(folder + "Deployment.g.cs", generator.EmitDeployment()),
            new(folder + "Functions.g.cs", generator.EmitFunctions()),
            new(folder + "Events.g.cs", generator.EmitEvents()),
            new(folder + "Errors.g.cs", generator.EmitErrors()),
        };
        if (generator._structs.Count > 0)
        {
            files.Add(new(folder + "Structs.g.cs", generator.EmitStructs()));
        }

        files.Add(new(folder + "Service.g.cs", generator.EmitService()));
        return files;
    }

    /// <summary>Nethereum's overload names: the member with fewest inputs keeps the name, the next ones get 1, 2, ….</summary>
    private static IEnumerable<(string Name, T Member)> Overloads<T>(IEnumerable<T> members, Func<T, string> name)
        where T : AbiMember
    {
        foreach (var group in members.GroupBy(m => Naming.Pascal(name(m))).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(m => m.Inputs.Count).ThenBy(m => m.Signature, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                yield return (i == 0 ? group.Key : group.Key + i.ToString(CultureInfo.InvariantCulture), ordered[i]);
            }
        }
    }

    private CodeWriter Header(string what, string @namespace, params string[] extraUsings)
    {
        var code = new CodeWriter();
        code.Line("// <auto-generated>");
        code.Line($"//     {what} of {Class} in the shape Nethereum.Generators gives, written by TcrToolkit.CodeGen from the compiled contract.");
        code.Line("//     Do not edit: change the contract or the generator and run scripts/generate.");
        code.Line("// </auto-generated>");
        code.Line();
        code.Line("using System.Numerics;");
        code.Line("using Nethereum.ABI.FunctionEncoding.Attributes;");
        foreach (var extra in extraUsings)
        {
            code.Line($"using {extra};");
        }

        code.Line();
        code.Line($"namespace {@namespace};");
        code.Line();
        return code;
    }

    /// <summary>The Solidity type as Nethereum's <c>[Parameter]</c> spells it: <c>tuple</c> for a struct, <c>tuple[]</c> for an array of them.</summary>
    private static string AbiTypeName(AbiType type) => type.Kind switch
    {
        AbiTypeKind.Tuple => "tuple",
        AbiTypeKind.Array => AbiTypeName(type.ElementType!) + "[]",
        AbiTypeKind.FixedArray => AbiTypeName(type.ElementType!) + "[" + type.Size.ToString(CultureInfo.InvariantCulture) + "]",
        _ => type.CanonicalName,
    };

    /// <summary>The .NET type Nethereum maps an ABI type to (lists for arrays, as its generator writes properties).</summary>
    private string DotNetType(AbiType type, string? internalType)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                return type.Size switch { 8 => "byte", 16 => "ushort", <= 32 => "uint", <= 64 => "ulong", _ => "BigInteger" };
            case AbiTypeKind.Int:
                return type.Size switch { 8 => "sbyte", 16 => "short", <= 32 => "int", <= 64 => "long", _ => "BigInteger" };
            case AbiTypeKind.Address:
            case AbiTypeKind.String:
                return "string";
            case AbiTypeKind.Bool:
                return "bool";
            case AbiTypeKind.Bytes:
            case AbiTypeKind.FixedBytes:
                return "byte[]";
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                return $"List<{DotNetType(type.ElementType!, ElementInternalType(internalType))}>";
            default:
                return _structNames[TupleFullName(type, internalType)];
        }
    }

    private sealed record Property(string Name, string Variable, string DotNetType, AbiParameter Parameter, int Order, string Doc);

    /// <summary>
    /// The properties of a DTO: PascalCase names from the parameters (<c>ParamValueN</c> / <c>ReturnValueN</c> for
    /// unnamed ones, as Nethereum), never the class's own name or an inherited member (of Nethereum's message base
    /// classes when <paramref name="message"/>).
    /// </summary>
    private List<Property> Properties(IReadOnlyList<AbiParameter> parameters, string className, bool outputs, MemberDoc doc, bool message = false, IEnumerable<string>? reservedVariables = null)
    {
        var taken = new HashSet<string>(message ? MessageMembers : ObjectMembers, StringComparer.Ordinal) { className };
        var takenVariables = new HashSet<string>(reservedVariables ?? [], StringComparer.Ordinal);
        var properties = new List<Property>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var order = i + 1;
            var name = Naming.Pascal(p.Name);
            if (name.Length == 0)
            {
                name = (outputs ? "ReturnValue" : "ParamValue") + order.ToString(CultureInfo.InvariantCulture);
            }

            while (taken.Contains(name))
            {
                name += "Arg";
            }

            taken.Add(name);
            var variable = char.ToLowerInvariant(name[0]) + name[1..];
            while (takenVariables.Contains(variable))
            {
                variable += "Arg";
            }

            takenVariables.Add(variable);
            var text = outputs ? doc.Returns.GetValueOrDefault(p.Name) : doc.Param(p.Name);
            properties.Add(new Property(
                name,
                Naming.Escape(variable),
                DotNetType(p.Type, p.InternalType),
                p,
                order,
                text is null ? $"<c>{Xml(p.Type.ToDisplayString())}{(p.Name.Length > 0 ? " " + Xml(p.Name) : "")}</c>." : NatSpec.ToXmlInline(text)));
        }

        return properties;
    }

    private static void EmitProperties(CodeWriter code, IEnumerable<Property> properties, bool events = false)
    {
        var first = true;
        foreach (var property in properties)
        {
            if (!first)
            {
                code.Line();
            }

            first = false;
            var p = property.Parameter;
            var order = property.Order.ToString(CultureInfo.InvariantCulture);
            code.Line($"/// <summary>{property.Doc}</summary>");
            code.Line(events
                ? $"[Parameter(\"{AbiTypeName(p.Type)}\", \"{p.Name}\", {order}, {(p.Indexed ? "true" : "false")})]"
                : $"[Parameter(\"{AbiTypeName(p.Type)}\", \"{p.Name}\", {order})]");
            code.Line($"public virtual {property.DotNetType} {property.Name} {{ get; set; }}");
        }
    }

    /// <summary>A summary from the member's NatSpec notice, or <paramref name="fallback"/>.</summary>
    private static string[] Summary(MemberDoc doc, string fallback) =>
        doc.Notice is null ? [fallback] : [.. NatSpec.ToXmlLines(doc.Notice)];

    /// <summary>The partial class over its <c>…Base</c> class, as Nethereum.Generators writes every DTO.</summary>
    private static void EmitPartialMain(CodeWriter code, string name, string summary)
    {
        code.Line($"/// <summary>{summary}</summary>");
        code.Line($"public partial class {name} : {name}Base {{ }}");
        code.Line();
    }

    private static void CollectTuples(AbiType type, string? internalType, SortedDictionary<string, AbiType> tuples)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                CollectTuples(type.ElementType!, ElementInternalType(internalType), tuples);
                break;
            case AbiTypeKind.Tuple:
                tuples.TryAdd(TupleFullName(type, internalType), type);
                foreach (var c in type.Components)
                {
                    CollectTuples(c.Type, c.InternalType, tuples);
                }

                break;
        }
    }

    private static string TupleFullName(AbiType type, string? internalType)
    {
        if (internalType is not null && internalType.StartsWith("struct ", StringComparison.Ordinal))
        {
            var name = internalType["struct ".Length..];
            var bracket = name.IndexOf('[', StringComparison.Ordinal);
            return bracket >= 0 ? name[..bracket] : name;
        }

        return "Tuple" + Keccak256.HashUtf8(type.ToDisplayString()).ToString()[2..10].ToUpperInvariant();
    }

    private static string? ElementInternalType(string? internalType)
    {
        if (internalType is null || !internalType.EndsWith(']'))
        {
            return internalType;
        }

        return internalType[..internalType.LastIndexOf('[')];
    }

    private static string Xml(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);
}
