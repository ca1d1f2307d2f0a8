using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>The fields of an <c>eth_call</c> or <c>eth_estimateGas</c> request; unset fields are omitted.</summary>
public sealed record CallRequest
{
    /// <summary>The sender, or <c>null</c> for the node's default.</summary>
    public Address? From { get; init; }

    /// <summary>The contract or account called, or <c>null</c> to simulate a contract creation.</summary>
    public Address? To { get; init; }

    /// <summary>Call data (or init code).</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Wei sent with the call.</summary>
    public UInt256? Value { get; init; }

    /// <summary>A gas limit for the simulation.</summary>
    public ulong? Gas { get; init; }

    /// <summary>A legacy gas price.</summary>
    public UInt256? GasPrice { get; init; }

    /// <summary>An EIP-1559 fee cap.</summary>
    public UInt256? MaxFeePerGas { get; init; }

    /// <summary>An EIP-1559 priority fee.</summary>
    public UInt256? MaxPriorityFeePerGas { get; init; }

    /// <summary>An EIP-2930 access list; estimates include its cost. Empty lists are omitted.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (From is { } from)
        {
            writer.WriteHex("from", from.AsSpan());
        }

        if (To is { } to)
        {
            writer.WriteHex("to", to.AsSpan());
        }

        if (Gas is { } gas)
        {
            writer.WriteQuantity("gas", gas);
        }

        if (GasPrice is { } gasPrice)
        {
            writer.WriteQuantity("gasPrice", gasPrice);
        }

        if (MaxFeePerGas is { } maxFee)
        {
            writer.WriteQuantity("maxFeePerGas", maxFee);
        }

        if (MaxPriorityFeePerGas is { } priorityFee)
        {
            writer.WriteQuantity("maxPriorityFeePerGas", priorityFee);
        }

        if (Value is { } value)
        {
            writer.WriteQuantity("value", value);
        }

        if (!Data.IsEmpty)
        {
            writer.WriteHex("data", Data.Span);
        }

        if (AccessList.Count > 0)
        {
            writer.WriteStartArray("accessList");
            foreach (var entry in AccessList)
            {
                writer.WriteStartObject();
                writer.WriteHex("address", entry.Address.AsSpan());
                writer.WriteStartArray("storageKeys");
                foreach (var key in entry.StorageKeys)
                {
                    writer.WriteBytes32Value(key);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public bool Equals(CallRequest? other) =>
        other is not null && From == other.From && To == other.To && Data.Span.SequenceEqual(other.Data.Span) &&
        Value == other.Value && Gas == other.Gas && GasPrice == other.GasPrice && MaxFeePerGas == other.MaxFeePerGas &&
        MaxPriorityFeePerGas == other.MaxPriorityFeePerGas && AccessList.SequenceEqual(other.AccessList);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(From, To, Data.Length, Value, Gas);
}
