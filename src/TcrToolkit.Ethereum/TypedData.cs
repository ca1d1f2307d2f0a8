using System.Text.Json;

namespace TcrToolkit.Ethereum;

/// <summary>
/// A complete EIP-712 typed-data document: domain, struct types, primary type and message, as passed to
/// <c>eth_signTypedData_v4</c>.
/// </summary>
public sealed class TypedData
{
    private const string DomainTypeName = "EIP712Domain";

    /// <summary>Creates a document from its parts.</summary>
    /// <exception cref="TypedDataException">The types are invalid, the primary type is not defined, or an
    /// <c>EIP712Domain</c> type is given that does not match the domain's members.</exception>
    public TypedData(
        TypedDataDomain domain,
        IReadOnlyDictionary<string, IReadOnlyList<TypedDataField>> types,
        string primaryType,
        JsonElement message)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(primaryType);
        Domain = domain;
        PrimaryType = primaryType;
        Message = message.Clone();
        Encoder = new TypedDataEncoder(types);
        if (primaryType == DomainTypeName)
        {
            throw new TypedDataException("primaryType", "the primary type must be the message struct, not EIP712Domain.");
        }

        if (!Encoder.HasType(primaryType))
        {
            throw new TypedDataException("primaryType", $"struct type '{primaryType}' is not defined in types.");
        }

        if (types.TryGetValue(DomainTypeName, out var declared) && !declared.SequenceEqual(domain.Fields))
        {
            throw new TypedDataException(
                "types.EIP712Domain",
                $"declares ({Describe(declared)}) but the domain has ({Describe(domain.Fields)}); they must list the same members in the order name, version, chainId, verifyingContract, salt.");
        }
    }

    /// <summary>The signing domain.</summary>
    public TypedDataDomain Domain { get; }

    /// <summary>The struct type of <see cref="Message"/>.</summary>
    public string PrimaryType { get; }

    /// <summary>The message value.</summary>
    public JsonElement Message { get; }

    /// <summary>The encoder for the document's types.</summary>
    public TypedDataEncoder Encoder { get; }

    /// <summary><c>hashStruct(primaryType, message)</c>.</summary>
    /// <exception cref="TypedDataException">The message does not match its type.</exception>
    public Bytes32 GetStructHash() => Encoder.HashStruct(PrimaryType, Message);

    /// <summary>The EIP-712 digest: Keccak-256 of <c>0x19 0x01 || domainSeparator || hashStruct(message)</c>.</summary>
    /// <exception cref="TypedDataException">The message does not match its type.</exception>
    public Bytes32 GetSigningHash() => Eip712.GetSigningHash(Domain.Separator, GetStructHash());

    /// <summary>Signs the digest.</summary>
    /// <exception cref="TypedDataException">The message does not match its type.</exception>
    public Signature Sign(PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Sign(GetSigningHash());
    }

    /// <summary>
    /// Parses the <c>eth_signTypedData_v4</c> JSON form:
    /// <c>{"types": {...}, "primaryType": "...", "domain": {...}, "message": {...}}</c>.
    /// </summary>
    /// <exception cref="TypedDataException">The JSON is malformed or does not describe valid typed data.</exception>
    public static TypedData Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new TypedDataException("", $"typed data is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TypedDataException("", "typed data must be a JSON object with types, primaryType, domain and message.");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("types" or "primaryType" or "domain" or "message"))
                {
                    throw new TypedDataException(property.Name, "unknown top-level member; expected types, primaryType, domain and message.");
                }
            }

            var types = ParseTypes(Required(root, "types", JsonValueKind.Object));
            var primaryType = Required(root, "primaryType", JsonValueKind.String).GetString()!;
            var domain = ParseDomain(Required(root, "domain", JsonValueKind.Object));
            var message = Required(root, "message", JsonValueKind.Object);
            return new TypedData(domain, types, primaryType, message);
        }
    }

    /// <summary>Parses a JSON domain object with any of name, version, chainId, verifyingContract and salt.</summary>
    /// <exception cref="TypedDataException">A member is unknown or has the wrong form.</exception>
    public static TypedDataDomain ParseDomain(JsonElement domain)
    {
        if (domain.ValueKind != JsonValueKind.Object)
        {
            throw new TypedDataException("domain", "the domain must be a JSON object.");
        }

        string? name = null;
        string? version = null;
        UInt256? chainId = null;
        Address? verifyingContract = null;
        Bytes32? salt = null;
        foreach (var property in domain.EnumerateObject())
        {
            var path = $"domain.{property.Name}";
            var value = property.Value;
            try
            {
                switch (property.Name)
                {
                    case "name":
                        name = ExpectString(value, path);
                        break;
                    case "version":
                        version = ExpectString(value, path);
                        break;
                    case "chainId":
                        chainId = value.ValueKind == JsonValueKind.Number
                            ? UInt256.Parse(value.GetRawText())
                            : UInt256.Parse(ExpectString(value, path));
                        break;
                    case "verifyingContract":
                        verifyingContract = Address.Parse(ExpectString(value, path));
                        break;
                    case "salt":
                        salt = Bytes32.Parse(ExpectString(value, path));
                        break;
                    default:
                        throw new TypedDataException(path, "unknown domain member; expected name, version, chainId, verifyingContract or salt.");
                }
            }
            catch (EthereumFormatException ex) when (ex is not TypedDataException)
            {
                throw new TypedDataException(path, ex.Message, ex);
            }
        }

        return new TypedDataDomain
        {
            Name = name,
            Version = version,
            ChainId = chainId,
            VerifyingContract = verifyingContract,
            Salt = salt,
        };
    }

    private static Dictionary<string, IReadOnlyList<TypedDataField>> ParseTypes(JsonElement types)
    {
        var result = new Dictionary<string, IReadOnlyList<TypedDataField>>(StringComparer.Ordinal);
        foreach (var type in types.EnumerateObject())
        {
            var path = $"types.{type.Name}";
            if (type.Value.ValueKind != JsonValueKind.Array)
            {
                throw new TypedDataException(path, "a type must be an array of {\"name\", \"type\"} members.");
            }

            var fields = new List<TypedDataField>();
            var index = 0;
            foreach (var field in type.Value.EnumerateArray())
            {
                var fieldPath = $"{path}[{index++}]";
                if (field.ValueKind != JsonValueKind.Object)
                {
                    throw new TypedDataException(fieldPath, "a member must be an object with name and type.");
                }

                fields.Add(new TypedDataField(
                    ExpectString(Required(field, "name", JsonValueKind.String, fieldPath), fieldPath),
                    ExpectString(Required(field, "type", JsonValueKind.String, fieldPath), fieldPath)));
            }

            result.Add(type.Name, fields);
        }

        return result;
    }

    private static JsonElement Required(JsonElement parent, string name, JsonValueKind kind, string? parentPath = null)
    {
        var path = string.IsNullOrEmpty(parentPath) ? name : $"{parentPath}.{name}";
        if (!parent.TryGetProperty(name, out var value))
        {
            throw new TypedDataException(path, "is missing.");
        }

        return value.ValueKind == kind
            ? value
            : throw new TypedDataException(path, $"must be a JSON {kind.ToString().ToLowerInvariant()}.");
    }

    private static string ExpectString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new TypedDataException(path, "must be a JSON string.");

    private static string Describe(IEnumerable<TypedDataField> fields) =>
        string.Join(",", fields.Select(f => $"{f.Type} {f.Name}"));
}
