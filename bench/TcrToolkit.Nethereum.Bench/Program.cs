using System.Globalization;
using BenchmarkDotNet.Running;
using TcrToolkit.Nethereum.Bench;

// Default: the interleaved side-by-side run that bench/nethereum-report.md quotes.
//   dotnet run -c Release --project bench/TcrToolkit.Nethereum.Bench -- [--round 0.5] [--rounds 7] [--out figures.md]
// `bdn …`: the same operations under BenchmarkDotNet, e.g. `-- bdn --filter '*'`.
if (args is ["bdn", .. var rest])
{
    BenchmarkSwitcher.FromAssembly(typeof(NethereumComparison).Assembly).Run(rest);
    return 0;
}

var round = TimeSpan.FromSeconds(0.5);
var rounds = 7;
string? output = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--round": round = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture)); break;
        case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--out": output = args[i + 1]; break;
        default: throw new ArgumentException($"Unknown option {args[i]}; use --round SECONDS, --rounds N, --out FILE, or `bdn` for BenchmarkDotNet.");
    }
}

return Interleaved.Run(round, rounds, output);
