using System.Buffers.Binary;
using System.Text;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>A decoded revert: the error's name and its arguments, each already formatted as text.</summary>
/// <param name="Name">The error name, for example <c>Error</c>, <c>Panic</c> or a contract's custom error.</param>
/// <param name="Arguments">The arguments in declaration order, formatted for people.</param>
public sealed record DecodedRevert(string Name, IReadOnlyList<string> Arguments)
{
    /// <summary>The error as <c>Name(arg0, arg1)</c>.</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Arguments)})";

    /// <inheritdoc/>
    public bool Equals(DecodedRevert? other) =>
        other is not null && Name == other.Name && Arguments.SequenceEqual(other.Arguments);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Arguments.Count);
}

/// <summary>
/// Turns revert data (a 4-byte selector and ABI-encoded arguments) into a <see cref="DecodedRevert"/>. The RPC layer
/// ships <see cref="StandardRevertDecoder"/>; a full ABI decoder that knows a contract's custom errors plugs in here.
/// </summary>
public interface IRevertDecoder
{
    /// <summary>Decodes <paramref name="revertData"/>, or returns <c>null</c> when the selector is unknown or the data malformed.</summary>
    DecodedRevert? Decode(ReadOnlySpan<byte> revertData);
}

/// <summary>
/// Decodes the two errors the compiler itself emits: <c>Error(string)</c> (selector <c>0x08c379a0</c>, from
/// <c>require</c> and <c>revert("...")</c>) and <c>Panic(uint256)</c> (selector <c>0x4e487b71</c>, from failed
/// assertions, overflow, division by zero and similar). Anything else, or malformed data, gives <c>null</c>.
/// </summary>
public sealed class StandardRevertDecoder : IRevertDecoder
{
    /// <summary>The selector of <c>Error(string)</c>.</summary>
    public const uint ErrorSelector = 0x08c379a0;

    /// <summary>The selector of <c>Panic(uint256)</c>.</summary>
    public const uint PanicSelector = 0x4e487b71;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A shared instance; the decoder holds no state.</summary>
    public static StandardRevertDecoder Instance { get; } = new();

    /// <inheritdoc/>
    public DecodedRevert? Decode(ReadOnlySpan<byte> revertData)
    {
        if (revertData.Length < 4)
        {
            return null;
        }

        var body = revertData[4..];
        return BinaryPrimitives.ReadUInt32BigEndian(revertData) switch
        {
            ErrorSelector => DecodeError(body),
            PanicSelector => DecodePanic(body),
            _ => null,
        };
    }

    /// <summary>What the compiler means by a panic code, or <c>null</c> for a code it does not emit.</summary>
    public static string? DescribePanic(UInt256 code) => code.FitsInUInt64 ? (ulong)code switch
    {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "conversion to an invalid enum value",
        0x22 => "incorrectly encoded storage byte array",
        0x31 => "pop() on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory",
        0x51 => "call to a zero-initialised function variable",
        _ => null,
    } : null;

    private static DecodedRevert? DecodeError(ReadOnlySpan<byte> body)
    {
        // Head: one offset word (always 0x20 for a lone string); tail: a length word and the padded bytes.
        if (body.Length < 64 || UInt256.FromBigEndian(body[..32]) != 32)
        {
            return null;
        }

        var length = UInt256.FromBigEndian(body.Slice(32, 32));
        var available = body.Length - 64;
        if (!length.FitsInUInt64 || (ulong)length > (ulong)available)
        {
            return null;
        }

        var count = (int)(ulong)length;
        var padded = (count + 31) / 32 * 32;
        if (padded != available || body[(64 + count)..].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        try
        {
            return new DecodedRevert("Error", [StrictUtf8.GetString(body.Slice(64, count))]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static DecodedRevert? DecodePanic(ReadOnlySpan<byte> body)
    {
        if (body.Length != 32)
        {
            return null;
        }

        var code = UInt256.FromBigEndian(body);
        var text = Hex.EncodeQuantity(code);
        return new DecodedRevert("Panic", [DescribePanic(code) is { } meaning ? $"{text} ({meaning})" : text]);
    }
}
