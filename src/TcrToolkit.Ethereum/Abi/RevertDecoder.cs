namespace TcrToolkit.Ethereum.Abi;

/// <summary>What kind of revert data was decoded.</summary>
public enum RevertKind
{
    /// <summary>No data: a bare <c>revert()</c>, an out-of-gas or a failed call without a reason.</summary>
    Empty,

    /// <summary><c>Error(string)</c>, from <c>require(cond, "reason")</c> or <c>revert("reason")</c>.</summary>
    ErrorString,

    /// <summary><c>Panic(uint256)</c>, from a failed assertion, arithmetic overflow, division by zero and the like.</summary>
    Panic,

    /// <summary>A custom error found in one of the decoder's ABIs.</summary>
    CustomError,

    /// <summary>Data whose selector matches no known error; see <see cref="DecodedRevert.Data"/>.</summary>
    Unknown,
}

/// <summary>Decoded revert data.</summary>
public sealed class DecodedRevert
{
    internal DecodedRevert(RevertKind kind, byte[] data, AbiError? error, IReadOnlyList<AbiValue> values, string message)
    {
        Kind = kind;
        Data = data;
        Error = error;
        Values = values;
        Message = message;
    }

    /// <summary>What kind of revert it is.</summary>
    public RevertKind Kind { get; }

    /// <summary>The raw revert data.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The selector, or <c>null</c> when the data has fewer than four bytes.</summary>
    public AbiSelector? Selector => Data.Length >= AbiSelector.Size ? AbiSelector.Read(Data.Span) : null;

    /// <summary>The matched error (<c>Error</c>, <c>Panic</c> or a custom error), or <c>null</c> for empty or unknown data.</summary>
    public AbiError? Error { get; }

    /// <summary>The error name (<c>Error</c>, <c>Panic</c>, the custom error's name), or an empty string.</summary>
    public string Name => Error?.Name ?? "";

    /// <summary>The decoded arguments, in declaration order (empty for empty or unknown data).</summary>
    public IReadOnlyList<AbiValue> Values { get; }

    /// <summary>The arguments with their parameter names.</summary>
    public IReadOnlyList<KeyValuePair<string, AbiValue>> Arguments =>
        Error is null ? [] : [.. Error.Inputs.Select((p, i) => new KeyValuePair<string, AbiValue>(p.Name, Values[i]))];

    /// <summary>An argument by parameter name.</summary>
    /// <exception cref="KeyNotFoundException">The error has no parameter of that name.</exception>
    public AbiValue this[string name] =>
        Arguments.FirstOrDefault(a => a.Key == name).Value
        ?? throw new KeyNotFoundException($"Revert {Name} has no argument named '{name}'.");

    /// <summary>
    /// The reason for <see cref="RevertKind.ErrorString"/>, the meaning of the code for <see cref="RevertKind.Panic"/>,
    /// and a description of the call for the other kinds.
    /// </summary>
    public string Message { get; }

    /// <summary>The panic code for <see cref="RevertKind.Panic"/>, otherwise <c>null</c>.</summary>
    public UInt256? PanicCode => Kind == RevertKind.Panic ? Values[0].AsUInt256() : null;

    /// <summary>The description in <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}

/// <summary>
/// Decodes revert data: <c>Error(string)</c>, <c>Panic(uint256)</c>, and the custom errors of a set of contract ABIs
/// (for example the registry's and the voting contract's), matched by selector.
/// </summary>
public sealed class RevertDecoder
{
    private readonly Dictionary<AbiSelector, AbiError> _errors = [];

    /// <summary>A decoder that knows only what the compiler emits by itself: <c>Error(string)</c> and <c>Panic(uint256)</c>.</summary>
    public static RevertDecoder Standard { get; } = new(Array.Empty<AbiError>());

    /// <summary>Creates a decoder that knows the custom errors of <paramref name="abis"/>.</summary>
    public RevertDecoder(params ContractAbi[] abis)
        : this(abis.SelectMany(a => a.Errors))
    {
    }

    /// <summary>Creates a decoder that knows <paramref name="errors"/>.</summary>
    public RevertDecoder(IEnumerable<AbiError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        _errors[AbiError.ErrorString.Selector] = AbiError.ErrorString;
        _errors[AbiError.Panic.Selector] = AbiError.Panic;
        foreach (var error in errors)
        {
            // The same error declared in several contracts (an inherited interface) is one error.
            _errors.TryAdd(error.Selector, error);
        }
    }

    /// <summary>The errors this decoder knows, <c>Error(string)</c> and <c>Panic(uint256)</c> included.</summary>
    public IReadOnlyCollection<AbiError> Errors => _errors.Values;

    /// <summary>A decoder that knows every error of <paramref name="decoders"/> (for example one per contract of a deployment).</summary>
    public static RevertDecoder Combine(params RevertDecoder[] decoders)
    {
        ArgumentNullException.ThrowIfNull(decoders);
        return new RevertDecoder(decoders.SelectMany(d => d.Errors));
    }

    /// <summary>Decodes revert data.</summary>
    /// <exception cref="AbiDecodingException">The selector is known but the arguments are malformed.</exception>
    public DecodedRevert Decode(ReadOnlySpan<byte> data)
    {
        var raw = data.ToArray();
        if (data.IsEmpty)
        {
            return new DecodedRevert(RevertKind.Empty, raw, null, [], "reverted without data");
        }

        if (data.Length < AbiSelector.Size || !_errors.TryGetValue(AbiSelector.Read(data), out var error))
        {
            var selector = data.Length >= AbiSelector.Size ? $"selector {AbiSelector.Read(data)}" : $"{data.Length} bytes, too short for a selector";
            return new DecodedRevert(RevertKind.Unknown, raw, null, [], $"reverted with unknown data ({selector}): {Hex.Encode(data)}");
        }

        var values = error.Decode(data);
        if (ReferenceEquals(error, AbiError.ErrorString))
        {
            return new DecodedRevert(RevertKind.ErrorString, raw, error, values, values[0].AsString());
        }

        if (ReferenceEquals(error, AbiError.Panic))
        {
            var code = values[0].AsUInt256();
            return new DecodedRevert(RevertKind.Panic, raw, error, values, $"panic 0x{code:x}: {PanicCodes.Describe(code)}");
        }

        var arguments = string.Join(", ", error.Inputs.Select((p, i) => (p.Name.Length > 0 ? p.Name + "=" : "") + values[i]));
        return new DecodedRevert(RevertKind.CustomError, raw, error, values, $"{error.Name}({arguments})");
    }
}

/// <summary>The codes of Solidity's <c>Panic(uint256)</c> and what they mean.</summary>
public static class PanicCodes
{
    /// <summary>0x00: a generic compiler-inserted panic.</summary>
    public const int Generic = 0x00;

    /// <summary>0x01: <c>assert</c> failed.</summary>
    public const int AssertionFailed = 0x01;

    /// <summary>0x11: arithmetic overflow or underflow outside an <c>unchecked</c> block.</summary>
    public const int ArithmeticOverflow = 0x11;

    /// <summary>0x12: division or modulo by zero.</summary>
    public const int DivisionByZero = 0x12;

    /// <summary>0x21: conversion of a value too big or negative into an enum.</summary>
    public const int InvalidEnumValue = 0x21;

    /// <summary>0x22: access to an incorrectly encoded storage byte array.</summary>
    public const int InvalidStorageByteArray = 0x22;

    /// <summary>0x31: <c>.pop()</c> on an empty array.</summary>
    public const int PopOnEmptyArray = 0x31;

    /// <summary>0x32: array, <c>bytesN</c> or slice index out of bounds.</summary>
    public const int IndexOutOfBounds = 0x32;

    /// <summary>0x41: too much memory allocated or an array too large.</summary>
    public const int OutOfMemory = 0x41;

    /// <summary>0x51: call to a zero-initialized internal function variable.</summary>
    public const int InvalidInternalFunction = 0x51;

    /// <summary>The meaning of a panic code as the Solidity documentation gives it.</summary>
    public static string Describe(UInt256 code) => code.FitsInUInt64 ? (ulong)code switch
    {
        Generic => "generic compiler-inserted panic",
        AssertionFailed => "assertion failed",
        ArithmeticOverflow => "arithmetic overflow or underflow",
        DivisionByZero => "division or modulo by zero",
        InvalidEnumValue => "value too big or negative for the enum type",
        InvalidStorageByteArray => "incorrectly encoded storage byte array",
        PopOnEmptyArray => "pop() on an empty array",
        IndexOutOfBounds => "array index out of bounds",
        OutOfMemory => "too much memory allocated or array too large",
        InvalidInternalFunction => "call to a zero-initialized internal function",
        _ => "unknown panic code",
    } : "unknown panic code";
}
