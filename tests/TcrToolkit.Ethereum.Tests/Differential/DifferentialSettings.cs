using System.Globalization;

namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>
/// Seed and size of the differential run. <c>TCR_DIFF_SEED</c> reproduces a run; <c>TCR_DIFF_CASES</c> sets the total
/// number of cases across all categories (default 16,000: 12,000 for the primitives and 4,000 for the ABI).
/// </summary>
public static class DifferentialSettings
{
    public const int DefaultTotalCases = 16_000;

    public static readonly int Seed = ReadInt("TCR_DIFF_SEED") ?? Random.Shared.Next();

    public static readonly int TotalCases = ReadInt("TCR_DIFF_CASES") ?? DefaultTotalCases;

    /// <summary>Per-category share of <see cref="TotalCases"/>, in basis points; they add up to 10,000.</summary>
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

    public static int CasesFor(string category) => Math.Max(1, (int)((long)TotalCases * Shares[category] / 10_000));

    /// <summary>A category's own seed, so that each category reproduces on its own.</summary>
    public static int SeedFor(string category)
    {
        var hash = 17;
        foreach (var c in category)
        {
            hash = unchecked((hash * 31) + c);
        }

        return unchecked(Seed ^ hash);
    }

    public static string ReproduceHint =>
        $"reproduce with TCR_DIFF_SEED={Seed} TCR_DIFF_CASES={TotalCases}";

    private static int? ReadInt(string name)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"{name} must be an integer; got '{text}'.");
    }
}
