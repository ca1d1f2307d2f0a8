using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.History;

namespace TcrToolkit.MailServers.Tests;

public sealed class HistoryFollowerTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void NextWindow_AfterAFetch_ReachesBackByTheOverlap()
    {
        var follower = new HistoryFollower<string>(start: 100 * Second, overlap: TimeSpan.FromSeconds(30));
        var first = follower.NextWindow(200 * Second);
        follower.Deliver(first, Merged());

        var second = follower.NextWindow(300 * Second);

        first.Should().Be((100 * Second, 200 * Second));
        second.Should().Be((170 * Second, 300 * Second));
    }

    [Fact]
    public void Deliver_LateArrivalStampedBeforeTheLastFetch_IsDeliveredOnceNotMissed()
    {
        // status-legacy #6814: a message stamped at 195 s reaches the store after the fetch that ended at 200 s.
        var follower = new HistoryFollower<string>(100 * Second, TimeSpan.FromSeconds(30));
        var early = HistoryMergeTests.Entry(150 * Second, "early");
        var late = HistoryMergeTests.Entry(195 * Second, "late");
        var first = follower.NextWindow(200 * Second);
        var firstDelivery = follower.Deliver(first, Merged(early));

        var second = follower.NextWindow(300 * Second);
        var secondDelivery = follower.Deliver(second, Merged(late));

        firstDelivery.Select(m => m.Message).Should().Equal("early");
        secondDelivery.Select(m => m.Message).Should().Equal("late");
        second.From.Should().BeLessThanOrEqualTo(late.Timestamp);
    }

    [Fact]
    public void Deliver_MessageSeenInTheOverlapAgain_IsNotDeliveredTwice()
    {
        var follower = new HistoryFollower<string>(0, TimeSpan.FromSeconds(30));
        var m = HistoryMergeTests.Entry(190 * Second, "m");
        follower.Deliver(follower.NextWindow(200 * Second), Merged(m));

        var again = follower.Deliver(follower.NextWindow(300 * Second), Merged(m));

        again.Should().BeEmpty();
    }

    private static MergedHistory<string> Merged(params HistoryEntry<string>[] entries) =>
        HistoryMerge.Merge([new ServerHistory<string>(Bytes32.Zero, HistoryMergeTests.Sorted(entries))]);
}
