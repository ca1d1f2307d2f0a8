using System.Buffers.Binary;
using System.Globalization;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// A 4-byte function or error selector: the first four bytes of the Keccak-256 hash of the canonical signature,
/// for example <c>0xa9059cbb</c> for <c>transfer(address,uint256)</c>.
/// </summary>
/// <param name="Value">The selector as a big-endian integer.</param>
public readonly record struct AbiSelector(uint Value)
{
    /// <summary>The size in bytes.</summary>
    public const int Size = 4;

    /// <summary>Computes the selector of a canonical signature such as <c>transfer(address,uint256)</c>.</summary>
    public static AbiSelector FromSignature(string signature)
    {
        var hash = Keccak256.HashUtf8(signature);
        return new AbiSelector(BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan()));
    }

    /// <summary>Reads the selector at the start of calldata or revert data.</summary>
    /// <exception cref="AbiDecodingException">The data is shorter than four bytes.</exception>
    public static AbiSelector Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size)
        {
            throw new AbiDecodingException("selector", 0, $"the data has {data.Length} bytes, fewer than the 4 of a selector");
        }

        return new AbiSelector(BinaryPrimitives.ReadUInt32BigEndian(data));
    }

    /// <summary>Parses <c>0x</c> followed by 8 hex digits.</summary>
    /// <exception cref="HexFormatException">The text is malformed or not four bytes.</exception>
    public static AbiSelector Parse(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[Size];
        Hex.DecodeExact(text, bytes);
        return new AbiSelector(BinaryPrimitives.ReadUInt32BigEndian(bytes));
    }

    /// <summary>Writes the four bytes into the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    /// <summary>Returns the four bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Formats <c>0x</c> followed by 8 lower-case hex digits.</summary>
    public override string ToString() => "0x" + Value.ToString("x8", CultureInfo.InvariantCulture);
}
