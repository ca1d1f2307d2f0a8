using Microsoft.Extensions.Time.Testing;
using TcrToolkit.MailServers.Selection;

namespace TcrToolkit.MailServers.Tests;

public sealed class SelectionTests
{
    [Fact]
    public void Select_EightServers_PicksOnlyAmongTheTwoFastest()
    {
        var rtts = new Dictionary<string, TimeSpan?>
        {
            ["a"] = Ms(80), ["b"] = Ms(5), ["c"] = Ms(40), ["d"] = null, ["e"] = Ms(7), ["f"] = Ms(90), ["g"] = Ms(60), ["h"] = Ms(30),
        };
        var selector = new ServerSelector(new Random(7));

        var picks = Enumerable.Range(0, 200).Select(_ => selector.Select(rtts.Keys.ToList(), k => rtts[k])).ToHashSet();

        picks.Should().BeEquivalentTo(["b", "e"]);
    }

    [Fact]
    public void Select_NoneMeasured_PicksAmongAll()
    {
        var selector = new ServerSelector(new Random(1));

        var pick = selector.Select(["x"], _ => null);

        pick.Should().Be("x");
    }

    [Fact]
    public void Select_NoCandidates_ReturnsDefault()
    {
        new ServerSelector(new Random(1)).Select(Array.Empty<string>(), _ => Ms(1)).Should().BeNull();
    }

    [Fact]
    public void RecordFailure_Repeated_DoublesUpToTheMaximumAndSuccessResets()
    {
        var time = new FakeTimeProvider();
        var backoff = new FailureBackoff<string>(time, new Random(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.RecordFailure("s")).ToList();

        delays.Zip([1, 2, 4, 8, 10, 10]).Should().OnlyContain(p => p.First >= TimeSpan.FromSeconds(p.Second) && p.First <= TimeSpan.FromSeconds(p.Second * 1.2));
        backoff.IsAvailable("s").Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(12));
        backoff.IsAvailable("s").Should().BeTrue();
        backoff.RecordSuccess("s");
        backoff.RecordFailure("s").Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(1.2));
    }

    private static TimeSpan? Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}
