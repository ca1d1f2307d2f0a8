using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

/// <summary>One Hardhat node with the contracts deployed, shared by the integration tests of the collection.</summary>
public sealed class RegistryChainFixture : IAsyncLifetime
{
    public RegistryTestbed Testbed { get; private set; } = null!;

    public async Task InitializeAsync() => Testbed = await RegistryTestbed.StartAsync();

    public async Task DisposeAsync() => await Testbed.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RegistryChainGroup : ICollectionFixture<RegistryChainFixture>
{
    public const string Name = "Registry chain";
}

/// <summary>
/// Base of the registry integration tests: an <c>evm_snapshot</c> before each test and its restore after, so no test
/// sees another's blocks; helpers to run streams and mirrors and to compare them with the chain.
/// </summary>
[Collection(RegistryChainGroup.Name)]
[Trait("Category", "Integration")]
public abstract class RegistryChainTest(RegistryChainFixture fixture) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-registry-").FullName;
    private readonly List<(CancellationTokenSource Stop, Task Run, RegistryMirror Mirror)> _mirrors = [];
    private string? _snapshot;

    protected RegistryTestbed Chain => fixture.Testbed;

    protected IReadOnlyList<TcrToolkit.Ethereum.PrivateKey> Actors => Chain.Actors;

    protected static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(25);

    public async Task InitializeAsync() => _snapshot = await Chain.SnapshotAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var (stop, run, mirror) in _mirrors)
        {
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await mirror.DisposeAsync();
            stop.Dispose();
        }

        if (_snapshot is not null)
        {
            await Chain.RevertAsync(_snapshot);
        }

        Directory.Delete(_directory, recursive: true);
    }

    protected string TempPath(string name) => Path.Combine(_directory, name);

    protected RegistryEventsOptions StreamOptions(int depth = 0) => new()
    {
        Registry = Chain.Registry,
        ConfirmationDepth = depth,
        PollInterval = Fast,
        RetryDelay = Fast,
        InitialChunkSize = 1_000,
    };

    protected Task<RegistryCheckpoint> DeploymentCheckpointAsync() =>
        RegistryEvents.GetCheckpointAsync(Chain.Client, Chain.DeploymentBlock - 1);

    protected static RpcClient ClientFor(Uri endpoint) =>
        RpcClient.CreateHttp(endpoint, new RpcClientOptions { MaxReadRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(20) }, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(5) });

    /// <summary>Every registry event on the canonical chain since deployment, straight from the node.</summary>
    protected async Task<List<RegistryEventId>> EventsOnChainAsync()
    {
        var filter = RegistryEvents.CreateLogFilter(Chain.Registry) with { FromBlock = Chain.DeploymentBlock, ToBlock = BlockTag.Latest };
        var logs = await Chain.Client.GetLogsAsync(filter);
        return [.. logs.Select(l => new RegistryEventId(l.BlockHash, l.LogIndex))];
    }

    /// <summary>Opens a mirror and runs it in the background until the test ends.</summary>
    protected RegistryMirror StartMirror(RpcClient client, int depth, string? path = null, Uri? webSocket = null)
    {
        var mirror = RegistryMirror.Open(client, new RegistryMirrorOptions
        {
            Registry = Chain.Registry,
            DatabasePath = path ?? TempPath($"mirror-{_mirrors.Count}.db"),
            ConfirmationDepth = depth,
            PageSize = 3,
            // Above the minute-long poll of the WebSocket case, which only the subscription should cut short.
            MaxStaleness = TimeSpan.FromMinutes(5),
            Stream = new RegistryEventsOptions
            {
                PollInterval = webSocket is null ? Fast : TimeSpan.FromSeconds(60),
                RetryDelay = Fast,
                InitialChunkSize = 1_000,
                WebSocketEndpoint = webSocket,
            },
        });
        var stop = new CancellationTokenSource();
        _mirrors.Add((stop, Task.Run(() => mirror.RunAsync(stop.Token)), mirror));
        return mirror;
    }

    /// <summary>Stops a mirror started with <see cref="StartMirror"/> and closes it.</summary>
    protected async Task StopMirrorAsync(RegistryMirror mirror)
    {
        var entry = _mirrors.Single(m => m.Mirror == mirror);
        _mirrors.Remove(entry);
        await entry.Stop.CancelAsync();
        await entry.Run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await mirror.DisposeAsync();
        entry.Stop.Dispose();
    }

    /// <summary>Waits until the mirror has read up to <paramref name="blockNumber"/>.</summary>
    protected async Task WaitSeenAsync(RegistryMirror mirror, ulong blockNumber)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (mirror.Seen is not { } seen || seen.BlockNumber < blockNumber)
        {
            ThrowIfMirrorFailed(mirror);
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The mirror did not read block {blockNumber} in time: checkpoint {mirror.Checkpoint}, seen {mirror.Seen}, cold starts {mirror.ColdStarts}.");
            }

            await Task.Delay(Fast);
        }
    }

    /// <summary>Waits until the mirror's confirmed state reaches <paramref name="blockNumber"/>.</summary>
    protected async Task WaitConfirmedAsync(RegistryMirror mirror, ulong blockNumber)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (mirror.Checkpoint is not { } checkpoint || checkpoint.BlockNumber < blockNumber)
        {
            ThrowIfMirrorFailed(mirror);
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The mirror did not confirm block {blockNumber} in time: checkpoint {mirror.Checkpoint}, seen {mirror.Seen}, cold starts {mirror.ColdStarts}.");
            }

            await Task.Delay(Fast);
        }
    }

    /// <summary>
    /// Mines <paramref name="depth"/> blocks so every change is confirmed, waits for the mirror, and checks that its
    /// trusted set equals the enumeration view and its listings equal <c>listing(nodeId)</c>.
    /// </summary>
    protected async Task AssertMirrorMatchesChainAsync(RegistryMirror mirror, int depth)
    {
        await Chain.MineAsync(depth + 1);
        var head = await Chain.Client.GetBlockNumberAsync();
        await WaitConfirmedAsync(mirror, head - (ulong)depth);
        var listed = await Chain.ListedOnChainAsync();

        mirror.TrustedNodeIds.Should().BeEquivalentTo(listed);
        foreach (var nodeId in listed)
        {
            mirror.IsTrusted(nodeId).Should().BeTrue();
            var fields = (await Chain.CallAsync(Chain.RegistryAbi, Chain.Registry, "listing", nodeId))[0].Items;
            var mirrored = mirror.GetListing(nodeId)!;
            mirrored.Owner.Should().Be(fields[0].AsAddress());
            mirrored.Deposit.Should().Be(fields[1].AsUInt256());
            ((int)mirrored.Stage).Should().Be((int)(ulong)fields[2].AsUInt256());
        }
    }

    private void ThrowIfMirrorFailed(RegistryMirror mirror)
    {
        var run = _mirrors.Single(m => m.Mirror == mirror).Run;
        if (run.IsFaulted)
        {
            throw new InvalidOperationException("The mirror stopped with an error.", run.Exception);
        }
    }
}
