using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using TcrToolkit.Ethereum;
using Xunit.Abstractions;

namespace TcrToolkit.Testing.Differential;

/// <summary>
/// The seeded differential loop: generate a category's cases from its seed, ask the oracle, compare each answer with
/// ours, and fail with the seed, the reproduce hint and the first mismatches (input and the oracle's answer).
/// </summary>
/// <param name="oracle">The trusted implementation.</param>
/// <param name="output">Where the run reports its seed, size and time.</param>
public sealed class DifferentialRun(EthersOracle oracle, ITestOutputHelper output)
{
    /// <summary>How many mismatches a failure message shows.</summary>
    public const int MaxReportedMismatches = 5;

    /// <summary>Fails the current case when ours and the oracle's differ.</summary>
    /// <typeparam name="T">The compared value's type.</typeparam>
    /// <param name="what">What is compared, for the message.</param>
    /// <param name="expected">The oracle's value.</param>
    /// <param name="actual">Ours.</param>
    /// <exception cref="OracleMismatchException">They differ.</exception>
    public static void Expect<T>(string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new OracleMismatchException($"{what}: ethers {expected}, ours {actual}");
        }
    }

    /// <summary>Runs <paramref name="count"/> cases of a category and asserts that every one agrees.</summary>
    /// <typeparam name="TGenerator">The random input source, made from the category's seed.</typeparam>
    /// <typeparam name="TInput">One case's input, as ours takes it.</typeparam>
    /// <param name="category">The category (also salts the seed).</param>
    /// <param name="count">How many cases.</param>
    /// <param name="createGenerator">Makes the input source from the category's seed.</param>
    /// <param name="generate">Draws one case: the oracle's request and our input.</param>
    /// <param name="compare">Compares ours with the oracle's answer; throws (see <see cref="Expect"/>) on a mismatch.</param>
    public void Run<TGenerator, TInput>(
        string category,
        int count,
        Func<int, TGenerator> createGenerator,
        Func<TGenerator, (JsonObject Request, TInput Input)> generate,
        Action<TInput, OracleAnswer> compare)
    {
        ArgumentNullException.ThrowIfNull(createGenerator);
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(compare);
        var seed = DifferentialSettings.SeedFor(category);
        output.WriteLine($"{category}: {count} cases against ethers {oracle.EthersVersion}; seed {DifferentialSettings.Seed}, {DifferentialSettings.ReproduceHint}");
        var stopwatch = Stopwatch.StartNew();
        var inputs = createGenerator(seed);
        var cases = Enumerable.Range(0, count).Select(_ => generate(inputs)).ToList();
        var answers = oracle.Ask([.. cases.Select(c => c.Request)]);
        var mismatches = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            try
            {
                compare(cases[i].Input, answers[i]);
            }
            catch (Exception ex) when (IsMismatch(ex))
            {
                var theirs = answers[i].Result?.GetRawText() ?? $"error: {answers[i].Error}";
                mismatches.Add($"case #{i}: {ex.GetType().Name}: {ex.Message}\n    input: {cases[i].Request.ToJsonString()}\n    ethers: {theirs}");
            }
        }

        output.WriteLine($"{category}: {count - mismatches.Count}/{count} agree ({stopwatch.ElapsedMilliseconds} ms)");
        mismatches.Should().BeEmpty(
            "ours must agree with ethers on every {0} case (seed {1}; {2}); the first mismatches are:\n{3}\n",
            category,
            DifferentialSettings.Seed,
            DifferentialSettings.ReproduceHint,
            string.Join("\n", mismatches.Take(MaxReportedMismatches)));
    }

    // What ours may throw on an input it should have treated as the oracle did; anything else is a bug in the test.
    private static bool IsMismatch(Exception ex) =>
        ex is OracleMismatchException or EthereumFormatException or InvalidOperationException or ArgumentException or CryptographicException;
}

/// <summary>Ours and the oracle disagree on a case.</summary>
/// <param name="message">What differs.</param>
public sealed class OracleMismatchException(string message) : Exception(message);
