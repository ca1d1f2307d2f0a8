// libFuzzer entry (SharpFuzz): `dotnet TcrToolkit.Libp2p.Fuzz.dll <target>` under libfuzzer-dotnet, after
// `sharpfuzz TcrToolkit.Libp2p.dll` has instrumented the library; `--seeds <dir>` writes the seed corpus.
using SharpFuzz;
using TcrToolkit.Libp2p.Fuzz;

if (args.Length == 2 && args[0] == "--seeds")
{
    SeedCorpus.Write(args[1]);
    return;
}

if (args.Length != 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: TcrToolkit.Libp2p.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> | --seeds <dir>");
    Environment.Exit(2);
    return;
}

Fuzzer.LibFuzzer.Run(span => target(span.ToArray()));
