using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Deployment;

/// <summary>The JSON-RPC calls the deployer needs beyond <see cref="RpcClient"/>'s: state overrides and transaction lookup.</summary>
internal static class DeploymentRpc
{
    /// <summary><c>eth_call</c> (to <c>null</c> creates) with code placed at addresses for the call only.</summary>
    public static Task<byte[]> CallWithCodeAsync(
        RpcClient client, Address from, Address? to, ReadOnlyMemory<byte> data, IReadOnlyDictionary<Address, byte[]> code, CancellationToken cancellationToken) =>
        client.SendAsync(
            () => new RpcCall<byte[]>(
                "eth_call",
                w =>
                {
                    // Below EIP-7825's per-transaction cap of 2^24, which nodes also apply to calls.
                    WriteRequest(w, from, to, data, gas: 16_000_000);
                    w.WriteStringValue("latest");
                    WriteOverrides(w, code);
                },
                e => Hex.Decode(e.GetString()),
                isReadOnly: true),
            cancellationToken);

    /// <summary><c>eth_estimateGas</c> with geth-style state overrides as the third parameter.</summary>
    public static Task<ulong> EstimateGasWithCodeAsync(
        RpcClient client, Address from, ReadOnlyMemory<byte> data, IReadOnlyDictionary<Address, byte[]> code, CancellationToken cancellationToken) =>
        client.SendAsync(
            () => new RpcCall<ulong>(
                "eth_estimateGas",
                w =>
                {
                    WriteRequest(w, from, null, data, gas: null);
                    w.WriteStringValue("latest");
                    WriteOverrides(w, code);
                },
                e => (ulong)Hex.DecodeQuantity(e.GetString()),
                isReadOnly: true),
            cancellationToken);

    /// <summary>Whether the node knows the transaction (pending or mined), by <c>eth_getTransactionByHash</c>.</summary>
    public static Task<bool> IsTransactionKnownAsync(RpcClient client, Bytes32 hash, CancellationToken cancellationToken) =>
        client.SendAsync(
            () => new RpcCall<bool>(
                "eth_getTransactionByHash",
                w => w.WriteStringValue(hash.ToString()),
                e => e.ValueKind == JsonValueKind.Object,
                isReadOnly: true),
            cancellationToken);

    private static void WriteRequest(Utf8JsonWriter w, Address from, Address? to, ReadOnlyMemory<byte> data, ulong? gas)
    {
        w.WriteStartObject();
        w.WriteString("from", from.ToString());
        if (to is { } recipient)
        {
            w.WriteString("to", recipient.ToString());
        }

        if (gas is { } limit)
        {
            w.WriteString("gas", Hex.EncodeQuantity(limit));
        }

        w.WriteString("data", Hex.Encode(data.Span));
        w.WriteEndObject();
    }

    private static void WriteOverrides(Utf8JsonWriter w, IReadOnlyDictionary<Address, byte[]> code)
    {
        w.WriteStartObject();
        foreach (var (address, runtime) in code)
        {
            w.WriteStartObject(address.ToString());
            w.WriteString("code", Hex.Encode(runtime));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
