using System.Buffers;
using System.Numerics;
using System.Text;

namespace TcrToolkit.Libp2p;

/// <summary>Base58 (the Bitcoin alphabet, multibase <c>z</c>) used by peer id text.</summary>
internal static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] Digits = BuildDigits();

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[128];
        Array.Fill(digits, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            digits[Alphabet[i]] = (sbyte)i;
        }

        return digits;
    }

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        var value = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var text = new StringBuilder();
        while (value > 0)
        {
            value = BigInteger.DivRem(value, 58, out var remainder);
            text.Insert(0, Alphabet[(int)remainder]);
        }

        text.Insert(0, "1", zeros);
        return text.ToString();
    }

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length > 256)
        {
            return false;
        }

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        BigInteger value = 0;
        foreach (var c in text)
        {
            if (c >= 128 || Digits[c] < 0)
            {
                return false;
            }

            value = (value * 58) + Digits[c];
        }

        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        data = new byte[zeros + body.Length];
        body.CopyTo(data, zeros);
        return true;
    }
}

/// <summary>RFC 4648 base32, lower case without padding (multibase <c>b</c>), used by CIDv1 peer id text.</summary>
internal static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder((data.Length * 8 / 5) + 1);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length > 512)
        {
            return false;
        }

        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var raw in text)
        {
            var c = char.ToLowerInvariant(raw);
            var digit = c is >= 'a' and <= 'z' ? c - 'a' : c is >= '2' and <= '7' ? c - '2' + 26 : -1;
            if (digit < 0)
            {
                return false;
            }

            buffer = ((buffer << 5) | digit) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        data = [.. output];
        return true;
    }
}

/// <summary>A minimal protobuf (proto3 wire format) writer for the few libp2p messages this library builds.</summary>
internal sealed class ProtoWriter
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

    public ProtoWriter WriteVarintField(int field, ulong value)
    {
        WriteVarint(((ulong)field << 3) | 0);
        WriteVarint(value);
        return this;
    }

    public ProtoWriter WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteVarint(((ulong)field << 3) | 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter WriteStringField(int field, string value) => WriteBytesField(field, Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void WriteVarint(ulong value)
    {
        Span<byte> scratch = stackalloc byte[10];
        var i = 0;
        while (value >= 0x80)
        {
            scratch[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        scratch[i++] = (byte)value;
        _buffer.Write(scratch[..i]);
    }
}

/// <summary>
/// A bounded protobuf reader over a span: it yields fields in order, skips unknown ones, and rejects groups,
/// truncation and lengths past the end. Every failure is a <see cref="Libp2pProtocolException"/>.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public int Field { get; private set; }

    public int WireType { get; private set; }

    public bool Next()
    {
        if (_position >= _data.Length)
        {
            return false;
        }

        var key = ReadRawVarint();
        if (key >> 3 is 0 or > int.MaxValue)
        {
            throw new Libp2pProtocolException("A protobuf field number is out of range.");
        }

        Field = (int)(key >> 3);
        WireType = (int)(key & 7);
        if (WireType is not (0 or 1 or 2 or 5))
        {
            throw new Libp2pProtocolException($"Protobuf wire type {WireType} is not supported.");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        Expect(0);
        return ReadRawVarint();
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        Expect(2);
        var length = ReadRawVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new Libp2pProtocolException("A protobuf length runs past the end of the message.");
        }

        var value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    public string ReadString()
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(ReadBytes());
        }
        catch (DecoderFallbackException ex)
        {
            throw new Libp2pProtocolException("A protobuf string is not valid UTF-8.", ex);
        }
    }

    public void Skip()
    {
        switch (WireType)
        {
            case 0:
                ReadRawVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadBytes();
                break;
            default:
                Advance(4);
                break;
        }
    }

    private void Advance(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new Libp2pProtocolException("A protobuf field runs past the end of the message.");
        }

        _position += count;
    }

    private void Expect(int wireType)
    {
        if (WireType != wireType)
        {
            throw new Libp2pProtocolException($"Protobuf field {Field} has wire type {WireType}; {wireType} was expected.");
        }
    }

    private ulong ReadRawVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new Libp2pProtocolException("A protobuf varint runs past the end of the message.");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new Libp2pProtocolException("A protobuf varint is longer than 10 bytes.");
    }
}
