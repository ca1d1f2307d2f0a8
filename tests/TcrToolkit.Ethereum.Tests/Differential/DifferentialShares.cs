namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>
/// How the Ethereum layer's differential categories share <see cref="DifferentialSettings.TotalCases"/> (default 16,000:
/// 12,000 for the primitives and 4,000 for the ABI). Seed and size come from <see cref="DifferentialSettings"/>.
/// </summary>
public static class DifferentialShares
{
    /// <summary>Per-category share of <see cref="DifferentialSettings.TotalCases"/>, in basis points; they add up to 10,000.</summary>
    public static readonly IReadOnlyDictionary<string, int> Shares = new Dictionary<string, int>
    {
        ["rlp"] = 1650,
        ["eip55"] = 1050,
        ["sign"] = 600,
        ["tx-legacy"] = 750,
        ["tx-eip2930"] = 750,
        ["tx-eip1559"] = 750,
        ["eip712"] = 1350,
        ["units"] = 300,
        ["personal"] = 300,
        ["abi"] = 1500,
        ["abi-event"] = 1000,
    };

    public static int CasesFor(string category) => DifferentialSettings.CasesFor(Shares[category]);
}
