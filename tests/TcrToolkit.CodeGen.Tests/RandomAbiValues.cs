using System.Collections;
using System.Numerics;
using System.Text;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen.Tests;

/// <summary>
/// Random values of generated C# types for an ABI type, and their conversion to the dynamic codec's inputs. Reflection
/// is fine here: it drives the tests over every member of the kitchen-sink ABI, while the code under test has none.
/// </summary>
internal sealed class RandomAbiValues(int seed)
{
    private readonly Random _random = new(seed);

    public object Next(AbiType type, Type clr)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
                {
                    if (clr.IsEnum)
                    {
                        var values = Enum.GetValues(clr);
                        return values.GetValue(_random.Next(values.Length))!;
                    }

                    var value = RandomBits(type.Size);
                    return ConvertInteger(value, clr);
                }

            case AbiTypeKind.Int:
                {
                    var value = RandomBits(type.Size);
                    if (value >= BigInteger.One << (type.Size - 1))
                    {
                        value -= BigInteger.One << type.Size;
                    }

                    return ConvertInteger(value, clr);
                }

            case AbiTypeKind.Address:
                return new Address(Bytes(20));
            case AbiTypeKind.Bool:
                return _random.Next(2) == 1;
            case AbiTypeKind.FixedBytes:
                return type.Size == 32 ? new Bytes32(Bytes(32)) : Bytes(type.Size);
            case AbiTypeKind.Bytes:
                return Bytes(_random.Next(0, 70));
            case AbiTypeKind.String:
                return Text();
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                {
                    var elementClr = clr.GetGenericArguments()[0];
                    var length = type.Kind == AbiTypeKind.FixedArray ? type.Size : _random.Next(0, 4);
                    var items = Array.CreateInstance(elementClr, length);
                    for (var i = 0; i < length; i++)
                    {
                        items.SetValue(Next(type.ElementType!, elementClr), i);
                    }

                    return items;
                }

            default:
                {
                    var constructor = clr.GetConstructors().Single(c => c.GetParameters().Length == type.Components.Count
                        && (c.GetParameters().Length != 1 || c.GetParameters()[0].ParameterType != clr));
                    var parameters = constructor.GetParameters();
                    return constructor.Invoke([.. type.Components.Select((c, i) => Next(c.Type, parameters[i].ParameterType))]);
                }
        }
    }

    /// <summary>Converts a generated value to what <see cref="AbiValue.From"/> accepts: enums to numbers, records to member lists.</summary>
    public static object? ToDynamic(object? value, AbiType type)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt when value is Enum e:
                return Convert.ToByte(e, System.Globalization.CultureInfo.InvariantCulture);
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                return ((IEnumerable)value!).Cast<object?>().Select(v => ToDynamic(v, type.ElementType!)).ToArray();
            case AbiTypeKind.Tuple:
                {
                    var clr = value!.GetType();
                    var parameters = clr.GetConstructors().Single(c => c.GetParameters().Length == type.Components.Count
                        && (c.GetParameters().Length != 1 || c.GetParameters()[0].ParameterType != clr)).GetParameters();
                    return parameters.Select((p, i) => ToDynamic(clr.GetProperty(p.Name!)!.GetValue(value), type.Components[i].Type)).ToArray();
                }

            default:
                return value;
        }
    }

    private BigInteger RandomBits(int bits)
    {
        // Edge values half the time: zero, one, the maximum.
        switch (_random.Next(6))
        {
            case 0:
                return BigInteger.Zero;
            case 1:
                return BigInteger.One;
            case 2:
                return (BigInteger.One << bits) - 1;
        }

        var bytes = new byte[(bits / 8) + 1];
        _random.NextBytes(bytes.AsSpan(0, bits / 8));
        return new BigInteger(bytes, isUnsigned: true);
    }

    private static object ConvertInteger(BigInteger value, Type clr) => clr switch
    {
        _ when clr == typeof(byte) => (object)(byte)value,
        _ when clr == typeof(ushort) => (object)(ushort)value,
        _ when clr == typeof(uint) => (object)(uint)value,
        _ when clr == typeof(ulong) => (object)(ulong)value,
        _ when clr == typeof(sbyte) => (object)(sbyte)value,
        _ when clr == typeof(short) => (object)(short)value,
        _ when clr == typeof(int) => (object)(int)value,
        _ when clr == typeof(long) => (object)(long)value,
        _ when clr == typeof(UInt256) => (object)(UInt256)value,
        _ when clr == typeof(BigInteger) => (object)value,
        _ => throw new NotSupportedException(clr.Name),
    };

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Text()
    {
        var builder = new StringBuilder();
        var length = _random.Next(0, 40);
        for (var i = 0; i < length; i++)
        {
            builder.Append(_random.Next(4) switch
            {
                0 => "é",
                1 => "😀",
                _ => ((char)_random.Next('a', 'z' + 1)).ToString(),
            });
        }

        return builder.ToString();
    }
}
