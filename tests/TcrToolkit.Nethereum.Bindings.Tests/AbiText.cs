using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using Nethereum.ABI.FunctionEncoding.Attributes;
using TcrToolkit.Ethereum;

namespace TcrToolkit.NethereumBindings.Tests;

/// <summary>Values of Nethereum DTOs and of the toolkit's records as comparable text.</summary>
internal static class AbiText
{
    /// <summary>
    /// The values of a Nethereum DTO (its <c>[Parameter]</c> properties by order) or of a toolkit record (its
    /// positional properties), as text: numbers in decimal, bytes and addresses as lowercase hex.
    /// </summary>
    public static List<string> Values(object value)
    {
        var type = value.GetType();
        var parameters = type.GetProperties()
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Attribute is not null)
            .OrderBy(p => p.Attribute!.Order)
            .Select(p => p.Property)
            .ToList();
        if (parameters.Count == 0)
        {
            // A record: the primary constructor's parameters, in order.
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            parameters = [.. constructor.GetParameters().Select(p => type.GetProperty(p.Name!)!)];
        }

        return [.. parameters.Select(p => Text(p.GetValue(value)))];
    }

    public static string Text(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Hex.Encode(bytes),
        string s => s.StartsWith("0x", StringComparison.Ordinal) && s.Length == 42 ? s.ToLowerInvariant() : s,
        Address a => a.ToString().ToLowerInvariant(),
        Bytes32 b => b.ToString(),
        UInt256 u => u.ToString(),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        Enum e => Convert.ToUInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IConvertible c when value.GetType().IsPrimitive => c.ToString(CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Text)) + "]",
        _ => "(" + string.Join(",", Values(value)) + ")",
    };
}
