using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// Reads and writes the JSON-RPC value encodings (quantities, data, addresses, hashes) straight from and into UTF-8,
/// without reflection and without intermediate strings on the common paths.
/// </summary>
internal static class RpcJson
{
    private const int StackHexLimit = 256;

    // ---- Reading -------------------------------------------------------------------------------------------------

    /// <summary>The UTF-8 bytes of a string value without quotes, or a copy when the value contains escapes.</summary>
    private static ReadOnlySpan<byte> Utf8(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"Expected a JSON string but found {element.ValueKind}.");
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        var inner = raw[1..^1];
        return inner.Contains((byte)'\\') ? System.Text.Encoding.UTF8.GetBytes(element.GetString()!) : inner;
    }

    /// <summary>A quantity (<c>0x</c>-prefixed hex, leading zeros tolerated) or a JSON number.</summary>
    public static UInt256 Quantity(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetUInt64() : Quantity(Utf8(element));

    /// <summary>A quantity from the UTF-8 text of a JSON string (<c>0x</c>-prefixed hex, leading zeros tolerated).</summary>
    public static UInt256 Quantity(ReadOnlySpan<byte> text)
    {
        if (text.Length < 3 || text[0] != '0' || text[1] != 'x')
        {
            throw new FormatException($"Expected a 0x-prefixed hex quantity but found '{Text(text)}'.");
        }

        var digits = text[2..].TrimStart((byte)'0');
        if (digits.Length > 64)
        {
            throw new FormatException($"The quantity '{Text(text)}' does not fit in 256 bits.");
        }

        if (digits.Length <= 16)
        {
            // The common case (block numbers, indexes): no 256-bit shifts.
            ulong small = 0;
            for (var i = 0; i < digits.Length; i++)
            {
                small = (small << 4) | (uint)Hex.Nibble((char)digits[i], i + 2);
            }

            return small;
        }

        var value = UInt256.Zero;
        for (var i = 0; i < digits.Length; i++)
        {
            value = value.ShiftLeftNibble((uint)Hex.Nibble((char)digits[i], i + 2));
        }

        return value;
    }

    public static ulong UInt64(JsonElement element) => ToUInt64(Quantity(element));

    public static ulong UInt64(ReadOnlySpan<byte> text) => ToUInt64(Quantity(text));

    public static byte[] Data(JsonElement element) => Data(Utf8(element));

    public static byte[] Data(ReadOnlySpan<byte> text)
    {
        var length = Hex.GetDecodedLength(text);
        if (length == 0)
        {
            return [];
        }

        var result = new byte[length];
        Hex.DecodeTo(text, result);
        return result;
    }

    public static Address Address(JsonElement element) => Address(Utf8(element));

    public static Address Address(ReadOnlySpan<byte> text)
    {
        if (text.Length != Ethereum.Address.TextLength)
        {
            throw new FormatException($"Expected a 20-byte address but found '{Text(text)}'.");
        }

        Span<byte> bytes = stackalloc byte[Ethereum.Address.Size];
        Hex.DecodeTo(text, bytes);
        return new Address(bytes);
    }

    public static Bytes32 Bytes32(JsonElement element) => Bytes32(Utf8(element));

    public static Bytes32 Bytes32(ReadOnlySpan<byte> text)
    {
        if (text.Length != 2 + (2 * Ethereum.Bytes32.Size))
        {
            throw new FormatException($"Expected a 32-byte hash but found '{Text(text)}'.");
        }

        Span<byte> bytes = stackalloc byte[Ethereum.Bytes32.Size];
        Hex.DecodeTo(text, bytes);
        return new Bytes32(bytes);
    }

    /// <summary>The UTF-8 bytes of the string token a reader is on, or a copy when the token has escapes.</summary>
    public static ReadOnlySpan<byte> Utf8(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException($"Expected a JSON string but found {reader.TokenType}.");
        }

        return reader.ValueIsEscaped || reader.HasValueSequence ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
    }

    private static ulong ToUInt64(UInt256 value) =>
        value.FitsInUInt64 ? (ulong)value : throw new FormatException($"The quantity {value} does not fit in 64 bits.");

    private static string Text(ReadOnlySpan<byte> utf8) => System.Text.Encoding.UTF8.GetString(utf8);

    public static bool IsNull(JsonElement element) => element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public static JsonElement Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value : throw new FormatException($"The member '{name}' is missing.");

    public static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && !IsNull(value);

    public static UInt256 QuantityOf(JsonElement obj, string name) => Quantity(Get(obj, name));

    public static ulong UInt64Of(JsonElement obj, string name) => UInt64(Get(obj, name));

    public static ulong UInt64OrZero(JsonElement obj, string name) => TryGet(obj, name, out var v) ? UInt64(v) : 0;

    public static Bytes32 Bytes32Of(JsonElement obj, string name) => Bytes32(Get(obj, name));

    public static Bytes32 Bytes32OrZero(JsonElement obj, string name) => TryGet(obj, name, out var v) ? Bytes32(v) : default;

    public static Address AddressOf(JsonElement obj, string name) => Address(Get(obj, name));

    public static Address? OptionalAddress(JsonElement obj, string name) => TryGet(obj, name, out var v) ? Address(v) : null;

    public static UInt256? OptionalQuantity(JsonElement obj, string name) => TryGet(obj, name, out var v) ? Quantity(v) : null;

    public static byte[] DataOf(JsonElement obj, string name) => Data(Get(obj, name));

    public static List<T> List<T>(JsonElement array, Func<JsonElement, T> read)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Expected a JSON array but found {array.ValueKind}.");
        }

        var list = new List<T>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            list.Add(read(item));
        }

        return list;
    }

    // ---- Writing -------------------------------------------------------------------------------------------------

    public static void WriteQuantityValue(this Utf8JsonWriter writer, ulong value)
    {
        Span<byte> buffer = stackalloc byte[18];
        "0x"u8.CopyTo(buffer);
        value.TryFormat(buffer[2..], out var written, "x", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..(2 + written)]);
    }

    public static void WriteQuantityValue(this Utf8JsonWriter writer, UInt256 value)
    {
        if (value.FitsInUInt64)
        {
            writer.WriteQuantityValue((ulong)value);
        }
        else
        {
            writer.WriteStringValue(Hex.EncodeQuantity(value));
        }
    }

    public static void WriteHexValue(this Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        var length = Hex.GetEncodedLength(bytes.Length);
        byte[]? rented = null;
        var buffer = length <= StackHexLimit ? stackalloc byte[StackHexLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            Hex.EncodeToUtf8(bytes, buffer);
            writer.WriteStringValue(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static void WriteAddressValue(this Utf8JsonWriter writer, Address address) => writer.WriteHexValue(address.AsSpan());

    public static void WriteBytes32Value(this Utf8JsonWriter writer, Bytes32 value) => writer.WriteHexValue(value.AsSpan());

    public static void WriteQuantity(this Utf8JsonWriter writer, string name, UInt256 value)
    {
        writer.WritePropertyName(name);
        writer.WriteQuantityValue(value);
    }

    public static void WriteHex(this Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes)
    {
        writer.WritePropertyName(name);
        writer.WriteHexValue(bytes);
    }
}
