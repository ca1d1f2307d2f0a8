using BenchmarkDotNet.Running;
using TcrToolkit.Benchmarks;

// `write-inputs <path>` and `side-by-side <inputs.json>`: the same-run comparison driven by bench/side-by-side.mjs.
// `catchup setup|bare|mirror …`: the mirror catch-up steps driven by bench/mirror-catchup.mjs.
// Anything else goes to BenchmarkDotNet, e.g. `--filter '*'`.
if (args is ["side-by-side", var inputs])
{
    return SideBySide.Run(inputs);
}

if (args is ["catchup", .. var steps])
{
    return await MirrorCatchUp.RunAsync(steps);
}

if (args is ["write-inputs", var path])
{
    BenchmarkInputs.Default.Save(path);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(EthereumBenchmarks).Assembly).Run(args);
return 0;
