using System.Diagnostics;
using System.Text.Json;

namespace TcrToolkit.Benchmarks;

/// <summary>
/// The C# half of bench/side-by-side.mjs: measures each operation with the same method the ethers half uses
/// (warm up, then five one-second rounds, median operations per second) and prints one JSON object.
/// </summary>
internal static class SideBySide
{
    public static int Run(string inputsPath)
    {
        var inputs = BenchmarkInputs.Load(inputsPath);
        using var operations = new Operations(inputs);
        var results = new Dictionary<string, object>
        {
            ["keccak32"] = Measure(() => operations.Keccak32()),
            ["signEip1559"] = Measure(() => operations.SignEip1559()),
            ["decodeLog"] = Measure(() => operations.DecodeLog()),
            ["decodedLog"] = operations.DecodeLog().Enr,
            ["decodeLogAllocatedBytesPerOp"] = AllocatedPerOp(() => operations.DecodeLog()),
            ["signedEip1559"] = operations.SignedEip1559Hex(),
            ["keccak32AllocatedBytesPerOp"] = AllocatedPerOp(() => operations.Keccak32()),
        };
        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }

    private static double Measure<T>(Func<T> operation)
    {
        Spin(operation, TimeSpan.FromSeconds(1)); // warm-up: tiered JIT reaches its final code
        var rounds = new double[5];
        for (var i = 0; i < rounds.Length; i++)
        {
            rounds[i] = Spin(operation, TimeSpan.FromSeconds(1));
        }

        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }

    private static double Spin<T>(Func<T> operation, TimeSpan duration)
    {
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            for (var i = 0; i < 64; i++)
            {
                operation();
            }

            count += 64;
        }

        return count / stopwatch.Elapsed.TotalSeconds;
    }

    private static double AllocatedPerOp<T>(Func<T> operation)
    {
        const int Count = 100_000;
        operation();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            operation();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
    }
}
