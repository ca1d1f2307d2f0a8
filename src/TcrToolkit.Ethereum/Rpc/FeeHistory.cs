using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>The answer to <c>eth_feeHistory</c>.</summary>
/// <param name="OldestBlock">The first block of the range.</param>
/// <param name="BaseFeePerGas">Base fees of each block in the range plus the next block's (one more entry than blocks).</param>
/// <param name="GasUsedRatio">Gas used divided by gas limit, per block.</param>
/// <param name="Reward">Per block, the priority fees at the requested percentiles; empty when none were requested.</param>
public sealed record FeeHistory(
    ulong OldestBlock,
    IReadOnlyList<UInt256> BaseFeePerGas,
    IReadOnlyList<double> GasUsedRatio,
    IReadOnlyList<IReadOnlyList<UInt256>> Reward)
{
    /// <summary>The base fee of the block after the range: the next block's, when the range ends at <c>latest</c>.</summary>
    public UInt256 NextBaseFeePerGas => BaseFeePerGas.Count > 0 ? BaseFeePerGas[^1] : UInt256.Zero;

    internal static FeeHistory Parse(JsonElement e) => new(
        RpcJson.UInt64Of(e, "oldestBlock"),
        RpcJson.List(RpcJson.Get(e, "baseFeePerGas"), RpcJson.Quantity),
        RpcJson.TryGet(e, "gasUsedRatio", out var ratios) ? RpcJson.List(ratios, r => r.GetDouble()) : [],
        RpcJson.TryGet(e, "reward", out var rewards)
            ? RpcJson.List<IReadOnlyList<UInt256>>(rewards, r => RpcJson.List(r, RpcJson.Quantity))
            : []);
}
