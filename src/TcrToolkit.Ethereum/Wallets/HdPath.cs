using System.Globalization;
using System.Text;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// A BIP-32 derivation path such as <c>m/44'/60'/0'/0/0</c>: <c>m</c> followed by child indices below 2^31, each
/// optionally hardened with <c>'</c>, <c>h</c> or <c>H</c>. Hardened indices carry <see cref="HardenedBit"/>.
/// </summary>
public sealed class HdPath : IEquatable<HdPath>
{
    /// <summary>The bit set in a hardened child index (2^31).</summary>
    public const uint HardenedBit = 0x8000_0000;

    private readonly uint[] _indices;

    private HdPath(uint[] indices)
    {
        _indices = indices;
    }

    /// <summary>The path <c>m</c> itself: no derivation.</summary>
    public static HdPath Master { get; } = new([]);

    /// <summary>
    /// The BIP-44 prefix of Ethereum accounts, <c>m/44'/60'/0'/0</c>, as geth, ethers, MetaMask and Ledger Live use it.
    /// </summary>
    public static HdPath EthereumAccounts { get; } = new([44 | HardenedBit, 60 | HardenedBit, HardenedBit, 0]);

    /// <summary>The child indices from the master key down, hardened ones with <see cref="HardenedBit"/> set.</summary>
    public IReadOnlyList<uint> Indices => _indices;

    /// <summary>The number of derivation steps (the depth of the derived key).</summary>
    public int Depth => _indices.Length;

    /// <summary>The Ethereum account path <c>m/44'/60'/0'/0/<paramref name="index"/></c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static HdPath Ethereum(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return EthereumAccounts.Append((uint)index);
    }

    /// <summary>Returns this path extended by one child index (with <see cref="HardenedBit"/> set for a hardened child).</summary>
    public HdPath Append(uint index) => new([.. _indices, index]);

    /// <summary>Parses <c>m</c> followed by <c>/</c>-separated decimal indices below 2^31, each optionally suffixed with <c>'</c>, <c>h</c> or <c>H</c>.</summary>
    /// <exception cref="HdPathFormatException">The text is not such a path; the message says where and why.</exception>
    public static HdPath Parse(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text[0] != 'm')
        {
            throw new HdPathFormatException("A derivation path starts with 'm', as in m/44'/60'/0'/0/0.", 0);
        }

        if (text.Length == 1)
        {
            return Master;
        }

        if (text[1] != '/')
        {
            throw new HdPathFormatException($"Expected '/' after 'm' at position 1; got {Hex.Describe(text[1])}.", 1);
        }

        var indices = new List<uint>();
        var start = 2;
        while (true)
        {
            var end = text[start..].IndexOf('/');
            var segment = end < 0 ? text[start..] : text.Slice(start, end);
            indices.Add(ParseSegment(segment, start, indices.Count));
            if (end < 0)
            {
                break;
            }

            start += end + 1;
        }

        if (indices.Count > 255)
        {
            throw new HdPathFormatException($"A BIP-32 path has at most 255 levels (the depth is one byte); this one has {indices.Count}.");
        }

        return new HdPath([.. indices]);
    }

    private static uint ParseSegment(ReadOnlySpan<char> segment, int position, int level)
    {
        var hardened = segment.Length > 0 && segment[^1] is '\'' or 'h' or 'H';
        var digits = hardened ? segment[..^1] : segment;
        if (digits.IsEmpty)
        {
            throw new HdPathFormatException(
                $"Level {level + 1} of the path (position {position}) has no index; write a number such as 0 or 44'.", position);
        }

        ulong value = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            if (!char.IsAsciiDigit(digits[i]))
            {
                throw new HdPathFormatException(
                    $"Invalid character {Hex.Describe(digits[i])} at position {position + i}; an index is decimal digits optionally followed by ' (hardened).",
                    position + i);
            }

            value = (value * 10) + (uint)(digits[i] - '0');
            if (value >= HardenedBit)
            {
                throw new HdPathFormatException(
                    $"Index {digits} at position {position} is out of range; indices are below 2^31 (2147483648), with ' marking hardened ones.",
                    position);
            }
        }

        return hardened ? (uint)value | HardenedBit : (uint)value;
    }

    /// <summary>Formats as <c>m/44'/60'/0'/0/0</c>, hardened indices marked with <c>'</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("m");
        foreach (var index in _indices)
        {
            builder.Append('/').Append((index & ~HardenedBit).ToString(CultureInfo.InvariantCulture));
            if ((index & HardenedBit) != 0)
            {
                builder.Append('\'');
            }
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(HdPath? other) => other is not null && _indices.AsSpan().SequenceEqual(other._indices);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HdPath);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var index in _indices)
        {
            hash.Add(index);
        }

        return hash.ToHashCode();
    }
}
