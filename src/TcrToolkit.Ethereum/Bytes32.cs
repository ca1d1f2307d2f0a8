using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TcrToolkit.Ethereum;

/// <summary>
/// A 32-byte value: a Keccak-256 hash, a transaction hash, a discv5 node id, an EIP-712 struct hash or an ABI
/// <c>bytes32</c>. Stored inline (no heap array) and exposed as a span without copying.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Bytes32 : IEquatable<Bytes32>, ISpanFormattable
{
    /// <summary>The size in bytes.</summary>
    public const int Size = 32;

    private readonly Buffer32 _bytes;

    /// <summary>Copies exactly 32 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public Bytes32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A 32-byte value needs exactly 32 bytes; got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    /// <summary>All zero bytes.</summary>
    public static Bytes32 Zero => default;

    /// <summary>The bytes, without copying.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    /// <summary>Copies the bytes into the first 32 bytes of <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => AsSpan().CopyTo(destination);

    /// <summary>Returns the bytes as a new array.</summary>
    public byte[] ToArray() => AsSpan().ToArray();

    /// <summary>Interprets the bytes as a big-endian unsigned integer.</summary>
    public UInt256 ToUInt256() => UInt256.FromBigEndian(AsSpan());

    /// <summary>Parses <c>0x</c> followed by exactly 64 hex digits.</summary>
    /// <exception cref="HexFormatException">The text is malformed or not 32 bytes.</exception>
    public static Bytes32 Parse(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[Size];
        Hex.DecodeExact(text, bytes);
        return new Bytes32(bytes);
    }

    /// <summary>Views a span of values as their concatenated bytes, without copying.</summary>
    public static ReadOnlySpan<byte> AsBytes(ReadOnlySpan<Bytes32> values) => MemoryMarshal.AsBytes(values);

    /// <summary>Formats as <c>0x</c> followed by 64 lower-case hex digits.</summary>
    public override string ToString() => Hex.Encode(AsSpan());

    /// <inheritdoc cref="ToString()"/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc cref="ToString()"/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < 66)
        {
            charsWritten = 0;
            return false;
        }

        charsWritten = Hex.EncodeTo(AsSpan(), destination);
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(Bytes32 other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Bytes32 other && Equals(other);

    /// <inheritdoc/>
    /// <remarks>All 32 bytes, with the process's random seed: values sharing a prefix (chosen on purpose, or small
    /// numbers) still spread over a dictionary's buckets.</remarks>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(AsSpan());
        return hash.ToHashCode();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Bytes32 left, Bytes32 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Bytes32 left, Bytes32 right) => !left.Equals(right);

    [InlineArray(Size)]
    private struct Buffer32
    {
        private byte _element;
    }
}
