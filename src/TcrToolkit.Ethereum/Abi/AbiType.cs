using System.Globalization;
using System.Text;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>The kinds of Solidity ABI types.</summary>
public enum AbiTypeKind
{
    /// <summary><c>uint&lt;M&gt;</c>, M from 8 to 256 in steps of 8.</summary>
    UInt,

    /// <summary><c>int&lt;M&gt;</c>, M from 8 to 256 in steps of 8, two's complement.</summary>
    Int,

    /// <summary><c>address</c>, 20 bytes.</summary>
    Address,

    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary><c>bytes&lt;M&gt;</c>, M from 1 to 32.</summary>
    FixedBytes,

    /// <summary><c>bytes</c>, a dynamic byte sequence.</summary>
    Bytes,

    /// <summary><c>string</c>, dynamic UTF-8 text.</summary>
    String,

    /// <summary><c>T[]</c>, a dynamic-length array.</summary>
    Array,

    /// <summary><c>T[k]</c>, a fixed-length array.</summary>
    FixedArray,

    /// <summary><c>(T1,T2,...)</c>, a tuple (a Solidity struct or a parameter list).</summary>
    Tuple,
}

/// <summary>
/// A Solidity ABI type, parsed from a canonical type string (<c>(uint256,bytes)[2][]</c>) or from a JSON ABI parameter
/// (<c>"type": "tuple[]"</c> with <c>components</c>). Instances are immutable and compare by canonical name; tuple
/// component names are kept for decoding into named values but do not take part in equality.
/// </summary>
public sealed class AbiType : IEquatable<AbiType>
{
    private static readonly AbiType[] UIntTypes = [.. Enumerable.Range(1, 32).Select(i => new AbiType(AbiTypeKind.UInt, i * 8))];
    private static readonly AbiType[] IntTypes = [.. Enumerable.Range(1, 32).Select(i => new AbiType(AbiTypeKind.Int, i * 8))];
    private static readonly AbiType[] FixedBytesTypes = [.. Enumerable.Range(1, 32).Select(i => new AbiType(AbiTypeKind.FixedBytes, i))];

    private AbiType(AbiTypeKind kind, int size, AbiType? element = null, IReadOnlyList<AbiParameter>? components = null)
    {
        Kind = kind;
        Size = size;
        ElementType = element;
        Components = components ?? [];
        IsDynamic = kind switch
        {
            AbiTypeKind.Bytes or AbiTypeKind.String or AbiTypeKind.Array => true,
            AbiTypeKind.FixedArray => element!.IsDynamic,
            AbiTypeKind.Tuple => Components.Any(c => c.Type.IsDynamic),
            _ => false,
        };
        HeadSize = IsDynamic ? 32 : kind switch
        {
            AbiTypeKind.FixedArray => checked(size * element!.HeadSize),
            AbiTypeKind.Tuple => Components.Sum(c => c.Type.HeadSize),
            _ => 32,
        };
        CanonicalName = kind switch
        {
            AbiTypeKind.UInt => "uint" + size.ToString(CultureInfo.InvariantCulture),
            AbiTypeKind.Int => "int" + size.ToString(CultureInfo.InvariantCulture),
            AbiTypeKind.Address => "address",
            AbiTypeKind.Bool => "bool",
            AbiTypeKind.FixedBytes => "bytes" + size.ToString(CultureInfo.InvariantCulture),
            AbiTypeKind.Bytes => "bytes",
            AbiTypeKind.String => "string",
            AbiTypeKind.Array => element!.CanonicalName + "[]",
            AbiTypeKind.FixedArray => element!.CanonicalName + "[" + size.ToString(CultureInfo.InvariantCulture) + "]",
            _ => "(" + string.Join(",", Components.Select(c => c.Type.CanonicalName)) + ")",
        };
    }

    /// <summary>The kind of type.</summary>
    public AbiTypeKind Kind { get; }

    /// <summary>
    /// Bits for <c>uint&lt;M&gt;</c>/<c>int&lt;M&gt;</c>, bytes for <c>bytes&lt;M&gt;</c>, the length for <c>T[k]</c>,
    /// and 0 for the other kinds.
    /// </summary>
    public int Size { get; }

    /// <summary>The element type of an array, or <c>null</c>.</summary>
    public AbiType? ElementType { get; }

    /// <summary>The members of a tuple, in order (empty for the other kinds).</summary>
    public IReadOnlyList<AbiParameter> Components { get; }

    /// <summary>
    /// Whether the encoding is dynamic (referenced by an offset from the head): <c>bytes</c>, <c>string</c>, <c>T[]</c>,
    /// and arrays and tuples containing a dynamic type.
    /// </summary>
    public bool IsDynamic { get; }

    /// <summary>The number of bytes the type takes in the head of an enclosing tuple (32 for dynamic types).</summary>
    public int HeadSize { get; }

    /// <summary>The canonical name used in signatures, for example <c>(uint256,bytes32[])[2]</c>.</summary>
    public string CanonicalName { get; }

    /// <summary><c>uint256</c>.</summary>
    public static AbiType UInt256 => UIntTypes[31];

    /// <summary><c>int256</c>.</summary>
    public static AbiType Int256 => IntTypes[31];

    /// <summary><c>address</c>.</summary>
    public static AbiType Address { get; } = new(AbiTypeKind.Address, 0);

    /// <summary><c>bool</c>.</summary>
    public static AbiType Bool { get; } = new(AbiTypeKind.Bool, 0);

    /// <summary><c>bytes32</c>.</summary>
    public static AbiType Bytes32 => FixedBytesTypes[31];

    /// <summary><c>bytes</c>.</summary>
    public static AbiType Bytes { get; } = new(AbiTypeKind.Bytes, 0);

    /// <summary><c>string</c>.</summary>
    public static AbiType String { get; } = new(AbiTypeKind.String, 0);

    /// <summary><c>uint&lt;bits&gt;</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is not a multiple of 8 from 8 to 256.</exception>
    public static AbiType UInt(int bits) => UIntTypes[CheckBits(bits)];

    /// <summary><c>int&lt;bits&gt;</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is not a multiple of 8 from 8 to 256.</exception>
    public static AbiType Int(int bits) => IntTypes[CheckBits(bits)];

    /// <summary><c>bytes&lt;size&gt;</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not from 1 to 32.</exception>
    public static AbiType FixedBytes(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 32);
        return FixedBytesTypes[size - 1];
    }

    /// <summary><c>element[]</c>.</summary>
    public static AbiType Array(AbiType element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new AbiType(AbiTypeKind.Array, 0, element);
    }

    /// <summary><c>element[length]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is less than 1 (Solidity has no zero-length arrays).</exception>
    public static AbiType FixedArray(AbiType element, int length)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        return new AbiType(AbiTypeKind.FixedArray, length, element);
    }

    /// <summary>A tuple of named (or unnamed) components.</summary>
    public static AbiType Tuple(IEnumerable<AbiParameter> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return new AbiType(AbiTypeKind.Tuple, 0, null, [.. components]);
    }

    /// <summary>A tuple of unnamed components.</summary>
    public static AbiType Tuple(params AbiType[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return Tuple(components.Select(t => new AbiParameter("", t)));
    }

    /// <summary>
    /// Parses a type string: canonical names, <c>uint</c>/<c>int</c> as aliases of <c>uint256</c>/<c>int256</c>, and
    /// tuples written <c>(T1,T2)</c> or <c>tuple(T1,T2)</c>, with optional component names (<c>(uint256 amount,address to)</c>).
    /// </summary>
    /// <exception cref="AbiFormatException">The text is not a valid ABI type.</exception>
    public static AbiType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return AbiSignatureParser.ParseType(text);
    }

    internal static int CheckBits(int bits)
    {
        if (bits < 8 || bits > 256 || bits % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "Integer widths are multiples of 8 from 8 to 256.");
        }

        return (bits / 8) - 1;
    }

    /// <summary>Builds an array type wrapping this one; <paramref name="length"/> -1 means dynamic.</summary>
    internal AbiType WrapArray(int length) => length < 0 ? Array(this) : FixedArray(this, length);

    /// <summary>Describes the type with tuple component names, for error messages and tooling.</summary>
    public string ToDisplayString()
    {
        if (Kind != AbiTypeKind.Tuple && ElementType is null)
        {
            return CanonicalName;
        }

        var builder = new StringBuilder();
        AppendDisplay(builder);
        return builder.ToString();
    }

    private void AppendDisplay(StringBuilder builder)
    {
        switch (Kind)
        {
            case AbiTypeKind.Array:
                ElementType!.AppendDisplay(builder);
                builder.Append("[]");
                break;
            case AbiTypeKind.FixedArray:
                ElementType!.AppendDisplay(builder);
                builder.Append('[').Append(Size.ToString(CultureInfo.InvariantCulture)).Append(']');
                break;
            case AbiTypeKind.Tuple:
                builder.Append('(');
                for (var i = 0; i < Components.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Components[i].Type.AppendDisplay(builder);
                    if (Components[i].Name.Length > 0)
                    {
                        builder.Append(' ').Append(Components[i].Name);
                    }
                }

                builder.Append(')');
                break;
            default:
                builder.Append(CanonicalName);
                break;
        }
    }

    /// <summary>The canonical name.</summary>
    public override string ToString() => CanonicalName;

    /// <inheritdoc/>
    public bool Equals(AbiType? other) => other is not null && CanonicalName == other.CanonicalName;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AbiType);

    /// <inheritdoc/>
    public override int GetHashCode() => CanonicalName.GetHashCode(StringComparison.Ordinal);

    /// <summary>Equality by canonical name.</summary>
    public static bool operator ==(AbiType? left, AbiType? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by canonical name.</summary>
    public static bool operator !=(AbiType? left, AbiType? right) => !(left == right);
}

/// <summary>
/// A named, typed parameter of a function, event, error or constructor, or a component of a tuple.
/// </summary>
/// <param name="Name">The parameter name; empty when the ABI leaves it unnamed.</param>
/// <param name="Type">The parameter type.</param>
/// <param name="Indexed">For event parameters: whether the value is a topic rather than part of the data.</param>
/// <param name="InternalType">
/// The compiler's source-level type (<c>struct TcrParameters.Registry</c>, <c>enum Stage</c>, <c>contract IERC20</c>),
/// kept for code generation; <c>null</c> when the ABI does not give it.
/// </param>
public sealed record AbiParameter(string Name, AbiType Type, bool Indexed = false, string? InternalType = null)
{
    /// <summary>Formats <c>type [indexed] [name]</c>.</summary>
    public override string ToString() =>
        Type.ToDisplayString() + (Indexed ? " indexed" : "") + (Name.Length > 0 ? " " + Name : "");
}
