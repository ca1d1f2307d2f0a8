using SharpFuzz;
using TcrToolkit.Waku.Fuzz;

if (args.Length != 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine("usage: TcrToolkit.Waku.Fuzz <" + string.Join('|', FuzzTargets.All.Keys) + ">");
    return 2;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
