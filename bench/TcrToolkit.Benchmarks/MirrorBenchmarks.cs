using BenchmarkDotNet.Attributes;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.Generated;

namespace TcrToolkit.Benchmarks;

/// <summary>Trust lookups from a mirror holding 10,000 listings (the target is at most 1 µs per node id).</summary>
[MemoryDiagnoser]
public class MirrorBenchmarks : IDisposable
{
    private const int Listings = 10_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-mirror-bench-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private RegistryMirror _mirror = null!;
    private Bytes32[] _listed = [];
    private Bytes32[] _unknown = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(_directory, "mirror.db");
        _listed = [.. Enumerable.Range(0, Listings).Select(i => Keccak256.HashUtf8("listed " + i))];
        _unknown = [.. Enumerable.Range(0, Listings).Select(i => Keccak256.HashUtf8("unknown " + i))];
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var options = new RegistryMirrorOptions
        {
            Registry = Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
            DatabasePath = path,
            ConfirmationDepth = 0,
            MaxStaleness = TimeSpan.FromDays(1),
        };
        // A chain of one block that never moves, and a registry listing every id: the mirror builds, checks the chain
        // on each poll, and trusts its state, so the lookups measure the trusting path.
        _mirror = RegistryMirror.Open(new StillChain(), new FixedSnapshot([.. _listed.Select(id => new MirroredListing(id, owner, MailServerRegistry.Stage.Listed, 100UL))]), options);
        _run = _mirror.RunAsync(_stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(_mirror.IsTrusting && _mirror.TrustedNodeIds.Count == Listings))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The mirror did not load the listings.");
            }

            Thread.Sleep(10);
        }
    }

    [Benchmark(Description = "IsTrusted(listed node id), 10,000 listings")]
    public bool IsTrustedListed() => _mirror.IsTrusted(_listed[_next++ % Listings]);

    [Benchmark(Description = "IsTrusted(unknown node id), 10,000 listings")]
    public bool IsTrustedUnknown() => _mirror.IsTrusted(_unknown[_next++ % Listings]);

    [GlobalCleanup]
    public void Dispose()
    {
        _stop.Cancel();
        _run?.ContinueWith(static _ => { }, TaskScheduler.Default).GetAwaiter().GetResult();
        _mirror?.Dispose();
        _stop.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    private sealed class StillChain : IRegistryChain
    {
        private static readonly Bytes32 Genesis = Keccak256.HashUtf8("genesis");

        public Task<ulong> GetHeadAsync(CancellationToken cancellationToken) => Task.FromResult(0UL);

        public Task<Bytes32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken) => Task.FromResult<Bytes32?>(number == 0 ? Genesis : null);

        public Task<IReadOnlyList<Bytes32?>> GetBlockHashesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Bytes32?>>([.. numbers.Select(n => n == 0 ? Genesis : (Bytes32?)null)]);

        public Task<IReadOnlyList<Log>> GetLogsAsync(ulong from, ulong to, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Log>>([]);

        public Task WaitForNewBlockAsync(ulong knownHead, CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FixedSnapshot(IReadOnlyList<MirroredListing> listed) : IRegistrySnapshotReader
    {
        public Task<IReadOnlyList<MirroredListing>> ReadListedAsync(ulong blockNumber, CancellationToken cancellationToken) => Task.FromResult(listed);

        public Task<Bytes32?> ReadCodeHashAsync(ulong blockNumber, CancellationToken cancellationToken) => Task.FromResult<Bytes32?>(Keccak256.HashUtf8("code"));
    }
}
