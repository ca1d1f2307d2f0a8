using System.Globalization;

namespace TcrToolkit.Testing.Differential;

/// <summary>
/// Seed and size of a differential run. <c>TCR_DIFF_SEED</c> reproduces a run; <c>TCR_DIFF_CASES</c> sets the total
/// number of cases across all categories (default 16,000), which each test suite shares out among its categories.
/// </summary>
public static class DifferentialSettings
{
    /// <summary>The total number of cases when <c>TCR_DIFF_CASES</c> is not set.</summary>
    public const int DefaultTotalCases = 16_000;

    /// <summary>The run's seed: <c>TCR_DIFF_SEED</c>, or a random one (printed with every run).</summary>
    public static readonly int Seed = ReadInt("TCR_DIFF_SEED") ?? Random.Shared.Next();

    /// <summary>The total number of cases: <c>TCR_DIFF_CASES</c>, or <see cref="DefaultTotalCases"/>.</summary>
    public static readonly int TotalCases = ReadInt("TCR_DIFF_CASES") ?? DefaultTotalCases;

    /// <summary>How to reproduce this run.</summary>
    public static string ReproduceHint =>
        $"reproduce with TCR_DIFF_SEED={Seed} TCR_DIFF_CASES={TotalCases}";

    /// <summary>A share of <see cref="TotalCases"/>, at least one case.</summary>
    /// <param name="basisPoints">The share, in hundredths of a percent.</param>
    public static int CasesFor(int basisPoints) => Math.Max(1, (int)((long)TotalCases * basisPoints / 10_000));

    /// <summary>A category's own seed, so that each category reproduces on its own.</summary>
    /// <param name="category">The category's name.</param>
    public static int SeedFor(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        var hash = 17;
        foreach (var c in category)
        {
            hash = unchecked((hash * 31) + c);
        }

        return unchecked(Seed ^ hash);
    }

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
