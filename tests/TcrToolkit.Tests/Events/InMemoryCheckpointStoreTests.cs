using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

/// <summary>The in-memory store's record of delivered events: identity by block hash and log index, kept per block.</summary>
public sealed class InMemoryCheckpointStoreTests
{
    private static readonly Bytes32 HashA = Keccak256.HashUtf8("block-a");
    private static readonly Bytes32 HashB = Keccak256.HashUtf8("block-b");

    private static RegistryEvent Event(ulong block, Bytes32 hash, ulong logIndex, int node = 1)
    {
        var (topics, data) = TestRegistryAbi.Events["Listed"].EncodeLog(ScriptedChain.Listed(node).Arguments);
        return RegistryEvent.TryDecode(new Log { Address = ScriptedChain.Registry, Topics = topics, Data = data, BlockNumber = block, BlockHash = hash, LogIndex = logIndex })!;
    }

    private static InMemoryRegistryCheckpointStore Started()
    {
        var store = new InMemoryRegistryCheckpointStore();
        store.SaveCheckpoint(new RegistryCheckpoint(9, Keccak256.HashUtf8("block-9")), 0);
        return store;
    }

    [Fact]
    public void Load_EventsDeliveredOutOfOrder_ComeBackInBlockAndLogIndexOrder()
    {
        var store = Started();
        store.SaveDelivered(Event(11, HashB, 0));
        store.SaveDelivered(Event(10, HashA, 4));
        store.SaveDelivered(Event(10, HashA, 1));
        store.SaveDelivered(Event(10, HashA, 2));

        var logs = store.Load()!.DeliveredLogs;

        logs.Select(l => (l.BlockNumber, l.LogIndex)).Should().Equal((10UL, 1UL), (10UL, 2UL), (10UL, 4UL), (11UL, 0UL));
    }

    [Fact]
    public void SaveDelivered_SameIdAgain_KeepsOneRecordWithTheNewLog()
    {
        var store = Started();
        store.SaveDelivered(Event(10, HashA, 1, node: 1));
        store.SaveDelivered(Event(10, HashA, 2, node: 1));
        store.SaveDelivered(Event(10, HashA, 1, node: 7));

        var logs = store.Load()!.DeliveredLogs;

        logs.Should().HaveCount(2);
        logs[0].Topics[1].Should().Be(ScriptedChain.NodeId(7));
    }

    [Fact]
    public void SaveDelivered_SameNumberOtherHash_IsAnotherEvent()
    {
        var store = Started();
        store.SaveDelivered(Event(10, HashA, 1));
        store.SaveDelivered(Event(10, HashB, 1));

        var logs = store.Load()!.DeliveredLogs;

        logs.Select(l => l.BlockHash).Should().BeEquivalentTo([HashA, HashB]);
    }

    [Fact]
    public void SaveRetracted_RemovesOnlyThatEvent()
    {
        var store = Started();
        var retracted = Event(10, HashA, 2);
        store.SaveDelivered(Event(10, HashA, 1));
        store.SaveDelivered(retracted);
        store.SaveDelivered(Event(10, HashB, 2));

        store.SaveRetracted(retracted);

        store.Load()!.DeliveredLogs.Select(l => (l.BlockHash, l.LogIndex)).Should().BeEquivalentTo([(HashA, 1UL), (HashB, 2UL)]);
    }

    [Fact]
    public void SaveCheckpoint_ForgetsBlocksAboveItAndBelowKeepFrom()
    {
        var store = Started();
        store.SaveDelivered(Event(10, HashA, 0));
        store.SaveDelivered(Event(11, HashA, 0));
        store.SaveDelivered(Event(12, HashA, 0));

        store.SaveCheckpoint(new RegistryCheckpoint(11, HashA), keepFrom: 11);

        var state = store.Load()!;
        state.DeliveredLogs.Select(l => l.BlockNumber).Should().Equal(11UL);
        state.RecentBlocks.Select(b => b.BlockNumber).Should().Equal(11UL);
    }
}
