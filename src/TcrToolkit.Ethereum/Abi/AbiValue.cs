using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// A value of any ABI type together with its type: the dynamic, untyped path (tools, revert decoding, tests).
/// Values are immutable and compare structurally. Build them with the factory methods or <see cref="From"/>; read
/// them with the <c>As…</c> accessors, <see cref="Items"/> and <see cref="this[string]"/>.
/// </summary>
public sealed class AbiValue : IEquatable<AbiValue>
{
    private readonly UInt256 _unsigned;
    private readonly BigInteger _signed;
    private readonly Address _address;
    private readonly bool _bool;
    private readonly byte[]? _bytes;
    private readonly string? _string;
    private readonly AbiValue[]? _items;

    private AbiValue(
        AbiType type,
        UInt256 unsigned = default,
        BigInteger signed = default,
        Address address = default,
        bool boolean = false,
        byte[]? bytes = null,
        string? text = null,
        AbiValue[]? items = null)
    {
        Type = type;
        _unsigned = unsigned;
        _signed = signed;
        _address = address;
        _bool = boolean;
        _bytes = bytes;
        _string = text;
        _items = items;
    }

    /// <summary>The ABI type of the value.</summary>
    public AbiType Type { get; }

    /// <summary>A <c>uint&lt;bits&gt;</c>.</summary>
    /// <exception cref="AbiEncodingException">The value does not fit in <paramref name="bits"/> bits.</exception>
    public static AbiValue UInt(UInt256 value, int bits = 256)
    {
        var type = AbiType.UInt(bits);
        if (value.BitLength > bits)
        {
            throw new AbiEncodingException($"Value {value} does not fit in uint{bits}.");
        }

        return new AbiValue(type, unsigned: value);
    }

    /// <summary>An <c>int&lt;bits&gt;</c>.</summary>
    /// <exception cref="AbiEncodingException">The value is outside -2^(bits-1) .. 2^(bits-1) - 1.</exception>
    public static AbiValue Int(BigInteger value, int bits = 256)
    {
        var type = AbiType.Int(bits);
        var limit = BigInteger.One << (bits - 1);
        if (value < -limit || value >= limit)
        {
            throw new AbiEncodingException($"Value {value} does not fit in int{bits}.");
        }

        return new AbiValue(type, signed: value);
    }

    /// <summary>An <c>address</c>.</summary>
    public static AbiValue Address(Address value) => new(AbiType.Address, address: value);

    /// <summary>A <c>bool</c>.</summary>
    public static AbiValue Bool(bool value) => new(AbiType.Bool, boolean: value);

    /// <summary>A <c>bytes&lt;M&gt;</c> where M is the length of <paramref name="value"/> (1 to 32).</summary>
    /// <exception cref="AbiEncodingException">The value is empty or longer than 32 bytes.</exception>
    public static AbiValue FixedBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length is < 1 or > 32)
        {
            throw new AbiEncodingException($"A bytes<M> value has 1 to 32 bytes; got {value.Length}.");
        }

        return new AbiValue(AbiType.FixedBytes(value.Length), bytes: value.ToArray());
    }

    /// <summary>A <c>bytes32</c>.</summary>
    public static AbiValue Bytes32(Bytes32 value) => FixedBytes(value.AsSpan());

    /// <summary>A dynamic <c>bytes</c> value.</summary>
    public static AbiValue Bytes(ReadOnlySpan<byte> value) => new(AbiType.Bytes, bytes: value.ToArray());

    /// <summary>A <c>string</c>.</summary>
    public static AbiValue String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new AbiValue(AbiType.String, text: value);
    }

    /// <summary>A dynamic-length array <c>elementType[]</c>.</summary>
    /// <exception cref="AbiEncodingException">An item's type differs from <paramref name="elementType"/>.</exception>
    public static AbiValue Array(AbiType elementType, IEnumerable<AbiValue> items)
    {
        ArgumentNullException.ThrowIfNull(elementType);
        return OfType(AbiType.Array(elementType), items);
    }

    /// <summary>A fixed-length array <c>elementType[k]</c>, k being the number of items.</summary>
    /// <exception cref="AbiEncodingException">An item's type differs from <paramref name="elementType"/>, or there are no items.</exception>
    public static AbiValue FixedArray(AbiType elementType, IEnumerable<AbiValue> items)
    {
        ArgumentNullException.ThrowIfNull(elementType);
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToArray();
        if (list.Length == 0)
        {
            throw new AbiEncodingException("A fixed-length array needs at least one element.");
        }

        return OfType(AbiType.FixedArray(elementType, list.Length), list);
    }

    /// <summary>A tuple of unnamed members whose types are the items' types.</summary>
    public static AbiValue Tuple(params AbiValue[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return OfType(AbiType.Tuple(items.Select(i => i.Type).ToArray()), items);
    }

    /// <summary>
    /// A value of a composite <paramref name="type"/> (array, fixed array or tuple) from items of the right types.
    /// </summary>
    /// <exception cref="AbiEncodingException">The items do not fit the type.</exception>
    public static AbiValue OfType(AbiType type, IEnumerable<AbiValue> items)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToArray();
        switch (type.Kind)
        {
            case AbiTypeKind.Array or AbiTypeKind.FixedArray:
                if (type.Kind == AbiTypeKind.FixedArray && list.Length != type.Size)
                {
                    throw new AbiEncodingException($"Type {type} needs {type.Size} elements; got {list.Length}.");
                }

                for (var i = 0; i < list.Length; i++)
                {
                    ArgumentNullException.ThrowIfNull(list[i], nameof(items));
                    if (list[i].Type != type.ElementType)
                    {
                        throw new AbiEncodingException($"Element {i} of {type} is a {list[i].Type}, not a {type.ElementType}.");
                    }
                }

                break;
            case AbiTypeKind.Tuple:
                if (list.Length != type.Components.Count)
                {
                    throw new AbiEncodingException($"Tuple {type} has {type.Components.Count} members; got {list.Length} values.");
                }

                for (var i = 0; i < list.Length; i++)
                {
                    ArgumentNullException.ThrowIfNull(list[i], nameof(items));
                    if (list[i].Type != type.Components[i].Type)
                    {
                        throw new AbiEncodingException(
                            $"Member {i} ({type.Components[i]}) of {type} is given a {list[i].Type}.");
                    }
                }

                break;
            default:
                throw new AbiEncodingException($"{type} is not an array or tuple type.");
        }

        return new AbiValue(type, items: list);
    }

    /// <summary>
    /// Converts a CLR value to an ABI value of <paramref name="type"/>: integers from any integral type,
    /// <see cref="UInt256"/>, <see cref="BigInteger"/> or decimal/0x-hex text; addresses from <see cref="Ethereum.Address"/>
    /// or text; bytes from <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/>, <see cref="Ethereum.Bytes32"/> or 0x-hex text;
    /// arrays and tuples from any <see cref="IEnumerable"/> of convertible values, tuples also from a dictionary keyed by
    /// member name. An <see cref="AbiValue"/> of the same type passes through.
    /// </summary>
    /// <exception cref="AbiEncodingException">The value cannot be converted to the type.</exception>
    public static AbiValue From(AbiType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return FromCore(type, value);
        }
        catch (Exception ex) when (ex is (FormatException and not AbiEncodingException) or OverflowException or InvalidCastException)
        {
            throw new AbiEncodingException($"Cannot convert {Describe(value)} to {type}: {ex.Message}", ex);
        }
    }

    private static AbiValue FromCore(AbiType type, object? value)
    {
        if (value is AbiValue abiValue)
        {
            return abiValue.Type == type ? abiValue : throw new AbiEncodingException($"Value of type {abiValue.Type} given for {type}.");
        }

        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                return UInt(ToBigInteger(value) is var u && u.Sign >= 0 ? (UInt256)u : throw new AbiEncodingException($"Negative value {u} given for {type}."), type.Size);
            case AbiTypeKind.Int:
                return Int(ToBigInteger(value), type.Size);
            case AbiTypeKind.Address:
                return Address(value switch
                {
                    Ethereum.Address a => a,
                    string s => Ethereum.Address.Parse(s),
                    _ => throw new InvalidCastException("expected an Address or address text"),
                });
            case AbiTypeKind.Bool:
                return Bool(value is bool b ? b : throw new InvalidCastException("expected a bool"));
            case AbiTypeKind.FixedBytes:
                {
                    var bytes = ToBytes(value);
                    return bytes.Length == type.Size
                        ? FixedBytes(bytes)
                        : throw new AbiEncodingException($"{type} needs exactly {type.Size} bytes; got {bytes.Length}.");
                }

            case AbiTypeKind.Bytes:
                return Bytes(ToBytes(value));
            case AbiTypeKind.String:
                return String(value as string ?? throw new InvalidCastException("expected a string"));
            case AbiTypeKind.Array or AbiTypeKind.FixedArray:
                {
                    var items = (value as IEnumerable ?? throw new InvalidCastException("expected a sequence")).Cast<object?>()
                        .Select(item => FromCore(type.ElementType!, item));
                    return OfType(type, items);
                }

            default:
                {
                    if (value is IReadOnlyDictionary<string, object?> byName)
                    {
                        return OfType(type, type.Components.Select(c => byName.TryGetValue(c.Name, out var member)
                            ? FromCore(c.Type, member)
                            : throw new AbiEncodingException($"Tuple {type.ToDisplayString()} has no value for member '{c.Name}'.")));
                    }

                    var items = (value as IEnumerable ?? throw new InvalidCastException("expected a sequence or a dictionary")).Cast<object?>().ToArray();
                    if (items.Length != type.Components.Count)
                    {
                        throw new AbiEncodingException($"Tuple {type} has {type.Components.Count} members; got {items.Length} values.");
                    }

                    return OfType(type, items.Select((item, i) => FromCore(type.Components[i].Type, item)));
                }
        }
    }

    private static BigInteger ToBigInteger(object? value) => value switch
    {
        UInt256 u => u,
        BigInteger b => b,
        int i => i,
        long l => l,
        uint ui => ui,
        ulong ul => ul,
        short s => s,
        ushort us => us,
        byte b8 => b8,
        sbyte s8 => s8,
        string s when s.StartsWith('-') => -ToBigInteger(s[1..]),
        string s => UInt256.Parse(s),
        _ => throw new InvalidCastException("expected an integer"),
    };

    private static byte[] ToBytes(object? value) => value switch
    {
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory.ToArray(),
        Memory<byte> memory => memory.ToArray(),
        Ethereum.Bytes32 b32 => b32.ToArray(),
        string s => Hex.Decode(s),
        _ => throw new InvalidCastException("expected bytes or 0x-prefixed hex text"),
    };

    private static string Describe(object? value) => value is null ? "null" : value.GetType().Name;

    /// <summary>The value of a <c>uint&lt;M&gt;</c>.</summary>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public UInt256 AsUInt256() => Type.Kind == AbiTypeKind.UInt ? _unsigned : throw WrongKind("a uint");

    /// <summary>The value of a <c>uint&lt;M&gt;</c> or <c>int&lt;M&gt;</c> as a <see cref="BigInteger"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public BigInteger AsBigInteger() => Type.Kind switch
    {
        AbiTypeKind.UInt => _unsigned,
        AbiTypeKind.Int => _signed,
        _ => throw WrongKind("an integer"),
    };

    /// <summary>The value of an <c>address</c>.</summary>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public Address AsAddress() => Type.Kind == AbiTypeKind.Address ? _address : throw WrongKind("an address");

    /// <summary>The value of a <c>bool</c>.</summary>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public bool AsBool() => Type.Kind == AbiTypeKind.Bool ? _bool : throw WrongKind("a bool");

    /// <summary>The bytes of a <c>bytes</c> or <c>bytes&lt;M&gt;</c> value.</summary>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public ReadOnlyMemory<byte> AsBytes() => _bytes ?? throw WrongKind("bytes");

    /// <summary>The value of a <c>bytes32</c>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a <c>bytes32</c>.</exception>
    public Bytes32 AsBytes32() =>
        Type.Kind == AbiTypeKind.FixedBytes && Type.Size == 32 ? new Bytes32(_bytes) : throw WrongKind("a bytes32");

    /// <summary>The value of a <c>string</c>.</summary>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public string AsString() => _string ?? throw WrongKind("a string");

    /// <summary>The elements of an array or the members of a tuple, in order.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array or tuple.</exception>
    public IReadOnlyList<AbiValue> Items => _items ?? throw WrongKind("an array or tuple");

    /// <summary>A tuple member by name.</summary>
    /// <exception cref="KeyNotFoundException">The tuple has no member of that name.</exception>
    public AbiValue this[string name]
    {
        get
        {
            var items = Items;
            for (var i = 0; i < Type.Components.Count; i++)
            {
                if (Type.Components[i].Name == name)
                {
                    return items[i];
                }
            }

            throw new KeyNotFoundException($"Tuple {Type.ToDisplayString()} has no member named '{name}'.");
        }
    }

    private InvalidOperationException WrongKind(string expected) =>
        new($"The value is a {Type}, not {expected}.");

    /// <inheritdoc/>
    public bool Equals(AbiValue? other)
    {
        if (other is null || other.Type != Type)
        {
            return false;
        }

        return Type.Kind switch
        {
            AbiTypeKind.UInt => _unsigned == other._unsigned,
            AbiTypeKind.Int => _signed == other._signed,
            AbiTypeKind.Address => _address == other._address,
            AbiTypeKind.Bool => _bool == other._bool,
            AbiTypeKind.FixedBytes or AbiTypeKind.Bytes => _bytes.AsSpan().SequenceEqual(other._bytes),
            AbiTypeKind.String => _string == other._string,
            _ => _items!.SequenceEqual(other._items!),
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AbiValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, ToString());

    /// <summary>
    /// Formats the value readably: integers in decimal, addresses checksummed, bytes as hex, strings quoted, arrays
    /// and tuples in brackets and parentheses.
    /// </summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Append(builder);
        return builder.ToString();
    }

    private void Append(StringBuilder builder)
    {
        switch (Type.Kind)
        {
            case AbiTypeKind.UInt:
                builder.Append(_unsigned.ToString());
                break;
            case AbiTypeKind.Int:
                builder.Append(_signed.ToString(CultureInfo.InvariantCulture));
                break;
            case AbiTypeKind.Address:
                builder.Append(_address.ToString());
                break;
            case AbiTypeKind.Bool:
                builder.Append(_bool ? "true" : "false");
                break;
            case AbiTypeKind.FixedBytes or AbiTypeKind.Bytes:
                builder.Append(Hex.Encode(_bytes));
                break;
            case AbiTypeKind.String:
                builder.Append('"').Append(_string!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            default:
                var tuple = Type.Kind == AbiTypeKind.Tuple;
                builder.Append(tuple ? '(' : '[');
                for (var i = 0; i < _items!.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    _items[i].Append(builder);
                }

                builder.Append(tuple ? ')' : ']');
                break;
        }
    }
}
