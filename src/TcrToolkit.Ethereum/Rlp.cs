namespace TcrToolkit.Ethereum;

/// <summary>An RLP item: either a byte string (<see cref="RlpString"/>) or a list of items (<see cref="RlpList"/>).</summary>
public abstract class RlpItem : IEquatable<RlpItem>
{
    private protected RlpItem()
    {
    }

    /// <inheritdoc/>
    public abstract bool Equals(RlpItem? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RlpItem);

    /// <inheritdoc/>
    public abstract override int GetHashCode();
}

/// <summary>An RLP byte string.</summary>
public sealed class RlpString : RlpItem
{
    private readonly byte[] _bytes;

    /// <summary>Creates a string item from a copy of <paramref name="bytes"/>.</summary>
    public RlpString(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes.ToArray();
    }

    /// <summary>The payload bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <inheritdoc/>
    public override bool Equals(RlpItem? other) => other is RlpString s && Bytes.SequenceEqual(s.Bytes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>The payload in hex.</summary>
    public override string ToString() => Hex.Encode(_bytes);
}

/// <summary>An RLP list.</summary>
public sealed class RlpList : RlpItem
{
    /// <summary>Creates a list item.</summary>
    public RlpList(IEnumerable<RlpItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = [.. items];
    }

    /// <summary>Creates a list item.</summary>
    public RlpList(params RlpItem[] items)
        : this((IEnumerable<RlpItem>)items)
    {
    }

    /// <summary>The elements.</summary>
    public IReadOnlyList<RlpItem> Items { get; }

    /// <inheritdoc/>
    public override bool Equals(RlpItem? other) => other is RlpList l && Items.SequenceEqual(l.Items);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items)
        {
            hash.Add(item.GetHashCode());
        }

        return hash.ToHashCode();
    }

    /// <summary>The elements, bracketed.</summary>
    public override string ToString() => "[" + string.Join(", ", Items) + "]";
}

/// <summary>Recursive Length Prefix encoding of item trees. For hot paths use <see cref="RlpWriter"/> and <see cref="RlpReader"/>.</summary>
public static class Rlp
{
    /// <summary>The deepest list nesting <see cref="Decode"/> accepts, to bound recursion on hostile input.</summary>
    public const int MaxDepth = 256;

    /// <summary>Encodes an item tree.</summary>
    public static byte[] Encode(RlpItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var writer = new RlpWriter();
        Write(writer, item);
        return writer.ToArray();
    }

    /// <summary>Encodes a single byte string.</summary>
    public static byte[] EncodeString(ReadOnlySpan<byte> bytes)
    {
        var writer = new RlpWriter(bytes.Length + 9);
        writer.WriteString(bytes);
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes exactly one canonical item that spans the whole input.
    /// </summary>
    /// <exception cref="RlpFormatException">The input is truncated, non-canonical, nested deeper than
    /// <see cref="MaxDepth"/>, or has trailing bytes.</exception>
    public static RlpItem Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var item = Read(ref reader, 0);
        reader.EnsureEnd();
        return item;
    }

    private static void Write(RlpWriter writer, RlpItem item)
    {
        switch (item)
        {
            case RlpString s:
                writer.WriteString(s.Bytes);
                break;
            case RlpList l:
                var marker = writer.StartList();
                foreach (var child in l.Items)
                {
                    Write(writer, child);
                }

                writer.EndList(marker);
                break;
            default:
                throw new ArgumentException($"Unknown RLP item type {item.GetType().Name}.", nameof(item));
        }
    }

    private static RlpItem Read(ref RlpReader reader, int depth)
    {
        if (!reader.NextIsList)
        {
            return new RlpString(reader.ReadString());
        }

        if (depth >= MaxDepth)
        {
            throw new RlpFormatException($"RLP lists are nested deeper than {MaxDepth} levels.", reader.Position);
        }

        var inner = reader.ReadList();
        var items = new List<RlpItem>();
        while (inner.HasRemaining)
        {
            items.Add(Read(ref inner, depth + 1));
        }

        return new RlpList(items);
    }
}
