using System.Globalization;
using System.Text.RegularExpressions;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <summary>A tuple type that becomes a record.</summary>
internal sealed record StructModel(string Name, string FullName, AbiType Type, IReadOnlyList<string> PropertyNames);

/// <summary>An enum that becomes a C# enum.</summary>
internal sealed record EnumModel(string Name, string FullName);

/// <summary>
/// Maps the ABI types of one contract to C# types and emits the reflection-free reader and writer calls for them,
/// collecting the helper methods that nested tuples and arrays need.
/// </summary>
internal sealed partial class TypeMap
{
    private readonly Dictionary<string, string> _structNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _enumNames = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, StructModel> _structs = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, EnumModel> _enums = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (AbiType Type, string? InternalType)> _helpers = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, TypeDefinition>? _definitions;

    /// <summary>Maps the types of <paramref name="allParameters"/>.</summary>
    /// <param name="allParameters">Every parameter of the contract's ABI.</param>
    /// <param name="reserved">Names already taken in the contract class (event and error records, the class itself).</param>
    /// <param name="definitions">Enum members from the AST, by canonical name; decoders check enum values against them.</param>
    public TypeMap(IEnumerable<AbiParameter> allParameters, IReadOnlySet<string> reserved, IReadOnlyDictionary<string, TypeDefinition>? definitions = null)
    {
        _definitions = definitions;
        var structFullNames = new SortedSet<string>(StringComparer.Ordinal);
        var enumFullNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var parameter in allParameters)
        {
            Collect(parameter.Type, parameter.InternalType, structFullNames, enumFullNames);
        }

        // Structs and enums share the class's namespace of nested types: name them together.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        AssignNames(new SortedSet<string>(structFullNames.Concat(enumFullNames), StringComparer.Ordinal), names, reserved);
        foreach (var fullName in structFullNames)
        {
            _structNames[fullName] = names[fullName];
        }

        foreach (var fullName in enumFullNames)
        {
            _enumNames[fullName] = names[fullName];
        }
    }

    /// <summary>The records for tuples, sorted by name.</summary>
    public IEnumerable<StructModel> Structs => _structs.Values;

    /// <summary>The enums, sorted by name.</summary>
    public IEnumerable<EnumModel> Enums => _enums.Values;

    /// <summary>The C# type for an ABI type.</summary>
    public string CsType(AbiType type, string? internalType)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt when EnumName(type, internalType) is { } enumName:
                return enumName;
            case AbiTypeKind.UInt:
                return type.Size switch { <= 8 => "byte", <= 16 => "ushort", <= 32 => "uint", <= 64 => "ulong", _ => "UInt256" };
            case AbiTypeKind.Int:
                return type.Size switch { <= 8 => "sbyte", <= 16 => "short", <= 32 => "int", <= 64 => "long", _ => "BigInteger" };
            case AbiTypeKind.Address:
                return "Address";
            case AbiTypeKind.Bool:
                return "bool";
            case AbiTypeKind.FixedBytes:
                return type.Size == 32 ? "Bytes32" : "byte[]";
            case AbiTypeKind.Bytes:
                return "byte[]";
            case AbiTypeKind.String:
                return "string";
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                return $"IReadOnlyList<{CsType(type.ElementType!, ElementInternalType(internalType))}>";
            default:
                return StructName(type, internalType);
        }
    }

    /// <summary>Whether the C# type is a reference type (nullable with <c>?</c> rather than <c>Nullable&lt;T&gt;</c>).</summary>
    public static bool IsReference(string csType) => csType is "string" or "byte[]" || csType.StartsWith("IReadOnlyList<", StringComparison.Ordinal);

    /// <summary>An expression reading one value from the reader variable <paramref name="reader"/>.</summary>
    public string Read(AbiType type, string? internalType, string reader)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt when EnumName(type, internalType) is { } enumName:
                return EnumMemberCount(internalType!) > 0
                    ? $"Read{Helper(type, internalType)}(ref {reader})"
                    : $"({enumName}){reader}.ReadUInt64({Bits(type)})";
            case AbiTypeKind.UInt:
                return type.Size switch
                {
                    <= 8 => $"(byte){reader}.ReadUInt64({Bits(type)})",
                    <= 16 => $"(ushort){reader}.ReadUInt64({Bits(type)})",
                    <= 32 => $"(uint){reader}.ReadUInt64({Bits(type)})",
                    <= 64 => $"{reader}.ReadUInt64({Bits(type)})",
                    256 => $"{reader}.ReadUInt256()",
                    _ => $"{reader}.ReadUInt({Bits(type)})",
                };
            case AbiTypeKind.Int:
                return type.Size switch
                {
                    <= 8 => $"(sbyte){reader}.ReadInt64({Bits(type)})",
                    <= 16 => $"(short){reader}.ReadInt64({Bits(type)})",
                    <= 32 => $"(int){reader}.ReadInt64({Bits(type)})",
                    <= 64 => $"{reader}.ReadInt64({Bits(type)})",
                    _ => $"{reader}.ReadInt({Bits(type)})",
                };
            case AbiTypeKind.Address:
                return $"{reader}.ReadAddress()";
            case AbiTypeKind.Bool:
                return $"{reader}.ReadBool()";
            case AbiTypeKind.FixedBytes:
                return type.Size == 32 ? $"{reader}.ReadBytes32()" : $"{reader}.ReadFixedBytes({Bits(type)}).ToArray()";
            case AbiTypeKind.Bytes:
                return $"{reader}.ReadBytes().ToArray()";
            case AbiTypeKind.String:
                return $"{reader}.ReadString()";
            default:
                return $"Read{Helper(type, internalType)}(ref {reader})";
        }
    }

    /// <summary>A statement writing <paramref name="value"/> with the writer variable <paramref name="writer"/>.</summary>
    public string Write(AbiType type, string? internalType, string writer, string value, string name)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt when EnumName(type, internalType) is not null:
                return $"{writer}.WriteUInt64((ulong){value}, {Bits(type)});";
            case AbiTypeKind.UInt:
                return type.Size switch
                {
                    <= 64 => $"{writer}.WriteUInt64({value}, {Bits(type)});",
                    256 => $"{writer}.WriteUInt256({value});",
                    _ => $"{writer}.WriteUInt({Bits(type)}, {value});",
                };
            case AbiTypeKind.Int:
                return type.Size <= 64 ? $"{writer}.WriteInt64({value}, {Bits(type)});" : $"{writer}.WriteInt({Bits(type)}, {value});";
            case AbiTypeKind.Address:
                return $"{writer}.WriteAddress({value});";
            case AbiTypeKind.Bool:
                return $"{writer}.WriteBool({value});";
            case AbiTypeKind.FixedBytes when type.Size == 32:
                return $"{writer}.WriteBytes32({value});";
            case AbiTypeKind.FixedBytes:
                NeedsFixedBytesCheck = true;
                return $"{writer}.WriteFixedBytes(CheckFixedBytes({value}, {Bits(type)}, \"{name}\"));";
            case AbiTypeKind.Bytes:
                return $"{writer}.WriteBytes({value});";
            case AbiTypeKind.String:
                return $"{writer}.WriteString({value});";
            default:
                return $"Write{Helper(type, internalType)}({writer}, {value});";
        }
    }

    /// <summary>Whether a fixed-size <c>bytes&lt;M&gt;</c> (M below 32) occurs, so the length check helper is needed.</summary>
    public bool NeedsFixedBytesCheck { get; private set; }

    /// <summary>Writes the reader and writer helpers of every tuple and array type used, sorted by name.</summary>
    public void EmitHelpers(CodeWriter code)
    {
        // Emitting a helper can register nested ones; loop until none is new.
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        var bodies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (_helpers.Keys.FirstOrDefault(k => !emitted.Contains(k)) is { } key)
        {
            emitted.Add(key);
            var (type, internalType) = _helpers[key];
            var helper = new CodeWriter();
            EmitHelper(helper, key, type, internalType);
            bodies[key] = helper.ToString();
        }

        foreach (var body in bodies.Values)
        {
            code.Line();
            foreach (var line in body.TrimEnd('\n').Split('\n'))
            {
                code.Line(line);
            }
        }
    }

    /// <summary>The record property names of a tuple's components.</summary>
    public static IReadOnlyList<string> PropertyNames(IReadOnlyList<AbiParameter> components, string owner, IReadOnlySet<string>? reserved = null)
    {
        var names = new List<string>();
        for (var i = 0; i < components.Count; i++)
        {
            var name = Naming.Pascal(components[i].Name);
            if (name.Length == 0)
            {
                name = "Item" + (i + 1).ToString(CultureInfo.InvariantCulture);
            }

            if (name == owner || (reserved?.Contains(name) ?? false) || name is "EqualityContract")
            {
                name += "Value";
            }

            while (names.Contains(name))
            {
                name += (i + 1).ToString(CultureInfo.InvariantCulture);
            }

            names.Add(name);
        }

        return names;
    }

    private void EmitHelper(CodeWriter code, string key, AbiType type, string? internalType)
    {
        var csType = CsType(type, internalType);
        var display = type.CanonicalName;
        if (type.Kind == AbiTypeKind.UInt)
        {
            // An enum: Solidity rejects values past the last member, and so does the decoder.
            var members = EnumMemberCount(internalType!);
            code.Open($"private static {csType} Read{key}(ref AbiReader reader)");
            code.Line("var position = reader.Position;");
            code.Line("var value = reader.ReadUInt64(8);");
            code.Line($"return value < {members.ToString(CultureInfo.InvariantCulture)} ? ({csType})value : throw new AbiDecodingException(\"{internalType}\", position, $\"{{value}} is not a member of the enum (0 to {(members - 1).ToString(CultureInfo.InvariantCulture)}).\");");
            code.Close();
            return;
        }

        if (type.Kind == AbiTypeKind.Tuple)
        {
            var model = _structs[StructName(type, internalType)];
            code.Open($"private static void Write{key}(AbiWriter writer, {csType} value)");
            code.Line("ArgumentNullException.ThrowIfNull(value);");
            code.Line("writer.BeginTuple();");
            for (var i = 0; i < type.Components.Count; i++)
            {
                var c = type.Components[i];
                code.Line(Write(c.Type, c.InternalType, "writer", "value." + model.PropertyNames[i], model.PropertyNames[i]));
            }

            code.Line("writer.EndTuple();");
            code.Close();
            code.Line();
            code.Open($"private static {csType} Read{key}(ref AbiReader reader)");
            var members = "reader";
            if (type.IsDynamic)
            {
                code.Line($"var inner = reader.EnterTuple(\"{display}\");");
                members = "inner";
            }

            if (type.Components.Count == 0)
            {
                code.Line($"return new {csType}();");
            }
            else
            {
                code.Line($"return new {csType}(");
                for (var i = 0; i < type.Components.Count; i++)
                {
                    var c = type.Components[i];
                    code.Line("    " + Read(c.Type, c.InternalType, members) + (i + 1 < type.Components.Count ? "," : ");"));
                }
            }

            code.Close();
            return;
        }

        var element = type.ElementType!;
        var elementInternal = ElementInternalType(internalType);
        var elementType = CsType(element, elementInternal);
        var isFixed = type.Kind == AbiTypeKind.FixedArray;
        code.Open($"private static void Write{key}(AbiWriter writer, {csType} value)");
        code.Line("ArgumentNullException.ThrowIfNull(value);");
        if (isFixed)
        {
            code.Line($"if (value.Count != {type.Size.ToString(CultureInfo.InvariantCulture)})");
            code.Line("{");
            code.Line($"    throw new ArgumentException($\"A {display} holds exactly {type.Size.ToString(CultureInfo.InvariantCulture)} elements; got {{value.Count}}.\", nameof(value));");
            code.Line("}");
            code.Line();
            code.Line($"writer.BeginFixedArray({type.Size.ToString(CultureInfo.InvariantCulture)});");
        }
        else
        {
            code.Line("writer.BeginArray(value.Count);");
        }

        code.Open("for (var i = 0; i < value.Count; i++)");
        code.Line(Write(element, elementInternal, "writer", "value[i]", "value"));
        code.Close();
        code.Line();
        code.Line(isFixed ? "writer.EndFixedArray();" : "writer.EndArray();");
        code.Close();
        code.Line();
        code.Open($"private static {csType} Read{key}(ref AbiReader reader)");
        string source;
        string count;
        if (!isFixed)
        {
            code.Line($"var inner = reader.EnterArray(out var length, {element.HeadSize.ToString(CultureInfo.InvariantCulture)}, \"{display}\");");
            source = "inner";
            count = "length";
        }
        else
        {
            count = type.Size.ToString(CultureInfo.InvariantCulture);
            source = "reader";
            if (type.IsDynamic)
            {
                code.Line($"var inner = reader.EnterFixedArray(\"{display}\");");
                source = "inner";
            }
        }

        code.Line($"var items = new {ArrayOf(elementType, count)};");
        code.Open($"for (var i = 0; i < {count}; i++)");
        code.Line($"items[i] = {Read(element, elementInternal, source)};");
        code.Close();
        code.Line();
        code.Line("return items;");
        code.Close();
    }

    // new T[n]; for a jagged element type (byte[]) the size goes first: byte[n][].
    private static string ArrayOf(string elementType, string count) =>
        elementType.EndsWith("[]", StringComparison.Ordinal) ? $"{elementType[..^2]}[{count}][]" : $"{elementType}[{count}]";

    private string Helper(AbiType type, string? internalType)
    {
        var key = Key(type, internalType);
        if (!_helpers.ContainsKey(key))
        {
            _helpers[key] = (type, internalType);
            if (type.Kind == AbiTypeKind.Tuple)
            {
                var name = StructName(type, internalType);
                if (!_structs.ContainsKey(name))
                {
                    var fullName = StructFullName(type, internalType);
                    _structs[name] = new StructModel(name, fullName, type, PropertyNames(type.Components, name));
                }
            }
        }

        return key;
    }

    private string Key(AbiType type, string? internalType) => type.Kind switch
    {
        AbiTypeKind.Array => Key(type.ElementType!, ElementInternalType(internalType)) + "Array",
        AbiTypeKind.FixedArray => Key(type.ElementType!, ElementInternalType(internalType)) + "Array" + type.Size.ToString(CultureInfo.InvariantCulture),
        AbiTypeKind.Tuple => StructName(type, internalType),
        AbiTypeKind.UInt when EnumName(type, internalType) is { } e => e,
        _ => Naming.Pascal(type.CanonicalName.Replace("uint", "UInt", StringComparison.Ordinal)),
    };

    private string StructName(AbiType type, string? internalType)
    {
        var fullName = StructFullName(type, internalType);
        var name = _structNames.GetValueOrDefault(fullName) ?? fullName;
        if (!_structs.ContainsKey(name))
        {
            _structs[name] = new StructModel(name, fullName, type, PropertyNames(type.Components, name));
        }

        return name;
    }

    private string? EnumName(AbiType type, string? internalType)
    {
        if (type.Kind != AbiTypeKind.UInt || type.Size != 8 || internalType is null || !internalType.StartsWith("enum ", StringComparison.Ordinal))
        {
            return null;
        }

        var fullName = BaseName(internalType);
        var name = _enumNames.GetValueOrDefault(fullName) ?? fullName.Replace(".", "", StringComparison.Ordinal);
        _enums.TryAdd(name, new EnumModel(name, fullName));
        return name;
    }

    private int EnumMemberCount(string internalType) =>
        _definitions?.GetValueOrDefault(BaseName(internalType))?.EnumMembers?.Count ?? 0;

    private static string StructFullName(AbiType type, string? internalType) =>
        internalType is not null && internalType.StartsWith("struct ", StringComparison.Ordinal)
            ? BaseName(internalType)
            : "Tuple" + Keccak256.HashUtf8(type.ToDisplayString()).ToString()[2..10].ToUpperInvariant();

    private static void Collect(AbiType type, string? internalType, SortedSet<string> structs, SortedSet<string> enums)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                Collect(type.ElementType!, ElementInternalType(internalType), structs, enums);
                break;
            case AbiTypeKind.Tuple:
                structs.Add(StructFullName(type, internalType));
                foreach (var c in type.Components)
                {
                    Collect(c.Type, c.InternalType, structs, enums);
                }

                break;
            case AbiTypeKind.UInt when type.Size == 8 && internalType is not null && internalType.StartsWith("enum ", StringComparison.Ordinal):
                enums.Add(BaseName(internalType));
                break;
        }
    }

    // Short names (Listing) unless two full names share one; then the full name without dots (TcrParametersRegistry).
    // A name the class already uses gets a "Type" suffix.
    private static void AssignNames(SortedSet<string> fullNames, Dictionary<string, string> names, IReadOnlySet<string> reserved)
    {
        var byShort = fullNames.GroupBy(f => Naming.Pascal(f[(f.LastIndexOf('.') + 1)..]), StringComparer.Ordinal);
        foreach (var group in byShort)
        {
            foreach (var fullName in group)
            {
                var name = group.Count() == 1 ? group.Key : Naming.Pascal(fullName.Replace(".", "", StringComparison.Ordinal));
                names[fullName] = reserved.Contains(name) ? name + "Type" : name;
            }
        }
    }

    private static string BaseName(string internalType)
    {
        var space = internalType.IndexOf(' ', StringComparison.Ordinal);
        var name = space >= 0 ? internalType[(space + 1)..] : internalType;
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        return bracket >= 0 ? name[..bracket] : name;
    }

    private static string? ElementInternalType(string? internalType) =>
        internalType is null ? null : TrailingArray().Replace(internalType, "");

    private static string Bits(AbiType type) => type.Size.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\[\d*\]$")]
    private static partial Regex TrailingArray();
}
