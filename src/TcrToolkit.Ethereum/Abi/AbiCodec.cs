namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// Encodes and decodes <see cref="AbiValue"/>s (the dynamic path) through <see cref="AbiWriter"/> and
/// <see cref="AbiReader"/>. A list of types is encoded as the tuple of those types, as Solidity encodes parameter
/// lists, return values, constructor arguments, event data and error data.
/// </summary>
/// <remarks>
/// Decoding refuses data that expands to more than <see cref="MaxInflation"/> times its own size: offsets may point
/// many elements at the same bytes (Solidity and ethers accept this), and without a bound a few kilobytes could
/// decode into gigabytes of values. ethers applies the same ratio.
/// </remarks>
public static class AbiCodec
{
    /// <summary>How many times its own size the data may expand to when decoded.</summary>
    public const int MaxInflation = 1024;

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
        var budget = new DecodeBudget(data.Length);
        var values = new AbiValue[types.Count];
        for (var i = 0; i < types.Count; i++)
        {
            values[i] = Read(ref reader, types[i], budget);
        }

        return values;
    }

    /// <summary>
    /// Checks that <paramref name="data"/> decodes as the tuple of <paramref name="types"/>, exactly as
    /// <see cref="Decode(IReadOnlyList{AbiType}, ReadOnlySpan{byte})"/> would read it (word sizes, value ranges, offsets,
    /// lengths, padding and the expansion bound), without building the values.
    /// </summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public static void Validate(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        var reader = new AbiReader(data);
        var budget = new DecodeBudget(data.Length);
        for (var i = 0; i < types.Count; i++)
        {
            Check(ref reader, types[i], budget);
        }
    }

    /// <summary>Checks one value of <paramref name="type"/>, as <see cref="Read(ref AbiReader, AbiType)"/> reads it, without building it.</summary>
    /// <exception cref="AbiDecodingException">The data is malformed.</exception>
    public static void Validate(ref AbiReader reader, AbiType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        Check(ref reader, type, new DecodeBudget(reader.DataLength));
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
        return Read(ref reader, type, new DecodeBudget(reader.DataLength));
    }

    private static AbiValue Read(ref AbiReader reader, AbiType type, DecodeBudget budget)
    {
        budget.Spend(type.Kind is AbiTypeKind.Array ? 64 : 32, type, reader.Position);
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
                {
                    var position = reader.Position;
                    var bytes = reader.ReadBytes();
                    budget.Spend(bytes.Length, type, position);
                    return AbiValue.Bytes(bytes);
                }

            case AbiTypeKind.String:
                {
                    var position = reader.Position;
                    var text = reader.ReadString();
                    budget.Spend(text.Length, type, position);
                    return AbiValue.String(text);
                }
            case AbiTypeKind.Array:
                {
                    var elements = reader.EnterArray(out var length, type.ElementType!.HeadSize, type.CanonicalName);
                    if (type.ElementType.HeadSize == 0)
                    {
                        // Empty tuples take no bytes, so the data does not bound their count; the budget does.
                        budget.Spend((long)length * 32, type, elements.Position - 32);
                    }

                    return AbiValue.OfType(type, ReadItems(ref elements, type.ElementType, length, budget));
                }

            case AbiTypeKind.FixedArray:
                if (type.IsDynamic)
                {
                    var elements = reader.EnterFixedArray(type.CanonicalName);
                    return AbiValue.OfType(type, ReadItems(ref elements, type.ElementType!, type.Size, budget));
                }

                return AbiValue.OfType(type, ReadItems(ref reader, type.ElementType!, type.Size, budget));
            default:
                {
                    var members = new AbiValue[type.Components.Count];
                    if (type.IsDynamic)
                    {
                        var inner = reader.EnterTuple(type.CanonicalName);
                        ReadMembers(ref inner, type, members, budget);
                    }
                    else
                    {
                        ReadMembers(ref reader, type, members, budget);
                    }

                    return AbiValue.OfType(type, members);
                }
        }
    }

    // The walk of Read without the values: the same reads, checks and budget, in the same order.
    private static void Check(ref AbiReader reader, AbiType type, DecodeBudget budget)
    {
        budget.Spend(type.Kind is AbiTypeKind.Array ? 64 : 32, type, reader.Position);
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                reader.ReadUInt(type.Size);
                break;
            case AbiTypeKind.Int:
                reader.ReadInt(type.Size);
                break;
            case AbiTypeKind.Address:
                reader.ReadAddress();
                break;
            case AbiTypeKind.Bool:
                reader.ReadBool();
                break;
            case AbiTypeKind.FixedBytes:
                reader.ReadFixedBytes(type.Size);
                break;
            case AbiTypeKind.Bytes:
                {
                    var position = reader.Position;
                    budget.Spend(reader.ReadBytes().Length, type, position);
                    break;
                }

            case AbiTypeKind.String:
                {
                    var position = reader.Position;
                    budget.Spend(reader.ReadString().Length, type, position);
                    break;
                }

            case AbiTypeKind.Array:
                {
                    var elements = reader.EnterArray(out var length, type.ElementType!.HeadSize, type.CanonicalName);
                    if (type.ElementType.HeadSize == 0)
                    {
                        budget.Spend((long)length * 32, type, elements.Position - 32);
                    }

                    CheckItems(ref elements, type.ElementType, length, budget);
                    break;
                }

            case AbiTypeKind.FixedArray:
                if (type.IsDynamic)
                {
                    var elements = reader.EnterFixedArray(type.CanonicalName);
                    CheckItems(ref elements, type.ElementType!, type.Size, budget);
                }
                else
                {
                    CheckItems(ref reader, type.ElementType!, type.Size, budget);
                }

                break;
            default:
                if (type.IsDynamic)
                {
                    var inner = reader.EnterTuple(type.CanonicalName);
                    CheckMembers(ref inner, type, budget);
                }
                else
                {
                    CheckMembers(ref reader, type, budget);
                }

                break;
        }
    }

    private static void CheckItems(ref AbiReader reader, AbiType elementType, int count, DecodeBudget budget)
    {
        for (var i = 0; i < count; i++)
        {
            Check(ref reader, elementType, budget);
        }
    }

    private static void CheckMembers(ref AbiReader reader, AbiType tuple, DecodeBudget budget)
    {
        for (var i = 0; i < tuple.Components.Count; i++)
        {
            Check(ref reader, tuple.Components[i].Type, budget);
        }
    }

    private static void WriteItems(AbiWriter writer, AbiValue value)
    {
        foreach (var item in value.Items)
        {
            Write(writer, item);
        }
    }

    private static AbiValue[] ReadItems(ref AbiReader reader, AbiType elementType, int count, DecodeBudget budget)
    {
        var items = new AbiValue[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = Read(ref reader, elementType, budget);
        }

        return items;
    }

    private static void ReadMembers(ref AbiReader reader, AbiType tuple, AbiValue[] members, DecodeBudget budget)
    {
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = Read(ref reader, tuple.Components[i].Type, budget);
        }
    }

    // Counts the bytes decoded so far across all nested readers of one decoding.
    private sealed class DecodeBudget(int dataLength)
    {
        private readonly long _limit = (long)MaxInflation * Math.Max(dataLength, 32);
        private long _spent;

        public void Spend(long bytes, AbiType type, int position)
        {
            _spent += bytes;
            if (_spent > _limit)
            {
                throw new AbiDecodingException(
                    type.CanonicalName,
                    position,
                    $"the data expands to more than {MaxInflation} times its {dataLength} bytes through offsets that share content; refusing to decode it");
            }
        }
    }
}
