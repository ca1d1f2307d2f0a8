using TcrToolkit.Ethereum;
using Microsoft.Extensions.Time.Testing;
using TcrToolkit.Events;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Events;

/// <summary>The mirror's confirmation and retraction bookkeeping on a scripted chain.</summary>
public sealed class RegistryMirrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-mirror-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private RegistryMirror Open(ScriptedChain chain, int depth, params MirroredListing[] listed) => Open(chain, depth, null, listed);

    private RegistryMirror Open(ScriptedChain chain, int depth, FakeTimeProvider? time, params MirroredListing[] listed) =>
        RegistryMirror.Open(chain, new FixedSnapshot(listed), new RegistryMirrorOptions
        {
            Registry = ScriptedChain.Registry,
            DatabasePath = Path.Combine(_directory, "mirror.db"),
            ConfirmationDepth = depth,
            Stream = time is null
                ? new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(10), RetryDelay = TimeSpan.Zero }
                : new RegistryEventsOptions { PollInterval = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromSeconds(1), TimeProvider = time },
        });

    [Fact]
    public async Task Listed_RetractedBeforeConfirmation_IsNeverTrusted()
    {
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using var mirror = Open(chain, depth: 3);
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        var fork = chain.Head;
        chain.Mine(ScriptedChain.Listed(1));
        chain.Mine();
        await Until(() => mirror.Seen?.BlockNumber >= fork + 2);

        chain.Reorg(fork);
        for (var i = 0; i < 6; i++)
        {
            chain.Mine();
        }

        await Until(() => mirror.Checkpoint?.BlockNumber >= chain.Head - 3);
        mirror.IsTrusted(ScriptedChain.NodeId(1)).Should().BeFalse();
        mirror.ColdStarts.Should().Be(1);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task Removal_Retracted_StaysEvictedUntilTheNewChainIsConfirmedPastIt()
    {
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using var mirror = Open(chain, 2, new MirroredListing(ScriptedChain.NodeId(1), owner, MailServerRegistry.Stage.Listed, 100UL));
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(ScriptedChain.NodeId(1)));
        var fork = chain.Head;
        var removedAt = chain.Mine(ScriptedChain.Exited(1));
        await Until(() => !mirror.IsTrusted(ScriptedChain.NodeId(1)));

        chain.Reorg(fork);
        chain.Mine();
        chain.Mine();
        await Until(() => mirror.Seen?.BlockNumber >= removedAt + 1);
        var held = mirror.IsTrusted(ScriptedChain.NodeId(1));
        chain.Mine();
        chain.Mine();
        await Until(() => mirror.Checkpoint?.BlockNumber >= removedAt);

        held.Should().BeFalse();
        mirror.IsTrusted(ScriptedChain.NodeId(1)).Should().BeTrue();
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task TrustChanged_RemovalRead_NamesTheEventAndIsRaisedAfterIsTrustedTurnedFalse()
    {
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using var mirror = Open(chain, 2, new MirroredListing(ScriptedChain.NodeId(1), owner, MailServerRegistry.Stage.Listed, 100UL));
        var changes = new System.Collections.Concurrent.ConcurrentQueue<(RegistryTrustChangedEventArgs Args, bool TrustedWhenRaised)>();
        mirror.TrustChanged += (_, e) => changes.Enqueue((e, mirror.IsTrusted(ScriptedChain.NodeId(1))));
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(ScriptedChain.NodeId(1)));
        var removedAt = chain.Mine(ScriptedChain.Exited(1));
        await Until(() => changes.Any(c => c.Args.Withdrawn.Count > 0));

        changes.First().Args.Granted.Should().Equal(ScriptedChain.NodeId(1));
        var removal = changes.Single(c => c.Args.Withdrawn.Count > 0);
        removal.Args.Withdrawn.Should().Equal(ScriptedChain.NodeId(1));
        removal.Args.WithdrawnAll.Should().BeFalse();
        removal.Args.Reason.Should().Be($"Exited at block {removedAt}");
        removal.TrustedWhenRaised.Should().BeFalse("handlers run after the change took effect");
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task TrustChanged_ChainReplaced_WithdrawsEveryNodeIdAndAHandlerThatThrowsDoesNotStopTheMirror()
    {
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var chain = new ScriptedChain(genesisBlocks: 3);
        var snapshot = new FixedSnapshot([new MirroredListing(ScriptedChain.NodeId(1), owner, MailServerRegistry.Stage.Listed, 100UL)]);
        await using var mirror = RegistryMirror.Open(chain, snapshot, new RegistryMirrorOptions
        {
            Registry = ScriptedChain.Registry,
            DatabasePath = Path.Combine(_directory, "mirror.db"),
            ConfirmationDepth = 0,
            Stream = new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(10), RetryDelay = TimeSpan.Zero },
        });
        var changes = new System.Collections.Concurrent.ConcurrentQueue<RegistryTrustChangedEventArgs>();
        mirror.TrustChanged += (_, _) => throw new InvalidOperationException("a faulty subscriber");
        mirror.TrustChanged += (_, e) => changes.Enqueue(e);
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(ScriptedChain.NodeId(1)));

        snapshot.Listed = [new MirroredListing(ScriptedChain.NodeId(2), owner, MailServerRegistry.Stage.Listed, 100UL)];
        chain.ReplaceEverything(blocks: 2);
        await Until(() => mirror.IsTrusted(ScriptedChain.NodeId(2)));

        var withdrawal = changes.Single(c => c.WithdrawnAll);
        withdrawal.Withdrawn.Should().Equal(ScriptedChain.NodeId(1));
        changes.Last().Granted.Should().Equal(ScriptedChain.NodeId(2));
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task Open_AfterRestart_TrustsTheFileOnlyOnceRunHasCheckedItAgainstTheChain()
    {
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using (var mirror = Open(chain, 0, new MirroredListing(ScriptedChain.NodeId(1), owner, MailServerRegistry.Stage.Listed, 100UL)))
        {
            using var stop = new CancellationTokenSource();
            var run = mirror.RunAsync(stop.Token);
            chain.Mine(ScriptedChain.Listed(2));
            await Until(() => mirror.IsTrusted(ScriptedChain.NodeId(2)));
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        await using var reopened = Open(chain, 0);
        var trustedBeforeRun = reopened.IsTrusted(ScriptedChain.NodeId(1));
        using var stopReopened = new CancellationTokenSource();
        var runReopened = reopened.RunAsync(stopReopened.Token);
        await Until(() => reopened.IsTrusted(ScriptedChain.NodeId(1)));

        trustedBeforeRun.Should().BeFalse("nothing is trusted before the stored state is checked against the node");
        reopened.TrustedNodeIds.Should().BeEquivalentTo([ScriptedChain.NodeId(1), ScriptedChain.NodeId(2)]);
        reopened.GetListing(ScriptedChain.NodeId(2))!.Deposit.Should().Be((UInt256)100UL);
        reopened.ColdStarts.Should().Be(0, "the stored state is the node's chain: no rebuild");
        await stopReopened.CancelAsync();
        await runReopened.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task IsTrusted_NodeUnreachableLongerThanMaxStaleness_AnswersFalseUntilTheNodeAnswersAgain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var nodeId = ScriptedChain.NodeId(1);
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using var mirror = Open(chain, 0, time, new MirroredListing(nodeId, owner, MailServerRegistry.Stage.Listed, 100UL));
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(nodeId));
        var lastConfirmed = time.GetUtcNow();

        chain.Unreachable = true;
        await Until(() => mirror.Health.Status == RegistryMirrorStatus.NodeUnreachable);
        time.Advance(RegistryMirrorOptions.DefaultMaxStaleness - TimeSpan.FromSeconds(1));
        var trustedWithinStaleness = mirror.IsTrusted(nodeId);
        time.Advance(TimeSpan.FromSeconds(2));
        var health = mirror.Health;

        trustedWithinStaleness.Should().BeTrue("the node was last heard from within MaxStaleness");
        mirror.IsTrusted(nodeId).Should().BeFalse("the node has not confirmed the chain for longer than MaxStaleness");
        health.IsTrusting.Should().BeFalse();
        health.UnreachableSince.Should().Be(lastConfirmed);
        health.Problem.Should().Contain("scripted outage");

        chain.Unreachable = false;
        await Until(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return mirror.IsTrusted(nodeId);
        });
        mirror.Health.Status.Should().Be(RegistryMirrorStatus.Synced);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task RunAsync_ChainReplacedUnderTheMirror_WithdrawsTrustAtOnceAndRebuilds()
    {
        var owner = Address.Parse("0x00000000000000000000000000000000000000a1");
        var chain = new ScriptedChain(genesisBlocks: 3);
        var snapshot = new FixedSnapshot([new MirroredListing(ScriptedChain.NodeId(1), owner, MailServerRegistry.Stage.Listed, 100UL)]);
        await using var mirror = RegistryMirror.Open(chain, snapshot, new RegistryMirrorOptions
        {
            Registry = ScriptedChain.Registry,
            DatabasePath = Path.Combine(_directory, "mirror.db"),
            ConfirmationDepth = 0,
            Stream = new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(10), RetryDelay = TimeSpan.Zero },
        });
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.IsTrusted(ScriptedChain.NodeId(1)));
        var trustedAfterReplacement = new List<bool>();

        // The fresh chain's registry lists another node id: its snapshot is what a rebuild reads.
        snapshot.Listed = [new MirroredListing(ScriptedChain.NodeId(2), owner, MailServerRegistry.Stage.Listed, 100UL)];
        chain.ReplaceEverything(blocks: 2);
        await Until(() =>
        {
            trustedAfterReplacement.Add(mirror.IsTrusted(ScriptedChain.NodeId(1)));
            return mirror.IsTrusted(ScriptedChain.NodeId(2));
        });

        trustedAfterReplacement.SkipWhile(trusted => trusted).Should().NotContain(true, "trust, once withdrawn from the replaced chain's set, never comes back");
        mirror.IsTrusted(ScriptedChain.NodeId(1)).Should().BeFalse();
        mirror.ColdStarts.Should().Be(2);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Theory]
    [InlineData(false, 150UL)]
    [InlineData(true, 100UL)] // the reward did not fit the 96-bit deposit and was paid out
    public async Task ChallengeFailed_Confirmed_DepositIsTheEventsNewDeposit(bool rewardPaidOut, ulong newDeposit)
    {
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using var mirror = Open(chain, depth: 1);
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        chain.Mine(ScriptedChain.Listed(1));
        var failedAt = chain.Mine(("ChallengeFailed",
            [ScriptedChain.NodeId(1), (UInt256)1UL, (UInt256)50UL, rewardPaidOut, (UInt256)newDeposit, (UInt256)50UL, (UInt256)2UL, (UInt256)0UL, true]));
        chain.Mine();

        await Until(() => mirror.Checkpoint?.BlockNumber >= failedAt);

        mirror.GetListing(ScriptedChain.NodeId(1))!.Deposit.Should().Be((UInt256)newDeposit);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task Open_AfterManyListingsChangeInOneBlock_ReadsEveryRowBackFromTheFile()
    {
        // 75 listed and 11 of them exited in one block each: more rows than one multi-row statement holds, and a remainder.
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using (var mirror = Open(chain, 0))
        {
            using var stop = new CancellationTokenSource();
            var run = mirror.RunAsync(stop.Token);
            chain.Mine([.. Enumerable.Range(1, 75).Select(ScriptedChain.Listed)]);
            var exited = chain.Mine([.. Enumerable.Range(1, 11).Select(ScriptedChain.Exited)]);
            await Until(() => mirror.Checkpoint?.BlockNumber >= exited);
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        await using var reopened = Open(chain, 0);
        using var stopReopened = new CancellationTokenSource();
        var runReopened = reopened.RunAsync(stopReopened.Token);
        await Until(() => reopened.IsTrusting);

        reopened.TrustedNodeIds.Should().BeEquivalentTo(Enumerable.Range(12, 64).Select(ScriptedChain.NodeId));
        reopened.GetListing(ScriptedChain.NodeId(75))!.Deposit.Should().Be((UInt256)100UL);
        reopened.GetListing(ScriptedChain.NodeId(11)).Should().BeNull();
        await stopReopened.CancelAsync();
        await runReopened.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task WaitForCheckpointAsync_CheckpointMoves_ReturnsWithoutWaitingForThePollInterval()
    {
        var chain = new ScriptedChain(genesisBlocks: 3);
        await using var mirror = Open(chain, 0);
        using var stop = new CancellationTokenSource();
        var run = mirror.RunAsync(stop.Token);
        await Until(() => mirror.Checkpoint is not null);
        var target = chain.Head + 1;
        var wait = mirror.WaitForCheckpointAsync(target, TimeSpan.FromMinutes(5));

        chain.Mine(ScriptedChain.Listed(1));

        var finished = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10)));
        finished.Should().BeSameAs(wait);
        mirror.Checkpoint!.Value.BlockNumber.Should().BeGreaterThanOrEqualTo(target);
        await stop.CancelAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(5);
        }
    }

    private sealed class FixedSnapshot(IReadOnlyList<MirroredListing> listed) : IRegistrySnapshotReader
    {
        public IReadOnlyList<MirroredListing> Listed { get; set; } = listed;

        public Task<IReadOnlyList<MirroredListing>> ReadListedAsync(ulong blockNumber, CancellationToken cancellationToken) => Task.FromResult(Listed);

        public Task<Bytes32?> ReadCodeHashAsync(ulong blockNumber, CancellationToken cancellationToken) =>
            Task.FromResult<Bytes32?>(Keccak256.HashUtf8("registry code"));
    }
}
