using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

/// <summary>
/// The mirror fails closed when the chain under it is replaced: a Hardhat node killed and replaced by a fresh one on
/// the same port (without the registry, then with an empty registry redeployed at the same address), and a restart on
/// a mirror file of the old chain. Each test runs its own nodes.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RegistryMirrorFailClosedTests : IDisposable
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(25);
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-failclosed-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RunAsync_NodeReplacedByAFreshChainWithoutTheRegistry_DistrustsEveryNodeIdAndKeepsRetrying()
    {
        var old = await RegistryTestbed.StartAsync(actors: 1);
        var (port, endpoint, registry) = (old.Node.Port, old.Node.HttpEndpoint, old.Registry);
        var listed = await old.ListAsync(old.Actors[0]);
        await using var client = MirrorClient(endpoint);
        await using var mirror = RegistryMirror.Open(client, Options(registry));
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(listed));

        await old.DisposeAsync();
        await using var fresh = await HardhatNode.StartAsync(port: port);
        await Until(() => mirror.Health.Status == RegistryMirrorStatus.Faulted && mirror.Health.Problem?.Contains("no code") == true);

        mirror.IsTrusted(listed).Should().BeFalse("the chain that listed it is gone");
        mirror.TrustedNodeIds.Should().BeEmpty();
        mirror.Health.IsTrusting.Should().BeFalse();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        run.IsCompleted.Should().BeFalse("RunAsync keeps retrying the rebuild instead of stopping");
        mirror.IsTrusted(listed).Should().BeFalse();
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task RunAsync_EmptyRegistryRedeployedAtTheSameAddress_RebuildsAndFollowsTheNewRegistryOnly()
    {
        var old = await RegistryTestbed.StartAsync(actors: 1);
        var (port, endpoint, registry) = (old.Node.Port, old.Node.HttpEndpoint, old.Registry);
        var listedOnOld = await old.ListAsync(old.Actors[0]);
        await using var client = MirrorClient(endpoint);
        await using var mirror = RegistryMirror.Open(client, Options(registry));
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(listedOnOld));

        await old.DisposeAsync();
        var node = await HardhatNode.StartAsync(port: port);
        await Until(() => mirror.Health.Status == RegistryMirrorStatus.Faulted);
        await using var replacement = await RegistryTestbed.DeployOnAsync(node, actors: 1);
        var listedOnNew = await replacement.ListAsync(replacement.Actors[0]);
        await Until(() => mirror.IsTrusted(listedOnNew));

        replacement.Registry.Should().Be(registry, "the same deployer's first transactions deploy the registry at the same address");
        mirror.IsTrusted(listedOnOld).Should().BeFalse();
        mirror.TrustedNodeIds.Should().BeEquivalentTo([listedOnNew]);
        mirror.Health.Status.Should().BeOneOf(RegistryMirrorStatus.Synced, RegistryMirrorStatus.CatchingUp);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task Open_StaleFileOfAnotherChain_NeverAnswersFromTheStaleSet()
    {
        var path = Path.Combine(_directory, "mirror.db");
        var old = await RegistryTestbed.StartAsync(actors: 1);
        var (port, endpoint, registry) = (old.Node.Port, old.Node.HttpEndpoint, old.Registry);
        var listed = await old.ListAsync(old.Actors[0]);
        await using (var client = MirrorClient(endpoint))
        await using (var mirror = RegistryMirror.Open(client, Options(registry, path)))
        {
            using var stop = new CancellationTokenSource();
            var run = mirror.RunAsync(stop.Token);
            await Until(() => mirror.IsTrusted(listed));
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        await old.DisposeAsync();
        await using var replacement = await RegistryTestbed.StartAsync(actors: 1, port: port);
        await using var newClient = MirrorClient(endpoint);
        await using var reopened = RegistryMirror.Open(newClient, Options(registry, path));
        var answers = new List<bool> { reopened.IsTrusted(listed) };
        using var stopReopened = new CancellationTokenSource();
        var runReopened = reopened.RunAsync(stopReopened.Token);
        await Until(() =>
        {
            answers.Add(reopened.IsTrusted(listed));
            return reopened.ColdStarts == 1 && reopened.IsTrusting;
        });

        reopened.GetListing(listed).Should().BeNull("the stored state of the other chain was discarded");
        answers.Should().NotContain(true, "the stale set must not answer, not even before the first check");
        reopened.TrustedNodeIds.Should().BeEmpty();
        await stopReopened.CancelAsync();
        await runReopened.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    private RegistryMirrorOptions Options(Address registry, string? path = null) => new()
    {
        Registry = registry,
        DatabasePath = path ?? Path.Combine(_directory, "mirror.db"),
        ConfirmationDepth = 0,
        Stream = new RegistryEventsOptions { PollInterval = Fast, RetryDelay = Fast },
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private static RpcClient MirrorClient(Uri endpoint) =>
        RpcClient.CreateHttp(endpoint, new RpcClientOptions { MaxReadRetries = 0 }, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(5) });

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(10);
        }
    }
}
