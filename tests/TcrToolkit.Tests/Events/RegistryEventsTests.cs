using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

/// <summary>The stream's bookkeeping on a scripted chain: confirmations, identity, reorganisations, chunks, restarts.</summary>
public sealed class RegistryEventsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-events-").FullName;

    private static RegistryEventsOptions Options(int depth = 0) => new()
    {
        Registry = ScriptedChain.Registry,
        ConfirmationDepth = depth,
        RetryDelay = TimeSpan.Zero,
        PollInterval = TimeSpan.FromMilliseconds(20),
        InitialChunkSize = 4,
        MaxChunkSize = 64,
        ReorgWindow = 16,
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ReadAsync_CatchUp_DeliversEveryEventInChainOrder()
    {
        var chain = new ScriptedChain();
        chain.Mine(ScriptedChain.Listed(1), ScriptedChain.Listed(2));
        for (var i = 0; i < 10; i++)
        {
            chain.Mine();
        }

        chain.Mine(ScriptedChain.Exited(1));
        await using var stream = new RegistryEvents(chain, Options(), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));

        var events = await reader.UntilProgressAsync(chain.Head);

        events.Select(e => (e.Kind, e.Event!.Name, e.Event.NodeId)).Should().Equal(
            (RegistryUpdateKind.Added, "Listed", ScriptedChain.NodeId(1)),
            (RegistryUpdateKind.Added, "Listed", ScriptedChain.NodeId(2)),
            (RegistryUpdateKind.Added, "Exited", ScriptedChain.NodeId(1)));
    }

    [Fact]
    public async Task ReadAsync_WithDepth_DeliversOnlyOnceTheBlockIsDeepEnough()
    {
        var chain = new ScriptedChain();
        await using var stream = new RegistryEvents(chain, Options(depth: 2), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));
        var block = chain.Mine(ScriptedChain.Listed(1));
        chain.Mine();

        (await reader.TryNextAsync(TimeSpan.FromMilliseconds(200))).Should().BeNull("the block is one deep, not two");

        chain.Mine();
        var events = await reader.NextEventsAsync(1);

        events[0].Event!.Block.BlockNumber.Should().Be(block);
        events[0].Head.Should().Be(block + 2);
    }

    [Fact]
    public async Task ReadAsync_Reorg_RetractsOrphanedEventsNewestFirstThenDeliversTheNewChain()
    {
        var chain = new ScriptedChain();
        var fork = chain.Mine();
        chain.Mine(ScriptedChain.Listed(1));
        chain.Mine(ScriptedChain.Listed(2), ScriptedChain.Listed(3));
        await using var stream = new RegistryEvents(chain, Options(), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));
        var before = await reader.UntilProgressAsync(chain.Head);

        chain.Reorg(fork);
        chain.Mine(ScriptedChain.Listed(4));
        chain.Mine();
        chain.Mine();
        var after = await reader.UntilProgressAsync(chain.Head);

        before.Should().HaveCount(3);
        after.Select(u => (u.Kind, u.Event!.NodeId)).Should().Equal(
            (RegistryUpdateKind.Retracted, ScriptedChain.NodeId(3)),
            (RegistryUpdateKind.Retracted, ScriptedChain.NodeId(2)),
            (RegistryUpdateKind.Retracted, ScriptedChain.NodeId(1)),
            (RegistryUpdateKind.Added, ScriptedChain.NodeId(4)));
        after[0].Event!.Id.Should().Be(before[2].Event!.Id);
        after[0].Checkpoint.BlockNumber.Should().BeLessThanOrEqualTo(fork, "the stream goes back to a remembered block still canonical");
    }

    [Fact]
    public async Task ReadAsync_ReorgAfterRangesWereReadAhead_EndsWithExactlyTheNewChainsEvents()
    {
        var chain = new ScriptedChain();
        for (var i = 1; i <= 12; i++)
        {
            chain.Mine(ScriptedChain.Listed(i));
        }

        var options = Options();
        (options.InitialChunkSize, options.MaxChunkSize, options.ReadAhead) = (2, 2, 2);
        await using var stream = new RegistryEvents(chain, options, null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));
        var first = await reader.NextEventsAsync(2);
        await Task.Delay(100); // the ranges after the first are read ahead meanwhile

        chain.Reorg(2);
        for (var i = 3; i <= 6; i++)
        {
            chain.Mine(ScriptedChain.Listed(100 + i));
        }

        // Ranges read before the reorganisation may still be delivered (they were canonical when read); the stream
        // must then retract them. Read until it reports the new chain's head.
        var rest = new List<RegistryUpdate>();
        var newHead = chain.CheckpointAt(chain.Head);
        while (rest.LastOrDefault() is not { Kind: RegistryUpdateKind.Progress } last || last.Checkpoint != newHead)
        {
            rest.Add(await reader.NextAsync());
        }

        var live = new List<RegistryEventId>();
        foreach (var update in first.Concat(rest).Where(u => u.Kind != RegistryUpdateKind.Progress))
        {
            if (update.Kind == RegistryUpdateKind.Added)
            {
                live.Add(update.Event!.Id);
            }
            else
            {
                live.Remove(update.Event!.Id).Should().BeTrue("only a delivered event is retracted");
            }
        }

        var canonical = Enumerable.Range(1, 6).Select(n => chain.CheckpointAt((ulong)n).BlockHash).ToHashSet();
        live.Should().HaveCount(6).And.OnlyHaveUniqueItems();
        live.Select(id => id.BlockHash).Should().OnlyContain(hash => canonical.Contains(hash));
        rest.Last(u => u.Kind == RegistryUpdateKind.Added).Event!.NodeId.Should().Be(ScriptedChain.NodeId(106));
    }

    [Fact]
    public async Task ReadAsync_ReorgWithinConfirmationDepth_DeliversNothingOfTheOrphanedBlocks()
    {
        var chain = new ScriptedChain();
        var fork = chain.Mine();
        chain.Mine(ScriptedChain.Listed(1));
        await using var stream = new RegistryEvents(chain, Options(depth: 3), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));
        (await reader.TryNextAsync(TimeSpan.FromMilliseconds(100))).Should().BeNull();

        chain.Reorg(fork);
        chain.Mine(ScriptedChain.Listed(2));
        chain.Mine();
        chain.Mine();
        chain.Mine();
        var events = await reader.UntilProgressAsync(chain.Head - 3);

        events.Select(u => (u.Kind, u.Event!.NodeId)).Should().Equal((RegistryUpdateKind.Added, ScriptedChain.NodeId(2)));
    }

    [Fact]
    public async Task ReadAsync_RangeLimit_HalvesChunksAndStillDeliversEverything()
    {
        var chain = new ScriptedChain { MaxLogRange = 3 };
        for (var i = 1; i <= 20; i++)
        {
            chain.Mine(ScriptedChain.Listed(i));
        }

        await using var stream = new RegistryEvents(chain, Options(), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));

        var events = await reader.UntilProgressAsync(chain.Head);

        events.Select(e => e.Event!.NodeId).Should().Equal(Enumerable.Range(1, 20).Select(ScriptedChain.NodeId));
        chain.LogCalls.Where(c => c.To - c.From + 1 > 3).Should().NotBeEmpty("the first call asked for 4 blocks");
        stream.ChunkPolicy.Size.Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task ReadAsync_WithProgressDepth_MarksEveryBlockThatBecomesThatDeep()
    {
        var chain = new ScriptedChain(genesisBlocks: 21);
        var options = Options();
        options.ProgressDepth = 3;
        await using var stream = new RegistryEvents(chain, options, null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));

        await reader.UntilProgressAsync(chain.Head);

        reader.All.Select(u => u.Checkpoint.BlockNumber).Should().EndWith([17UL, 18UL, 19UL, 20UL]);
    }

    [Fact]
    public async Task ReadAsync_TransportFaults_AreRetriedWithoutGapsOrDuplicates()
    {
        var chain = new ScriptedChain();
        chain.Mine(ScriptedChain.Listed(1));
        chain.FaultsToThrow = 3;
        await using var stream = new RegistryEvents(chain, Options(), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));

        var events = await reader.UntilProgressAsync(chain.Head);
        chain.FaultsToThrow = 2;
        chain.Mine(ScriptedChain.Listed(2));
        events.AddRange(await reader.UntilProgressAsync(chain.Head));

        events.Select(e => e.Event!.NodeId).Should().Equal(ScriptedChain.NodeId(1), ScriptedChain.NodeId(2));
    }

    [Fact]
    public async Task ReadAsync_RestartMidBlock_ResumesAfterTheLastProcessedEvent()
    {
        var path = Path.Combine(_directory, "stream.db");
        var chain = new ScriptedChain();
        chain.Mine(ScriptedChain.Listed(1), ScriptedChain.Listed(2), ScriptedChain.Listed(3));
        chain.Mine(ScriptedChain.Listed(4));

        var first = new List<RegistryUpdate>();
        using (var store = SqliteRegistryCheckpointStore.Open(path))
        await using (var stream = new RegistryEvents(chain, Options(), store))
        await using (var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0))))
        {
            first.AddRange(await reader.NextEventsAsync(2));
            // Asking for the third marks the second as processed; the third is never processed.
            (await reader.NextAsync()).Event!.NodeId.Should().Be(ScriptedChain.NodeId(3));
        }

        using var reopened = SqliteRegistryCheckpointStore.Open(path);
        await using var restarted = new RegistryEvents(chain, Options(), reopened);
        await using var again = new UpdateReader(restarted.ReadAsync(chain.CheckpointAt(0)));
        var second = await again.UntilProgressAsync(chain.Head);

        first.Concat(second).Select(e => e.Event!.NodeId).Should().Equal(Enumerable.Range(1, 4).Select(ScriptedChain.NodeId));
    }

    [Fact]
    public async Task ReadAsync_ReorgAfterRestart_RetractsEventsDeliveredBeforeTheRestart()
    {
        var path = Path.Combine(_directory, "stream.db");
        var chain = new ScriptedChain();
        var fork = chain.Mine();
        chain.Mine(ScriptedChain.Listed(1));
        using (var store = SqliteRegistryCheckpointStore.Open(path))
        await using (var stream = new RegistryEvents(chain, Options(), store))
        await using (var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0))))
        {
            (await reader.UntilProgressAsync(chain.Head)).Should().HaveCount(1);
        }

        chain.Reorg(fork);
        chain.Mine(ScriptedChain.Listed(2));
        chain.Mine();
        using var reopened = SqliteRegistryCheckpointStore.Open(path);
        await using var restarted = new RegistryEvents(chain, Options(), reopened);
        await using var again = new UpdateReader(restarted.ReadAsync(chain.CheckpointAt(0)));
        var events = await again.UntilProgressAsync(chain.Head);

        events.Select(u => (u.Kind, u.Event!.NodeId)).Should().Equal(
            (RegistryUpdateKind.Retracted, ScriptedChain.NodeId(1)),
            (RegistryUpdateKind.Added, ScriptedChain.NodeId(2)));
    }

    [Fact]
    public async Task ReadAsync_StartNotOnTheChain_ThrowsReorgTooDeep()
    {
        var chain = new ScriptedChain(genesisBlocks: 3);
        var foreign = new RegistryCheckpoint(1, TcrToolkit.Ethereum.Keccak256.HashUtf8("elsewhere"));
        await using var stream = new RegistryEvents(chain, Options(), null);

        var read = async () =>
        {
            await foreach (var _ in stream.ReadAsync(foreign))
            {
            }
        };

        await read.Should().ThrowAsync<RegistryReorgTooDeepException>();
    }

    [Fact]
    public async Task ReadAsync_SecondConcurrentReader_Throws()
    {
        var chain = new ScriptedChain();
        await using var stream = new RegistryEvents(chain, Options(), null);
        await using var reader = new UpdateReader(stream.ReadAsync(chain.CheckpointAt(0)));
        (await reader.TryNextAsync(TimeSpan.FromMilliseconds(50))).Should().BeNull();

        var second = async () =>
        {
            await foreach (var _ in stream.ReadAsync(chain.CheckpointAt(0)))
            {
            }
        };

        await second.Should().ThrowAsync<InvalidOperationException>();
    }
}
