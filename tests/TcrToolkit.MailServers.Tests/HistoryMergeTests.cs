using System.Security.Cryptography;
using CsCheck;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.History;

namespace TcrToolkit.MailServers.Tests;

public sealed class HistoryMergeTests
{
    private static readonly Bytes32 ServerA = Id(1), ServerB = Id(2), ServerC = Id(3);

    [Fact]
    public void Merge_OverlappingAnswers_DedupesByHashAndOrdersByTimestampThenHash()
    {
        var m1 = Entry(10, "one"); var m2 = Entry(20, "two"); var m3 = Entry(20, "three"); var m4 = Entry(30, "four");

        var merged = HistoryMerge.Merge([Answer(ServerA, m1, m2, m4), Answer(ServerB, m2, m3, m4)]);

        merged.Messages.Select(m => m.Message).Should().Equal(Sorted(m1, m2, m3, m4).Select(m => m.Message));
        merged.Servers.Should().BeEquivalentTo(
            [new ServerHistoryReport(ServerA, 3, 1, 1), new ServerHistoryReport(ServerB, 3, 1, 1)]);
    }

    [Fact]
    public void Merge_OneServerReturnsNothing_ReportsItMissingEverything()
    {
        // status-legacy #7098: one server answers empty while others hold the messages.
        var m1 = Entry(10, "a"); var m2 = Entry(11, "b");

        var merged = HistoryMerge.Merge([Answer(ServerA), Answer(ServerB, m1, m2), Answer(ServerC, m1, m2)]);

        merged.Messages.Should().HaveCount(2);
        merged.Servers[0].Should().Be(new ServerHistoryReport(ServerA, 0, 2, 0));
        merged.Disagreeing.Should().Equal(ServerA);
    }

    [Fact]
    public void Merge_ServerRepeatsAMessage_CountsItOnce()
    {
        var m1 = Entry(10, "a");

        var merged = HistoryMerge.Merge([Answer(ServerA, m1, m1), Answer(ServerB, m1)]);

        merged.Messages.Should().ContainSingle();
        merged.Servers.Should().OnlyContain(s => s.Returned == 1 && !s.Disagreed);
    }

    [Fact]
    public void Merge_AnswerOutOfOrder_Throws()
    {
        var act = () => HistoryMerge.Merge([new ServerHistory<string>(ServerA, [Entry(20, "late"), Entry(10, "early")])]);

        act.Should().Throw<ArgumentException>().WithMessage("*not in (timestamp, hash) order at position 1*");
    }

    [Fact]
    public void Merge_RandomSubsetsOfOneHistory_GivesTheirOrderedUnionOnce()
    {
        Gen.Int[0, 60].SelectMany(n => Gen.Int[1, 5].Select(servers => (n, servers)))
            .SelectMany(t => Gen.Int.Array[t.n * t.servers].Select(bits => (t.n, t.servers, bits)))
            .Sample(t =>
            {
                // n messages with few distinct timestamps (so hash order matters); each server holds a random subset.
                var all = Enumerable.Range(0, t.n).Select(i => Entry(i % 7, $"m{i}")).ToArray();
                var answers = Enumerable.Range(0, t.servers).Select(s => Answer(Id(s + 1),
                    Sorted(all.Where((_, i) => (t.bits[s * t.n + i] & 1) == 1).ToArray()))).ToArray();
                var expected = Sorted(answers.SelectMany(a => a.Messages).DistinctBy(m => m.Hash).ToArray());

                var merged = HistoryMerge.Merge(answers);

                merged.Messages.Select(m => m.Hash).Should().Equal(expected.Select(m => m.Hash));
                for (var s = 0; s < t.servers; s++)
                {
                    merged.Servers[s].Returned.Should().Be(answers[s].Messages.Count);
                    merged.Servers[s].Missing.Should().Be(expected.Length - answers[s].Messages.Count);
                }
            }, iter: 500);
    }

    internal static HistoryEntry<string> Entry(long timestamp, string text) =>
        new(new Bytes32(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{timestamp}:{text}"))), timestamp, text);

    internal static HistoryEntry<string>[] Sorted(params HistoryEntry<string>[] entries)
    {
        var copy = entries.ToArray();
        Array.Sort(copy, (l, r) => HistoryOrder.Compare(l, r));
        return copy;
    }

    private static ServerHistory<string> Answer(Bytes32 server, params HistoryEntry<string>[] messages) => new(server, Sorted(messages));

    private static Bytes32 Id(int n)
    {
        var bytes = new byte[32];
        bytes[31] = (byte)n;
        return new Bytes32(bytes);
    }
}
