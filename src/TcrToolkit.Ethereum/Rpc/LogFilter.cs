using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// A log filter for <c>eth_getLogs</c> and the <c>logs</c> subscription. Each topic position is either <c>null</c>
/// (any value) or a list of alternatives (any of them matches).
/// </summary>
public sealed record LogFilter
{
    /// <summary>The emitting contracts (any of them); empty for all.</summary>
    public IReadOnlyList<Address> Addresses { get; init; } = [];

    /// <summary>Per topic position: <c>null</c> for any value, or the accepted values.</summary>
    public IReadOnlyList<IReadOnlyList<Bytes32>?> Topics { get; init; } = [];

    /// <summary>The first block of the range; ignored by subscriptions.</summary>
    public BlockTag? FromBlock { get; init; }

    /// <summary>The last block of the range; ignored by subscriptions.</summary>
    public BlockTag? ToBlock { get; init; }

    /// <summary>A single block by hash, instead of a range.</summary>
    public Bytes32? BlockHash { get; init; }

    /// <summary>Checks that the filter is consistent.</summary>
    /// <exception cref="ArgumentException">Both a block hash and a block range are set.</exception>
    public void Validate()
    {
        if (BlockHash is not null && (FromBlock is not null || ToBlock is not null))
        {
            throw new ArgumentException("A log filter takes either a BlockHash or a FromBlock/ToBlock range, not both.");
        }
    }

    internal void WriteTo(Utf8JsonWriter writer, bool includeRange)
    {
        Validate();
        writer.WriteStartObject();
        if (Addresses.Count == 1)
        {
            writer.WriteHex("address", Addresses[0].AsSpan());
        }
        else if (Addresses.Count > 1)
        {
            writer.WriteStartArray("address");
            foreach (var address in Addresses)
            {
                writer.WriteAddressValue(address);
            }

            writer.WriteEndArray();
        }

        if (Topics.Count > 0)
        {
            writer.WriteStartArray("topics");
            foreach (var position in Topics)
            {
                if (position is null)
                {
                    writer.WriteNullValue();
                }
                else if (position.Count == 1)
                {
                    writer.WriteBytes32Value(position[0]);
                }
                else
                {
                    writer.WriteStartArray();
                    foreach (var topic in position)
                    {
                        writer.WriteBytes32Value(topic);
                    }

                    writer.WriteEndArray();
                }
            }

            writer.WriteEndArray();
        }

        if (includeRange)
        {
            if (BlockHash is { } hash)
            {
                writer.WriteHex("blockHash", hash.AsSpan());
            }

            if (FromBlock is { } from)
            {
                writer.WritePropertyName("fromBlock");
                from.WriteTo(writer);
            }

            if (ToBlock is { } to)
            {
                writer.WritePropertyName("toBlock");
                to.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
