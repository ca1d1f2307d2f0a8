namespace TcrToolkit.Ethereum.Abi;

/// <summary>One entry of a contract ABI: a function, event, error, constructor, fallback or receive function.</summary>
public abstract class AbiMember
{
    private protected AbiMember(string name, IReadOnlyList<AbiParameter> inputs)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        Name = name;
        Inputs = inputs;
        Signature = name + "(" + string.Join(",", inputs.Select(p => p.Type.CanonicalName)) + ")";
    }

    /// <summary>The member's name (empty for a constructor, fallback or receive function).</summary>
    public string Name { get; }

    /// <summary>The input parameters (event parameters for an event).</summary>
    public IReadOnlyList<AbiParameter> Inputs { get; }

    /// <summary>The canonical signature, for example <c>transfer(address,uint256)</c>.</summary>
    public string Signature { get; }

    /// <summary>The canonical signature.</summary>
    public override string ToString() => Signature;

    /// <summary>Converts CLR or <see cref="AbiValue"/> arguments to values of the parameter types.</summary>
    private protected static AbiValue[] ToValues(IReadOnlyList<AbiParameter> parameters, object?[] arguments, string what)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Length != parameters.Count)
        {
            throw new AbiEncodingException($"{what} takes {parameters.Count} arguments; got {arguments.Length}.");
        }

        var values = new AbiValue[arguments.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = AbiValue.From(parameters[i].Type, arguments[i]);
        }

        return values;
    }

    private protected static List<AbiParameter> ParseParameters(string signature, bool allowIndexed, out string name)
    {
        var (parsedName, parameters) = AbiSignatureParser.ParseSignature(signature, allowIndexed);
        name = parsedName;
        return [.. parameters];
    }
}

/// <summary>A contract function: selector, calldata and return data.</summary>
public sealed class AbiFunction : AbiMember
{
    /// <summary>Creates a function.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="inputs">The parameters.</param>
    /// <param name="outputs">The return values.</param>
    /// <param name="stateMutability"><c>pure</c>, <c>view</c>, <c>nonpayable</c> or <c>payable</c>.</param>
    public AbiFunction(string name, IReadOnlyList<AbiParameter> inputs, IReadOnlyList<AbiParameter> outputs, string stateMutability = "nonpayable")
        : base(name, inputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(stateMutability);
        Outputs = outputs;
        StateMutability = stateMutability;
        Selector = AbiSelector.FromSignature(Signature);
    }

    /// <summary>The return values.</summary>
    public IReadOnlyList<AbiParameter> Outputs { get; }

    /// <summary><c>pure</c>, <c>view</c>, <c>nonpayable</c> or <c>payable</c>.</summary>
    public string StateMutability { get; }

    /// <summary>Whether calling the function cannot change state (<c>pure</c> or <c>view</c>).</summary>
    public bool IsReadOnly => StateMutability is "pure" or "view";

    /// <summary>The 4-byte selector.</summary>
    public AbiSelector Selector { get; }

    /// <summary>
    /// Parses a human-readable signature such as <c>transfer(address to, uint256 amount)</c>; parameter names are
    /// optional. The function has no outputs.
    /// </summary>
    /// <exception cref="AbiFormatException">The signature is malformed.</exception>
    public static AbiFunction Parse(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var inputs = ParseParameters(signature, allowIndexed: false, out var name);
        return new AbiFunction(name, inputs, []);
    }

    /// <summary>Encodes calldata: the selector followed by the arguments (CLR values or <see cref="AbiValue"/>s).</summary>
    /// <exception cref="AbiEncodingException">The arguments do not fit the parameters.</exception>
    public byte[] EncodeCall(params object?[] arguments)
    {
        Span<byte> selector = stackalloc byte[AbiSelector.Size];
        Selector.WriteTo(selector);
        return AbiCodec.Encode(Inputs, ToValues(Inputs, arguments, Signature), selector);
    }

    /// <summary>Decodes calldata, checking the selector.</summary>
    /// <exception cref="AbiDecodingException">The selector differs or the arguments are malformed.</exception>
    public IReadOnlyList<AbiValue> DecodeCall(ReadOnlySpan<byte> calldata)
    {
        var selector = AbiSelector.Read(calldata);
        if (selector != Selector)
        {
            throw new AbiDecodingException("selector", 0, $"the calldata selector {selector} is not {Selector} of {Signature}");
        }

        return AbiCodec.Decode(Inputs, calldata[AbiSelector.Size..]);
    }

    /// <summary>Encodes return data.</summary>
    /// <exception cref="AbiEncodingException">The values do not fit the outputs.</exception>
    public byte[] EncodeOutput(params object?[] values) => AbiCodec.Encode(Outputs, ToValues(Outputs, values, Signature + " outputs"));

    /// <summary>Decodes return data.</summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public IReadOnlyList<AbiValue> DecodeOutput(ReadOnlySpan<byte> data) => AbiCodec.Decode(Outputs, data);
}

/// <summary>A custom error: selector, revert data encoding and decoding.</summary>
public sealed class AbiError : AbiMember
{
    /// <summary>Creates an error.</summary>
    public AbiError(string name, IReadOnlyList<AbiParameter> inputs)
        : base(name, inputs)
    {
        Selector = AbiSelector.FromSignature(Signature);
    }

    /// <summary>The built-in <c>Error(string)</c> raised by <c>require(cond, "reason")</c> and <c>revert("reason")</c>.</summary>
    public static AbiError ErrorString { get; } = new("Error", [new AbiParameter("message", AbiType.String)]);

    /// <summary>The built-in <c>Panic(uint256)</c> raised by failed assertions, overflow, division by zero and the like.</summary>
    public static AbiError Panic { get; } = new("Panic", [new AbiParameter("code", AbiType.UInt256)]);

    /// <summary>The 4-byte selector.</summary>
    public AbiSelector Selector { get; }

    /// <summary>Parses a human-readable signature such as <c>RegistryNotGovernor(address caller)</c>.</summary>
    /// <exception cref="AbiFormatException">The signature is malformed.</exception>
    public static AbiError Parse(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var inputs = ParseParameters(signature, allowIndexed: false, out var name);
        return new AbiError(name, inputs);
    }

    /// <summary>Encodes revert data: the selector followed by the arguments.</summary>
    /// <exception cref="AbiEncodingException">The arguments do not fit the parameters.</exception>
    public byte[] Encode(params object?[] arguments)
    {
        Span<byte> selector = stackalloc byte[AbiSelector.Size];
        Selector.WriteTo(selector);
        return AbiCodec.Encode(Inputs, ToValues(Inputs, arguments, Signature), selector);
    }

    /// <summary>Decodes revert data, checking the selector.</summary>
    /// <exception cref="AbiDecodingException">The selector differs or the arguments are malformed.</exception>
    public IReadOnlyList<AbiValue> Decode(ReadOnlySpan<byte> revertData)
    {
        var selector = AbiSelector.Read(revertData);
        if (selector != Selector)
        {
            throw new AbiDecodingException("selector", 0, $"the revert data selector {selector} is not {Selector} of {Signature}");
        }

        return AbiCodec.Decode(Inputs, revertData[AbiSelector.Size..]);
    }
}

/// <summary>A constructor: its arguments are ABI-encoded after the creation bytecode.</summary>
public sealed class AbiConstructor : AbiMember
{
    /// <summary>Creates a constructor.</summary>
    public AbiConstructor(IReadOnlyList<AbiParameter> inputs, string stateMutability = "nonpayable")
        : base("", inputs)
    {
        ArgumentNullException.ThrowIfNull(stateMutability);
        StateMutability = stateMutability;
    }

    /// <summary><c>nonpayable</c> or <c>payable</c>.</summary>
    public string StateMutability { get; }

    /// <summary>Returns <paramref name="bytecode"/> followed by the encoded arguments: the data of a deployment transaction.</summary>
    /// <exception cref="AbiEncodingException">The arguments do not fit the parameters.</exception>
    public byte[] EncodeDeployment(ReadOnlySpan<byte> bytecode, params object?[] arguments) =>
        AbiCodec.Encode(Inputs, ToValues(Inputs, arguments, "constructor"), bytecode);

    /// <summary>Encodes the arguments alone.</summary>
    /// <exception cref="AbiEncodingException">The arguments do not fit the parameters.</exception>
    public byte[] EncodeArguments(params object?[] arguments) => EncodeDeployment([], arguments);

    /// <summary>Decodes constructor arguments (the bytes after the creation bytecode).</summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public IReadOnlyList<AbiValue> DecodeArguments(ReadOnlySpan<byte> data) => AbiCodec.Decode(Inputs, data);
}

/// <summary>The fallback function (<c>fallback()</c>), called when no selector matches.</summary>
public sealed class AbiFallback : AbiMember
{
    /// <summary>Creates a fallback entry.</summary>
    public AbiFallback(string stateMutability = "nonpayable")
        : base("", [])
    {
        ArgumentNullException.ThrowIfNull(stateMutability);
        StateMutability = stateMutability;
    }

    /// <summary><c>nonpayable</c> or <c>payable</c>.</summary>
    public string StateMutability { get; }
}

/// <summary>The receive function (<c>receive() external payable</c>), called for plain ether transfers.</summary>
public sealed class AbiReceive : AbiMember
{
    /// <summary>Creates a receive entry.</summary>
    public AbiReceive()
        : base("", [])
    {
    }

    /// <summary>Always <c>payable</c>.</summary>
    public string StateMutability { get; } = "payable";
}
