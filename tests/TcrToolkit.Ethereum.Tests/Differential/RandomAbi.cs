using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>Random ABI type trees (with depth limits) and values of those types, driven by <see cref="RandomInputs"/>.</summary>
public sealed class RandomAbi(RandomInputs inputs)
{
    private Random Random => inputs.Random;

    /// <summary>A type tree at most <paramref name="maxDepth"/> arrays or tuples deep.</summary>
    public AbiType Type(int maxDepth = 3)
    {
        if (maxDepth == 0 || Random.Next(5) < 2)
        {
            return Elementary();
        }

        return Random.Next(3) switch
        {
            0 => AbiType.Array(Type(maxDepth - 1)),
            1 => AbiType.FixedArray(Type(maxDepth - 1), Random.Next(1, 4)),
            _ => AbiType.Tuple(Enumerable.Range(0, Random.Next(1, 5)).Select(i => new AbiParameter($"m{i}", Type(maxDepth - 1)))),
        };
    }

    public AbiType Elementary() => Random.Next(10) switch
    {
        0 => AbiType.UInt(8 * Random.Next(1, 33)),
        1 => AbiType.Int(8 * Random.Next(1, 33)),
        2 => AbiType.Address,
        3 => AbiType.Bool,
        4 => AbiType.FixedBytes(Random.Next(1, 33)),
        5 => AbiType.Bytes,
        6 => AbiType.String,
        7 => AbiType.UInt256,
        8 => AbiType.Int256,
        _ => AbiType.Bytes32,
    };

    public AbiValue Value(AbiType type)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                return AbiValue.UInt((UInt256)Magnitude(type.Size), type.Size);
            case AbiTypeKind.Int:
                {
                    var limit = BigInteger.One << (type.Size - 1);
                    var value = Random.Next(8) switch
                    {
                        0 => -limit,
                        1 => limit - 1,
                        2 => BigInteger.MinusOne,
                        _ => Magnitude(type.Size - 1) * (Random.Next(2) == 0 ? 1 : -1),
                    };
                    return AbiValue.Int(value, type.Size);
                }

            case AbiTypeKind.Address:
                return AbiValue.Address(inputs.AddressValue());
            case AbiTypeKind.Bool:
                return AbiValue.Bool(Random.Next(2) == 0);
            case AbiTypeKind.FixedBytes:
                return AbiValue.FixedBytes(inputs.Bytes(type.Size));
            case AbiTypeKind.Bytes:
                return AbiValue.Bytes(inputs.Bytes(inputs.InterestingLength(Random.Next(8) == 0 ? 300 : 70)));
            case AbiTypeKind.String:
                return AbiValue.String(inputs.Text(Random.Next(8) == 0 ? 100 : 40));
            case AbiTypeKind.Array:
                return AbiValue.OfType(type, Enumerable.Range(0, Random.Next(0, 4)).Select(_ => Value(type.ElementType!)));
            case AbiTypeKind.FixedArray:
                return AbiValue.OfType(type, Enumerable.Range(0, type.Size).Select(_ => Value(type.ElementType!)));
            default:
                return AbiValue.OfType(type, type.Components.Select(c => Value(c.Type)));
        }
    }

    // A value below 2^bits, biased towards 0, 1, the maximum and full-width values.
    private BigInteger Magnitude(int bits)
    {
        var max = (BigInteger.One << bits) - 1;
        switch (Random.Next(8))
        {
            case 0:
                return BigInteger.Zero;
            case 1:
                return BigInteger.One;
            case 2:
                return max;
            default:
                var width = Random.Next(3) == 0 ? bits : Random.Next(0, bits + 1);
                var bytes = inputs.Bytes((width / 8) + 1);
                return new BigInteger(bytes, isUnsigned: true) & ((BigInteger.One << width) - 1);
        }
    }

    /// <summary>The oracle's JSON form: integers as decimal strings, bytes as hex, arrays and tuples as arrays.</summary>
    public static JsonNode ToJson(AbiValue value) => value.Type.Kind switch
    {
        AbiTypeKind.UInt or AbiTypeKind.Int => JsonValue.Create(value.AsBigInteger().ToString(CultureInfo.InvariantCulture)),
        AbiTypeKind.Address => JsonValue.Create(value.AsAddress().ToString()),
        AbiTypeKind.Bool => JsonValue.Create(value.AsBool()),
        AbiTypeKind.FixedBytes or AbiTypeKind.Bytes => JsonValue.Create(Hex.Encode(value.AsBytes().Span)),
        AbiTypeKind.String => JsonValue.Create(value.AsString()),
        _ => new JsonArray([.. value.Items.Select(ToJson)]),
    };

    /// <summary>A JSON ABI parameter (<c>tuple[2][]</c> with <c>components</c>) for a type.</summary>
    public static JsonObject ToJsonParameter(string name, AbiType type, bool? indexed = null)
    {
        var suffix = "";
        var inner = type;
        while (inner.ElementType is { } element)
        {
            suffix = (inner.Kind == AbiTypeKind.Array ? "[]" : $"[{inner.Size}]") + suffix;
            inner = element;
        }

        var json = new JsonObject { ["name"] = name };
        if (inner.Kind == AbiTypeKind.Tuple)
        {
            json["type"] = "tuple" + suffix;
            json["components"] = new JsonArray([.. inner.Components.Select(c => (JsonNode)ToJsonParameter(c.Name, c.Type))]);
        }
        else
        {
            json["type"] = inner.CanonicalName + suffix;
        }

        if (indexed is { } flag)
        {
            json["indexed"] = flag;
        }

        return json;
    }
}
