namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// Encodes and decodes <see cref="AbiValue"/>s (the dynamic path) through <see cref="AbiWriter"/> and
/// <see cref="AbiReader"/>. A list of types is encoded as the tuple of those types, as Solidity encodes parameter
/// lists, return values, constructor arguments, event data and error data.
/// </summary>
public static class AbiCodec
{
    /// <summary>Encodes <paramref name="values"/> as the tuple of <paramref name="types"/>.</summary>
    /// <exception cref="AbiEncodingException">The number or types of the values do not match.</exception>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<AbiValue> values) =>
        Encode(types, values, default);

    /// <summary>Encodes <paramref name="values"/> as the tuple of <paramref name="types"/>, after <paramref name="prefix"/>.</summary>
    /// <exception cref="AbiEncodingException">The number or types of the values do not match.</exception>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<AbiValue> values, ReadOnlySpan<byte> prefix)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        if (types.Count != values.Count)
        {
            throw new AbiEncodingException($"Expected {types.Count} values for ({string.Join(",", types)}); got {values.Count}.");
        }

        using var writer = new AbiWriter();
        for (var i = 0; i < types.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(values[i], nameof(values));
            if (values[i].Type != types[i])
            {
                throw new AbiEncodingException($"Value {i} is a {values[i].Type} but the type at that position is {types[i]}.");
            }

            Write(writer, values[i]);
        }

        return writer.ToArray(prefix);
    }

    /// <summary>Encodes values for a parameter list.</summary>
    /// <exception cref="AbiEncodingException">The number or types of the values do not match.</exception>
    public static byte[] Encode(IReadOnlyList<AbiParameter> parameters, IReadOnlyList<AbiValue> values, ReadOnlySpan<byte> prefix = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Encode([.. parameters.Select(p => p.Type)], values, prefix);
    }

    /// <summary>Decodes data holding the tuple of <paramref name="types"/>.</summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public static IReadOnlyList<AbiValue> Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        var reader = new AbiReader(data);
        var values = new AbiValue[types.Count];
        for (var i = 0; i < types.Count; i++)
        {
            values[i] = Read(ref reader, types[i]);
        }

        return values;
    }

    /// <summary>Decodes data holding the values of a parameter list.</summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public static IReadOnlyList<AbiValue> Decode(IReadOnlyList<AbiParameter> parameters, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Decode([.. parameters.Select(p => p.Type)], data);
    }

    /// <summary>Writes one value of any type.</summary>
    public static void Write(AbiWriter writer, AbiValue value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var type = value.Type;
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                writer.WriteUInt256(value.AsUInt256());
                break;
            case AbiTypeKind.Int:
                writer.WriteInt(type.Size, value.AsBigInteger());
                break;
            case AbiTypeKind.Address:
                writer.WriteAddress(value.AsAddress());
                break;
            case AbiTypeKind.Bool:
                writer.WriteBool(value.AsBool());
                break;
            case AbiTypeKind.FixedBytes:
                writer.WriteFixedBytes(value.AsBytes().Span);
                break;
            case AbiTypeKind.Bytes:
                writer.WriteBytes(value.AsBytes().Span);
                break;
            case AbiTypeKind.String:
                writer.WriteString(value.AsString());
                break;
            case AbiTypeKind.Array:
                writer.BeginArray(value.Items.Count);
                WriteItems(writer, value);
                writer.EndArray();
                break;
            case AbiTypeKind.FixedArray:
                writer.BeginFixedArray(type.Size);
                WriteItems(writer, value);
                writer.EndFixedArray();
                break;
            default:
                writer.BeginTuple();
                WriteItems(writer, value);
                writer.EndTuple();
                break;
        }
    }

    /// <summary>Reads one value of <paramref name="type"/>.</summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public static AbiValue Read(ref AbiReader reader, AbiType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                return AbiValue.UInt(reader.ReadUInt(type.Size), type.Size);
            case AbiTypeKind.Int:
                return AbiValue.Int(reader.ReadInt(type.Size), type.Size);
            case AbiTypeKind.Address:
                return AbiValue.Address(reader.ReadAddress());
            case AbiTypeKind.Bool:
                return AbiValue.Bool(reader.ReadBool());
            case AbiTypeKind.FixedBytes:
                return AbiValue.FixedBytes(reader.ReadFixedBytes(type.Size));
            case AbiTypeKind.Bytes:
                return AbiValue.Bytes(reader.ReadBytes());
            case AbiTypeKind.String:
                return AbiValue.String(reader.ReadString());
            case AbiTypeKind.Array:
                {
                    var elements = reader.EnterArray(out var length, type.ElementType!.HeadSize, type.CanonicalName);
                    return AbiValue.OfType(type, ReadItems(ref elements, type.ElementType, length));
                }

            case AbiTypeKind.FixedArray:
                if (type.IsDynamic)
                {
                    var elements = reader.EnterFixedArray(type.CanonicalName);
                    return AbiValue.OfType(type, ReadItems(ref elements, type.ElementType!, type.Size));
                }

                return AbiValue.OfType(type, ReadItems(ref reader, type.ElementType!, type.Size));
            default:
                {
                    var members = new AbiValue[type.Components.Count];
                    if (type.IsDynamic)
                    {
                        var inner = reader.EnterTuple(type.CanonicalName);
                        ReadMembers(ref inner, type, members);
                    }
                    else
                    {
                        ReadMembers(ref reader, type, members);
                    }

                    return AbiValue.OfType(type, members);
                }
        }
    }

    private static void WriteItems(AbiWriter writer, AbiValue value)
    {
        foreach (var item in value.Items)
        {
            Write(writer, item);
        }
    }

    private static AbiValue[] ReadItems(ref AbiReader reader, AbiType elementType, int count)
    {
        var items = new AbiValue[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = Read(ref reader, elementType);
        }

        return items;
    }

    private static void ReadMembers(ref AbiReader reader, AbiType tuple, AbiValue[] members)
    {
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = Read(ref reader, tuple.Components[i].Type);
        }
    }
}
