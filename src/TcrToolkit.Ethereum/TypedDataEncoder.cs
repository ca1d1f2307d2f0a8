using System.Globalization;
using System.Text;
using System.Text.Json;
using BigInteger = System.Numerics.BigInteger;

namespace TcrToolkit.Ethereum;

// Over 500 lines: the EIP-712 type grammar (validation, dependency order, encodeType) and the value encoder for every
// member type read from JSON; both walk the same type definitions, which stay private to this class.
/// <summary>
/// Encodes and hashes EIP-712 structs from a set of type definitions and JSON values, as
/// <c>eth_signTypedData_v4</c> describes them. Types are validated once, on construction.
/// </summary>
/// <remarks>
/// Values follow the JSON conventions wallets use: integers as JSON numbers or as decimal or <c>0x</c>-hex strings,
/// <c>bytes</c>/<c>bytesN</c> as <c>0x</c>-hex strings, addresses as <c>0x</c>-hex strings (a mixed-case address must
/// carry a valid EIP-55 checksum), <c>bool</c> as JSON booleans. A struct value must have exactly the declared
/// members: a missing or an unknown member is an error rather than being ignored, so what is signed is what was meant.
/// </remarks>
public sealed class TypedDataEncoder
{
    private readonly Dictionary<string, StructType> _structs = new(StringComparer.Ordinal);

    /// <summary>Validates and indexes the struct types. An <c>EIP712Domain</c> entry, if present, is accepted like any other.</summary>
    /// <exception cref="TypedDataException">A type name, member name or member type is invalid or unknown.</exception>
    public TypedDataEncoder(IReadOnlyDictionary<string, IReadOnlyList<TypedDataField>> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (var (name, _) in types)
        {
            if (!IsIdentifier(name))
            {
                throw new TypedDataException($"types.{name}", "a struct type name must be an identifier (letters, digits, '_' or '$', not starting with a digit).");
            }

            if (TryParseAtomic(name, out _))
            {
                throw new TypedDataException($"types.{name}", "a struct type cannot take the name of a built-in type.");
            }

            _structs[name] = new StructType(name);
        }

        foreach (var (name, fields) in types)
        {
            if (fields is null)
            {
                throw new TypedDataException($"types.{name}", "the member list is missing.");
            }

            var structType = _structs[name];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                var path = $"types.{name}[{i}]";
                if (field is null || !IsIdentifier(field.Name))
                {
                    throw new TypedDataException(path, $"member name '{field?.Name}' must be an identifier.");
                }

                if (!seen.Add(field.Name))
                {
                    throw new TypedDataException(path, $"member name '{field.Name}' is declared twice.");
                }

                structType.Fields.Add((field.Name, field.Type, ParseType(field.Type ?? "", path)));
            }
        }

        // Type hashes are computed up front so that the encoder is immutable and safe to share between threads.
        foreach (var structType in _structs.Values)
        {
            structType.TypeHash = Eip712.HashType(EncodeType(structType.Name));
        }
    }

    /// <summary>Whether a struct type of this name is defined.</summary>
    public bool HasType(string typeName) => _structs.ContainsKey(typeName);

    /// <summary>
    /// <c>encodeType</c>: the struct's signature followed by those of every struct it references, directly or not,
    /// sorted by name.
    /// </summary>
    /// <exception cref="TypedDataException">The type is not defined.</exception>
    public string EncodeType(string typeName)
    {
        var primary = GetStruct(typeName, "");
        var dependencies = new SortedSet<string>(StringComparer.Ordinal);
        CollectDependencies(primary, dependencies);
        dependencies.Remove(typeName);
        var builder = new StringBuilder();
        AppendSignature(builder, primary);
        foreach (var dependency in dependencies)
        {
            AppendSignature(builder, _structs[dependency]);
        }

        return builder.ToString();
    }

    /// <summary><c>typeHash</c>: Keccak-256 of <see cref="EncodeType"/>, computed when the encoder is built.</summary>
    /// <exception cref="TypedDataException">The type is not defined.</exception>
    public Bytes32 GetTypeHash(string typeName)
    {
        return GetStruct(typeName, "").TypeHash;
    }

    /// <summary><c>encodeData</c>: the type hash followed by one 32-byte word per member.</summary>
    /// <exception cref="TypedDataException">The value does not match the type.</exception>
    public byte[] EncodeData(string typeName, JsonElement value) => EncodeData(typeName, value, "message");

    /// <summary><c>hashStruct</c>: Keccak-256 of <see cref="EncodeData(string, JsonElement)"/>.</summary>
    /// <exception cref="TypedDataException">The value does not match the type.</exception>
    public Bytes32 HashStruct(string typeName, JsonElement value) => HashStruct(typeName, value, "message");

    /// <summary>The EIP-712 digest to sign for a message of <paramref name="primaryType"/> in <paramref name="domain"/>.</summary>
    /// <exception cref="TypedDataException">The message does not match the type.</exception>
    public Bytes32 GetSigningHash(TypedDataDomain domain, string primaryType, JsonElement message)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return Eip712.GetSigningHash(domain.Separator, HashStruct(primaryType, message));
    }

    internal Bytes32 HashStruct(string typeName, JsonElement value, string path) =>
        Keccak256.Hash(EncodeData(typeName, value, path));

    private byte[] EncodeData(string typeName, JsonElement value, string path)
    {
        var structType = GetStruct(typeName, path);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new TypedDataException(path, $"expected an object for struct {typeName} but found {Describe(value)}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!structType.Fields.Exists(f => f.Name == property.Name))
            {
                throw new TypedDataException($"{path}.{property.Name}", $"struct {typeName} has no member '{property.Name}'.");
            }

            if (!seen.Add(property.Name))
            {
                // Readers disagree on which duplicate wins, so the signed value would be ambiguous.
                throw new TypedDataException($"{path}.{property.Name}", $"member '{property.Name}' appears more than once.");
            }
        }

        var result = new byte[Bytes32.Size * (1 + structType.Fields.Count)];
        GetTypeHash(typeName).CopyTo(result);
        for (var i = 0; i < structType.Fields.Count; i++)
        {
            var (name, _, type) = structType.Fields[i];
            var memberPath = $"{path}.{name}";
            if (!value.TryGetProperty(name, out var member))
            {
                throw new TypedDataException(memberPath, $"member '{name}' of struct {typeName} is missing.");
            }

            EncodeValue(type, member, memberPath, result.AsSpan(Bytes32.Size * (i + 1), Bytes32.Size));
        }

        return result;
    }

    private void EncodeValue(TypeNode type, JsonElement value, string path, Span<byte> word)
    {
        switch (type)
        {
            case StructNode s:
                HashStruct(s.Name, value, path).CopyTo(word);
                break;
            case ArrayNode a:
                EncodeArray(a, value, path, word);
                break;
            case AtomicNode atomic:
                EncodeAtomic(atomic, value, path, word);
                break;
            default:
                throw new InvalidOperationException("Unknown EIP-712 type node.");
        }
    }

    private void EncodeArray(ArrayNode array, JsonElement value, string path, Span<byte> word)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new TypedDataException(path, $"expected an array for {array.Text} but found {Describe(value)}.");
        }

        var count = value.GetArrayLength();
        if (array.Length >= 0 && count != array.Length)
        {
            throw new TypedDataException(path, $"expected exactly {array.Length} elements for {array.Text} but found {count}.");
        }

        var buffer = new byte[Bytes32.Size * count];
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            EncodeValue(array.Element, element, $"{path}[{index}]", buffer.AsSpan(Bytes32.Size * index, Bytes32.Size));
            index++;
        }

        Keccak256.Hash(buffer, word);
    }

    private static void EncodeAtomic(AtomicNode type, JsonElement value, string path, Span<byte> word)
    {
        word.Clear();
        switch (type.Kind)
        {
            case AtomicKind.Bool:
                word[31] = value.ValueKind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    _ => throw new TypedDataException(path, $"expected true or false for bool but found {Describe(value)}."),
                };
                break;
            case AtomicKind.Address:
                try
                {
                    Address.Parse(ExpectString(value, "address", path)).CopyTo(word[12..]);
                }
                catch (AddressFormatException ex)
                {
                    throw new TypedDataException(path, ex.Message, ex);
                }

                break;
            case AtomicKind.String:
                Keccak256.Hash(Encoding.UTF8.GetBytes(ExpectString(value, "string", path)), word);
                break;
            case AtomicKind.Bytes:
                Keccak256.Hash(DecodeHex(value, "bytes", path), word);
                break;
            case AtomicKind.FixedBytes:
                var bytes = DecodeHex(value, type.Text, path);
                if (bytes.Length != type.Size)
                {
                    throw new TypedDataException(path, $"expected exactly {type.Size} bytes for {type.Text} but found {bytes.Length}.");
                }

                bytes.CopyTo(word);
                break;
            case AtomicKind.UInt:
            case AtomicKind.Int:
                EncodeInteger(type, ParseInteger(value, type.Text, path), path, word);
                break;
            default:
                throw new InvalidOperationException("Unknown EIP-712 atomic type.");
        }
    }

    private static void EncodeInteger(AtomicNode type, BigInteger integer, string path, Span<byte> word)
    {
        var bits = type.Size;
        var signed = type.Kind == AtomicKind.Int;
        var min = signed ? -(BigInteger.One << (bits - 1)) : BigInteger.Zero;
        var max = signed ? (BigInteger.One << (bits - 1)) - 1 : (BigInteger.One << bits) - 1;
        if (integer < min || integer > max)
        {
            throw new TypedDataException(path, $"value {integer} is out of range for {type.Text} ({min} to {max}).");
        }

        // Two's complement in 256 bits: negative values are sign-extended with 0xFF bytes.
        var negative = integer.Sign < 0;
        var length = integer.GetByteCount(isUnsigned: !negative);
        word.Fill(negative ? (byte)0xFF : (byte)0);
        integer.TryWriteBytes(word[(Bytes32.Size - length)..], out _, isUnsigned: !negative, isBigEndian: true);
    }

    private static BigInteger ParseInteger(JsonElement value, string typeText, string path)
    {
        string text;
        if (value.ValueKind == JsonValueKind.Number)
        {
            text = value.GetRawText();
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString()!;
        }
        else
        {
            throw new TypedDataException(path, $"expected an integer (JSON number, decimal string or 0x-hex string) for {typeText} but found {Describe(value)}.");
        }

        var negative = text.StartsWith('-');
        var digits = negative ? text.AsSpan(1) : text.AsSpan();
        BigInteger magnitude;
        if (digits.StartsWith("0x", StringComparison.Ordinal) && value.ValueKind == JsonValueKind.String)
        {
            var hex = digits[2..];
            if (hex.IsEmpty || !IsAll(hex, char.IsAsciiHexDigit))
            {
                throw new TypedDataException(path, $"'{text}' is not a valid hex integer for {typeText}.");
            }

            magnitude = BigInteger.Parse("0" + hex.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        else
        {
            if (digits.IsEmpty || !IsAll(digits, char.IsAsciiDigit))
            {
                throw new TypedDataException(path, $"'{text}' is not an integer for {typeText}; use digits only, with no fraction, exponent or spaces.");
            }

            magnitude = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return negative ? -magnitude : magnitude;
    }

    private static bool IsAll(ReadOnlySpan<char> text, Func<char, bool> predicate)
    {
        foreach (var c in text)
        {
            if (!predicate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] DecodeHex(JsonElement value, string typeText, string path)
    {
        var text = ExpectString(value, typeText, path);
        try
        {
            return Hex.Decode(text);
        }
        catch (HexFormatException ex)
        {
            throw new TypedDataException(path, $"{typeText} value is not valid hex: {ex.Message}", ex);
        }
    }

    private static string ExpectString(JsonElement value, string typeText, string path) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new TypedDataException(path, $"expected a string for {typeText} but found {Describe(value)}.");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private StructType GetStruct(string typeName, string path) =>
        _structs.TryGetValue(typeName, out var structType)
            ? structType
            : throw new TypedDataException(path, $"struct type '{typeName}' is not defined.");

    private void CollectDependencies(StructType structType, SortedSet<string> found)
    {
        if (!found.Add(structType.Name))
        {
            return;
        }

        foreach (var (_, _, type) in structType.Fields)
        {
            var node = type;
            while (node is ArrayNode array)
            {
                node = array.Element;
            }

            if (node is StructNode s)
            {
                CollectDependencies(_structs[s.Name], found);
            }
        }
    }

    private static void AppendSignature(StringBuilder builder, StructType structType)
    {
        builder.Append(structType.Name).Append('(');
        for (var i = 0; i < structType.Fields.Count; i++)
        {
            var (name, typeText, _) = structType.Fields[i];
            builder.Append(i == 0 ? "" : ",").Append(typeText).Append(' ').Append(name);
        }

        builder.Append(')');
    }

    private TypeNode ParseType(string text, string path)
    {
        if (text.EndsWith(']'))
        {
            var open = text.LastIndexOf('[');
            if (open <= 0)
            {
                throw new TypedDataException(path, $"type '{text}' has an unmatched ']'.");
            }

            var lengthText = text.AsSpan(open + 1, text.Length - open - 2);
            var length = -1;
            if (!lengthText.IsEmpty)
            {
                if (!IsAll(lengthText, char.IsAsciiDigit) || (lengthText.Length > 1 && lengthText[0] == '0')
                    || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out length))
                {
                    throw new TypedDataException(path, $"type '{text}' has an invalid array length '{lengthText}'.");
                }
            }

            return new ArrayNode(text, ParseType(text[..open], path), length);
        }

        if (TryParseAtomic(text, out var atomic))
        {
            return atomic;
        }

        return _structs.ContainsKey(text)
            ? new StructNode(text)
            : throw new TypedDataException(path, $"unknown type '{text}'; define it as a struct or use an EIP-712 atomic type.");
    }

    private static bool TryParseAtomic(string text, out AtomicNode node)
    {
        node = null!;
        switch (text)
        {
            case "bool":
                node = new AtomicNode(text, AtomicKind.Bool, 0);
                return true;
            case "address":
                node = new AtomicNode(text, AtomicKind.Address, 20);
                return true;
            case "string":
                node = new AtomicNode(text, AtomicKind.String, 0);
                return true;
            case "bytes":
                node = new AtomicNode(text, AtomicKind.Bytes, 0);
                return true;
        }

        if (TrySuffix(text, "bytes", out var size) && size is >= 1 and <= 32)
        {
            node = new AtomicNode(text, AtomicKind.FixedBytes, size);
            return true;
        }

        if (TrySuffix(text, "uint", out var bits) && bits is >= 8 and <= 256 && bits % 8 == 0)
        {
            node = new AtomicNode(text, AtomicKind.UInt, bits);
            return true;
        }

        if (TrySuffix(text, "int", out bits) && bits is >= 8 and <= 256 && bits % 8 == 0)
        {
            node = new AtomicNode(text, AtomicKind.Int, bits);
            return true;
        }

        return false;
    }

    private static bool TrySuffix(string text, string prefix, out int number)
    {
        number = 0;
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || text.Length == prefix.Length)
        {
            return false;
        }

        var digits = text.AsSpan(prefix.Length);
        return digits[0] != '0' && IsAll(digits, char.IsAsciiDigit) && digits.Length <= 3
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private static bool IsIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                return false;
            }
        }

        return true;
    }

    private enum AtomicKind
    {
        Bool,
        Address,
        String,
        Bytes,
        FixedBytes,
        UInt,
        Int,
    }

    private abstract record TypeNode(string Text);

    private sealed record AtomicNode(string Text, AtomicKind Kind, int Size) : TypeNode(Text);

    private sealed record StructNode(string Name) : TypeNode(Name);

    private sealed record ArrayNode(string Text, TypeNode Element, int Length) : TypeNode(Text);

    private sealed class StructType(string name)
    {
        public string Name { get; } = name;

        public List<(string Name, string TypeText, TypeNode Type)> Fields { get; } = [];

        public Bytes32 TypeHash { get; set; }
    }
}
