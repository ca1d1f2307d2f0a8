using System.Globalization;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>A block parameter: a block number or one of the named tags (<c>latest</c>, <c>pending</c>, …).</summary>
public readonly struct BlockTag : IEquatable<BlockTag>
{
    private static readonly string[] Names = ["latest", "", "pending", "earliest", "safe", "finalized"];

    private readonly byte _kind; // index into Names; 1 means a block number. Zero (the default) is "latest".
    private readonly ulong _number;

    private BlockTag(byte kind, ulong number)
    {
        _kind = kind;
        _number = number;
    }

    /// <summary>The most recent block; also the <c>default</c> value.</summary>
    public static BlockTag Latest => default;

    /// <summary>The pending state: the latest block plus the node's pending transactions.</summary>
    public static BlockTag Pending => new(2, 0);

    /// <summary>The genesis block.</summary>
    public static BlockTag Earliest => new(3, 0);

    /// <summary>The most recent block the consensus layer calls safe.</summary>
    public static BlockTag Safe => new(4, 0);

    /// <summary>The most recent finalized block.</summary>
    public static BlockTag Finalized => new(5, 0);

    /// <summary>The block number, or <c>null</c> for a named tag.</summary>
    public ulong? Number => _kind == 1 ? _number : null;

    /// <summary>A specific block by number.</summary>
    public static BlockTag FromNumber(ulong number) => new(1, number);

    /// <summary>A specific block by number.</summary>
    public static implicit operator BlockTag(ulong number) => FromNumber(number);

    /// <summary>The tag as JSON-RPC writes it: a hex quantity or a tag name.</summary>
    public override string ToString() =>
        _kind == 1 ? "0x" + _number.ToString("x", CultureInfo.InvariantCulture) : Names[_kind];

    internal void WriteTo(Utf8JsonWriter writer)
    {
        if (_kind == 1)
        {
            writer.WriteQuantityValue(_number);
        }
        else
        {
            writer.WriteStringValue(Names[_kind]);
        }
    }

    /// <inheritdoc/>
    public bool Equals(BlockTag other) => _kind == other._kind && _number == other._number;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BlockTag other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_kind, _number);

    /// <summary>Compares two tags.</summary>
    public static bool operator ==(BlockTag left, BlockTag right) => left.Equals(right);

    /// <summary>Compares two tags.</summary>
    public static bool operator !=(BlockTag left, BlockTag right) => !left.Equals(right);
}
