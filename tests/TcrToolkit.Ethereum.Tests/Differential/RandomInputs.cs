using System.Text;
using System.Text.Json.Nodes;

namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>Random input generators for the differential tests, all driven by one seeded <see cref="Random"/>.</summary>
public sealed class RandomInputs(int seed)
{
    private static readonly string[] StructNames = ["Mail", "Person", "Asset", "Zebra", "alpha", "Beta_1", "$x", "Order", "Node", "a"];
    private static readonly string[] TextAlphabet =
        ["a", "Z", "0", " ", "é", "ß", "中", "文", "😀", "🦄", "\"", "\\", "\n", "\t", "\u0001", "ø", "Ω"];

    public Random Random { get; } = new(seed);

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A length biased towards RLP boundaries (0, 1, 55, 56, 255, 256).</summary>
    public int InterestingLength(int max)
    {
        int[] edges = [0, 1, 2, 31, 32, 33, 55, 56, 57, 255, 256];
        return Random.Next(3) == 0
            ? Math.Min(edges[Random.Next(edges.Length)], max)
            : Random.Next(0, max + 1);
    }

    public UInt256 UInt256Value()
    {
        var length = Random.Next(4) == 0 ? 32 : Random.Next(0, 33);
        var value = UInt256.FromBigEndian(Bytes(length));
        return value;
    }

    public ulong UInt64(int maxBits = 64)
    {
        var bits = Random.Next(0, maxBits + 1);
        var raw = BitConverter.ToUInt64(Bytes(8));
        return bits == 0 ? 0 : raw >> (64 - bits);
    }

    public Address AddressValue() => new(Bytes(20));

    public PrivateKey Key()
    {
        while (true)
        {
            try
            {
                return PrivateKey.FromBytes(Bytes(32));
            }
            catch (KeyFormatException)
            {
                // 2^-128 chance: the bytes were zero or at least the group order.
            }
        }
    }

    public string Text(int maxLength)
    {
        var builder = new StringBuilder();
        var length = Random.Next(0, maxLength + 1);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Random.Next(3) == 0 ? TextAlphabet[Random.Next(TextAlphabet.Length)] : (char)Random.Next(0x20, 0x7f));
        }

        return builder.ToString();
    }

    public RlpItem RlpItem(int depth = 0)
    {
        if (depth >= 4 || Random.Next(3) != 0)
        {
            var length = InterestingLength(depth == 0 && Random.Next(20) == 0 ? 2000 : 300);
            return new RlpString(Bytes(length));
        }

        var count = Random.Next(10) == 0 ? Random.Next(20, 70) : Random.Next(0, 6);
        var items = new List<RlpItem>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(RlpItem(depth + 1));
        }

        return new RlpList(items);
    }

    public static JsonNode ToJson(RlpItem item) => item switch
    {
        RlpString s => JsonValue.Create(Hex.Encode(s.Bytes)),
        RlpList l => new JsonArray([.. l.Items.Select(ToJson)]),
        _ => throw new ArgumentException("Unknown item.", nameof(item)),
    };

    public static RlpItem FromJson(System.Text.Json.JsonElement element) =>
        element.ValueKind == System.Text.Json.JsonValueKind.Array
            ? new RlpList(element.EnumerateArray().Select(FromJson))
            : new RlpString(Hex.Decode(element.GetString()));

    /// <summary>Text for an address in one of several casings, some of them deliberately wrong.</summary>
    public string AddressText(Address address)
    {
        var checksummed = address.ToString();
        switch (Random.Next(5))
        {
            case 0:
                return address.ToLowerHex();
            case 1:
                return checksummed;
            case 2:
                return "0x" + checksummed[2..].ToUpperInvariant();
            case 3:
                {
                    var letters = Enumerable.Range(2, 40).Where(i => char.IsAsciiLetter(checksummed[i])).ToList();
                    if (letters.Count == 0)
                    {
                        return checksummed;
                    }

                    var chars = checksummed.ToCharArray();
                    var flip = letters[Random.Next(letters.Count)];
                    chars[flip] = char.IsAsciiLetterUpper(chars[flip]) ? char.ToLowerInvariant(chars[flip]) : char.ToUpperInvariant(chars[flip]);
                    return new string(chars);
                }

            default:
                {
                    var chars = checksummed.ToCharArray();
                    for (var i = 2; i < chars.Length; i++)
                    {
                        chars[i] = Random.Next(2) == 0 ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
                    }

                    return new string(chars);
                }
        }
    }

    /// <summary>
    /// A random EIP-712 document: a tree of struct types with a single root (ethers infers the primary type), every
    /// type reachable from it, and a message whose values use the JSON forms wallets send.
    /// </summary>
    public (JsonObject Types, string PrimaryType, JsonObject Domain, JsonObject Message) TypedData()
    {
        var names = StructNames.OrderBy(_ => Random.Next()).Take(Random.Next(1, 5)).ToList();
        var fields = names.ToDictionary(n => n, _ => new List<(string Name, string Type)>());

        // Each non-root struct is referenced by an earlier struct, so the first is the only root.
        for (var i = 1; i < names.Count; i++)
        {
            var parent = names[Random.Next(0, i)];
            fields[parent].Add(($"m{fields[parent].Count}", names[i] + ArraySuffix(allowNone: true)));
        }

        foreach (var name in names)
        {
            var extra = Random.Next(fields[name].Count == 0 ? 1 : 0, 5);
            for (var i = 0; i < extra; i++)
            {
                fields[name].Add(($"m{fields[name].Count}", AtomicType() + (Random.Next(4) == 0 ? ArraySuffix(allowNone: false) : "")));
            }

            var list = fields[name];
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = Random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }

        var types = new JsonObject();
        foreach (var name in names)
        {
            types[name] = new JsonArray([.. fields[name].Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type })]);
        }

        var message = StructValue(names[0], fields);
        return (types, names[0], Domain(), message);
    }

    private JsonObject Domain()
    {
        var domain = new JsonObject();
        do
        {
            if (Random.Next(2) == 0)
            {
                domain["name"] = Text(12);
            }

            if (Random.Next(2) == 0)
            {
                domain["version"] = Text(4);
            }

            if (Random.Next(2) == 0)
            {
                var chainId = UInt256Value();
                domain["chainId"] = chainId.BitLength <= 52 && Random.Next(2) == 0 ? JsonValue.Create((ulong)chainId) : chainId.ToString();
            }

            if (Random.Next(2) == 0)
            {
                domain["verifyingContract"] = AddressValue().ToString();
            }

            if (Random.Next(3) == 0)
            {
                domain["salt"] = Hex.Encode(Bytes(32));
            }
        }
        while (domain.Count == 0);

        return domain;
    }

    private string ArraySuffix(bool allowNone)
    {
        return Random.Next(allowNone ? 4 : 3) switch
        {
            0 => "[]",
            1 => $"[{Random.Next(1, 4)}]",
            2 => Random.Next(2) == 0 ? "[][2]" : "[2][]",
            _ => "",
        };
    }

    private string AtomicType() => Random.Next(8) switch
    {
        0 => $"uint{8 * Random.Next(1, 33)}",
        1 => $"int{8 * Random.Next(1, 33)}",
        2 => "bool",
        3 => "address",
        4 => "string",
        5 => "bytes",
        6 => $"bytes{Random.Next(1, 33)}",
        _ => Random.Next(2) == 0 ? "uint256" : "bytes32",
    };

    private JsonObject StructValue(string name, Dictionary<string, List<(string Name, string Type)>> fields)
    {
        var value = new JsonObject();
        foreach (var (field, type) in fields[name])
        {
            value[field] = Value(type, fields);
        }

        return value;
    }

    private JsonNode? Value(string type, Dictionary<string, List<(string Name, string Type)>> fields)
    {
        if (type.EndsWith(']'))
        {
            var open = type.LastIndexOf('[');
            var lengthText = type[(open + 1)..^1];
            var length = lengthText.Length == 0 ? Random.Next(0, 4) : int.Parse(lengthText, System.Globalization.CultureInfo.InvariantCulture);
            var element = type[..open];
            return new JsonArray([.. Enumerable.Range(0, length).Select(_ => Value(element, fields))]);
        }

        if (fields.ContainsKey(type))
        {
            return StructValue(type, fields);
        }

        if (type.StartsWith("uint", StringComparison.Ordinal))
        {
            var bits = int.Parse(type[4..], System.Globalization.CultureInfo.InvariantCulture);
            return IntegerJson(RandomBits(bits), negative: false);
        }

        if (type.StartsWith("int", StringComparison.Ordinal))
        {
            var bits = int.Parse(type[3..], System.Globalization.CultureInfo.InvariantCulture);
            var negative = Random.Next(2) == 0;
            var magnitude = RandomBits(bits - 1);
            if (negative)
            {
                magnitude += System.Numerics.BigInteger.One; // down to -2^(bits-1)
            }

            return IntegerJson(magnitude, negative);
        }

        return type switch
        {
            "bool" => JsonValue.Create(Random.Next(2) == 0),
            "address" => JsonValue.Create(Random.Next(2) == 0 ? AddressValue().ToString() : AddressValue().ToLowerHex()),
            "string" => JsonValue.Create(Text(40)),
            "bytes" => JsonValue.Create(Hex.Encode(Bytes(InterestingLength(80)))),
            _ when type.StartsWith("bytes", StringComparison.Ordinal) =>
                JsonValue.Create(Hex.Encode(Bytes(int.Parse(type[5..], System.Globalization.CultureInfo.InvariantCulture)))),
            _ => throw new InvalidOperationException($"No generator for {type}."),
        };
    }

    private System.Numerics.BigInteger RandomBits(int maxBits)
    {
        var bits = Random.Next(4) == 0 ? maxBits : Random.Next(0, maxBits + 1);
        var bytes = Bytes((bits + 7) / 8 + 1);
        bytes[^1] = 0;
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true);
        return value & ((System.Numerics.BigInteger.One << bits) - 1);
    }

    private JsonValue IntegerJson(System.Numerics.BigInteger magnitude, bool negative)
    {
        var value = negative ? -magnitude : magnitude;
        return Random.Next(3) switch
        {
            0 when System.Numerics.BigInteger.Abs(value) < (System.Numerics.BigInteger.One << 53) => JsonValue.Create((long)value),
            1 => JsonValue.Create((negative && !magnitude.IsZero ? "-" : "") + "0x" + magnitude.ToString("x", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0')),
            _ => JsonValue.Create(value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
    }
}
