using System.Text.Json;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// A contract's JSON ABI: its functions, events, errors, constructor, fallback and receive entries, with lookups by
/// name, signature, selector and topic.
/// </summary>
public sealed class ContractAbi
{
    private readonly Dictionary<AbiSelector, AbiFunction> _functionsBySelector = [];
    private readonly Dictionary<AbiSelector, AbiError> _errorsBySelector = [];
    private readonly Dictionary<Bytes32, AbiEvent> _eventsByTopic = [];

    /// <summary>Creates an ABI from its entries.</summary>
    public ContractAbi(IEnumerable<AbiMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var all = members.ToList();
        Members = all;
        Functions = [.. all.OfType<AbiFunction>()];
        Events = [.. all.OfType<AbiEvent>()];
        Errors = [.. all.OfType<AbiError>()];
        Constructor = all.OfType<AbiConstructor>().SingleOrDefault();
        Fallback = all.OfType<AbiFallback>().SingleOrDefault();
        Receive = all.OfType<AbiReceive>().SingleOrDefault();
        foreach (var function in Functions)
        {
            _functionsBySelector.TryAdd(function.Selector, function);
        }

        foreach (var error in Errors)
        {
            _errorsBySelector.TryAdd(error.Selector, error);
        }

        foreach (var e in Events.Where(e => !e.Anonymous))
        {
            _eventsByTopic.TryAdd(e.Topic, e);
        }
    }

    /// <summary>Every entry, in document order.</summary>
    public IReadOnlyList<AbiMember> Members { get; }

    /// <summary>The functions.</summary>
    public IReadOnlyList<AbiFunction> Functions { get; }

    /// <summary>The events.</summary>
    public IReadOnlyList<AbiEvent> Events { get; }

    /// <summary>The custom errors.</summary>
    public IReadOnlyList<AbiError> Errors { get; }

    /// <summary>The constructor, or <c>null</c> when the contract declares none.</summary>
    public AbiConstructor? Constructor { get; }

    /// <summary>The fallback function, or <c>null</c>.</summary>
    public AbiFallback? Fallback { get; }

    /// <summary>The receive function, or <c>null</c>.</summary>
    public AbiReceive? Receive { get; }

    /// <summary>
    /// Parses a JSON ABI: either the array itself or an object with an <c>abi</c> array, such as a Hardhat artifact.
    /// </summary>
    /// <exception cref="AbiFormatException">The JSON is not a valid ABI.</exception>
    public static ContractAbi Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new AbiFormatException($"The ABI is not valid JSON: {ex.Message}", -1, ex);
        }
    }

    /// <summary>Parses a JSON ABI array, or an object (a Hardhat artifact) with an <c>abi</c> array.</summary>
    /// <exception cref="AbiFormatException">The JSON is not a valid ABI.</exception>
    public static ContractAbi Parse(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Object)
        {
            if (!json.TryGetProperty("abi", out var abi))
            {
                throw new AbiFormatException("The JSON object has no 'abi' property; pass an ABI array or a compiler artifact.");
            }

            json = abi;
        }

        if (json.ValueKind != JsonValueKind.Array)
        {
            throw new AbiFormatException($"An ABI is a JSON array of entries; got {json.ValueKind}.");
        }

        var members = new List<AbiMember>();
        var index = 0;
        foreach (var entry in json.EnumerateArray())
        {
            try
            {
                members.Add(ParseMember(entry));
            }
            catch (AbiFormatException ex)
            {
                throw new AbiFormatException($"ABI entry {index}: {ex.Message}", -1, ex);
            }

            index++;
        }

        return new ContractAbi(members);
    }

    /// <summary>The function with this name; the signature (<c>name(types)</c>) picks among overloads.</summary>
    /// <exception cref="KeyNotFoundException">No function, or several overloads, match.</exception>
    public AbiFunction GetFunction(string nameOrSignature) => Single(Functions, nameOrSignature, "function");

    /// <summary>The event with this name or signature.</summary>
    /// <exception cref="KeyNotFoundException">No event, or several overloads, match.</exception>
    public AbiEvent GetEvent(string nameOrSignature) => Single(Events, nameOrSignature, "event");

    /// <summary>The error with this name or signature.</summary>
    /// <exception cref="KeyNotFoundException">No error, or several overloads, match.</exception>
    public AbiError GetError(string nameOrSignature) => Single(Errors, nameOrSignature, "error");

    /// <summary>The function with this selector, or <c>null</c>.</summary>
    public AbiFunction? FindFunction(AbiSelector selector) => _functionsBySelector.GetValueOrDefault(selector);

    /// <summary>The error with this selector, or <c>null</c>.</summary>
    public AbiError? FindError(AbiSelector selector) => _errorsBySelector.GetValueOrDefault(selector);

    /// <summary>The non-anonymous event with this topic, or <c>null</c>.</summary>
    public AbiEvent? FindEvent(Bytes32 topic) => _eventsByTopic.GetValueOrDefault(topic);

    /// <summary>
    /// Decodes a log with the event its first topic names.
    /// </summary>
    /// <returns>The decoded event, or <c>null</c> when no non-anonymous event of this ABI has the log's first topic.</returns>
    /// <exception cref="AbiDecodingException">The event is known but the log does not decode.</exception>
    public DecodedEvent? DecodeLog(IReadOnlyList<Bytes32> topics, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        return topics.Count > 0 && FindEvent(topics[0]) is { } e ? e.DecodeLog(topics, data) : null;
    }

    private static T Single<T>(IReadOnlyList<T> members, string nameOrSignature, string kind)
        where T : AbiMember
    {
        ArgumentNullException.ThrowIfNull(nameOrSignature);
        var bySignature = nameOrSignature.Contains('(', StringComparison.Ordinal);
        var matches = members.Where(m => bySignature ? m.Signature == nameOrSignature : m.Name == nameOrSignature).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"The ABI has no {kind} '{nameOrSignature}'."),
            _ => throw new KeyNotFoundException(
                $"The ABI has {matches.Count} overloads of {kind} '{nameOrSignature}' ({string.Join(", ", matches.Select(m => m.Signature))}); ask by signature."),
        };
    }

    private static AbiMember ParseMember(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new AbiFormatException($"An ABI entry is a JSON object; got {entry.ValueKind}.");
        }

        // Old compilers omitted "type" for functions.
        var type = OptionalString(entry, "type") ?? "function";
        var mutability = OptionalString(entry, "stateMutability") ?? LegacyMutability(entry);
        switch (type)
        {
            case "function":
                return new AbiFunction(RequiredString(entry, "name"), Parameters(entry, "inputs", isEvent: false), Parameters(entry, "outputs", isEvent: false), mutability);
            case "event":
                return new AbiEvent(
                    RequiredString(entry, "name"),
                    Parameters(entry, "inputs", isEvent: true),
                    entry.TryGetProperty("anonymous", out var anonymous) && anonymous.ValueKind == JsonValueKind.True);
            case "error":
                return new AbiError(RequiredString(entry, "name"), Parameters(entry, "inputs", isEvent: false));
            case "constructor":
                return new AbiConstructor(Parameters(entry, "inputs", isEvent: false), mutability);
            case "fallback":
                return new AbiFallback(mutability);
            case "receive":
                return new AbiReceive();
            default:
                throw new AbiFormatException($"Unknown ABI entry type '{type}'; expected function, event, error, constructor, fallback or receive.");
        }
    }

    private static string LegacyMutability(JsonElement entry)
    {
        if (entry.TryGetProperty("payable", out var payable) && payable.ValueKind == JsonValueKind.True)
        {
            return "payable";
        }

        return entry.TryGetProperty("constant", out var constant) && constant.ValueKind == JsonValueKind.True ? "view" : "nonpayable";
    }

    private static List<AbiParameter> Parameters(JsonElement entry, string property, bool isEvent)
    {
        if (!entry.TryGetProperty(property, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new AbiFormatException($"'{property}' must be an array of parameters.");
        }

        return [.. list.EnumerateArray().Select(p => Parameter(p, isEvent))];
    }

    private static AbiParameter Parameter(JsonElement parameter, bool isEvent)
    {
        if (parameter.ValueKind != JsonValueKind.Object)
        {
            throw new AbiFormatException($"A parameter is a JSON object; got {parameter.ValueKind}.");
        }

        var name = OptionalString(parameter, "name") ?? "";
        var typeText = RequiredString(parameter, "type");
        List<AbiParameter>? components = null;
        if (parameter.TryGetProperty("components", out var componentList) && componentList.ValueKind == JsonValueKind.Array)
        {
            components = [.. componentList.EnumerateArray().Select(c => Parameter(c, isEvent: false))];
        }

        AbiType type;
        try
        {
            type = AbiSignatureParser.FromJsonType(typeText, components);
        }
        catch (AbiFormatException ex)
        {
            throw new AbiFormatException($"Parameter '{name}': {ex.Message}", -1, ex);
        }

        var indexed = isEvent && parameter.TryGetProperty("indexed", out var flag) && flag.ValueKind == JsonValueKind.True;
        return new AbiParameter(name, type, indexed, OptionalString(parameter, "internalType"));
    }

    private static string RequiredString(JsonElement element, string property) =>
        OptionalString(element, property) ?? throw new AbiFormatException($"Missing string property '{property}'.");

    private static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
