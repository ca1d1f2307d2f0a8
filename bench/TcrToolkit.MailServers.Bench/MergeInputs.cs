using System.Text;
using Google.Protobuf;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.History;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.MailServers.Bench;

/// <summary>
/// Three servers' answers to one history query with 30% duplicates: of all the messages the three return, 30% are
/// copies of a message another server returned too. Each server returns <c>perServer</c> messages: 70% that only it
/// has and, on average, 30% that one other server also has (copies go to a random other server). Messages are real Waku messages with their deterministic hashes;
/// timestamps are 1 ms apart with ties (pairs share one), so the hash tie-break is exercised.
/// </summary>
internal static class MergeInputs
{
    public const string PubsubTopic = "/waku/2/rs/1/0";
    public const string ContentTopic = "/tcr/1/bench/proto";
    public const double DuplicateShare = 0.3;

    public static List<StoredMessage> Messages(int count, long baseTimestamp = 1_700_000_000_000_000_000L) =>
        [.. Enumerable.Range(0, count).Select(i => StoredMessage.Create(PubsubTopic, new WakuMessage
        {
            Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes($"history message {i:D8} ".PadRight(64, '.'))),
            ContentTopic = ContentTopic,
            Timestamp = baseTimestamp + (i / 2 * 1_000_000L),
        }))];

    /// <summary>Which of the unique messages each server holds (indexes into the unique list), each in history order.</summary>
    public static List<int>[] Assignment(int perServer, int seed = 7)
    {
        var random = new Random(seed);
        var servers = 3;
        var total = perServer * servers;
        var copies = (int)(total * DuplicateShare);
        var unique = total - copies;
        var holders = new List<int>[servers];
        for (var s = 0; s < servers; s++)
        {
            holders[s] = [];
        }

        // Each unique message has a home server; then `copies` of them (perServer * 0.3 from each home) go to one other server.
        var copiesPerServer = copies / servers;
        for (var i = 0; i < unique; i++)
        {
            holders[i % servers].Add(i);
        }

        var own = holders.Select(h => h.ToArray()).ToArray();
        for (var home = 0; home < servers; home++)
        {
            // Copies come from the home server's own messages only, so no server ever holds a message twice.
            var candidates = own[home];
            random.Shuffle(candidates);
            foreach (var i in candidates.Take(copiesPerServer))
            {
                holders[(home + 1 + random.Next(servers - 1)) % servers].Add(i);
            }
        }

        foreach (var list in holders)
        {
            list.Sort();
        }

        return holders;
    }

    /// <summary>The answers as in-memory pages, each list in (timestamp, hash) order as the strict store client delivers them.</summary>
    public static ServerHistory<StoredMessage>[] Answers(int perServer, int seed = 7)
    {
        var assignment = Assignment(perServer, seed);
        var unique = assignment.Sum(a => a.Count) - (int)(perServer * 3 * DuplicateShare);
        var entries = Messages(unique).Select(m => new HistoryEntry<StoredMessage>(new Bytes32(m.Hash), m.Timestamp, m)).ToArray();
        var answers = new ServerHistory<StoredMessage>[3];
        for (var s = 0; s < 3; s++)
        {
            var list = assignment[s].Select(i => entries[i]).ToList();
            list.Sort((l, r) => HistoryOrder.Compare(l, r));
            var id = new byte[32];
            id[0] = (byte)(s + 1);
            answers[s] = new ServerHistory<StoredMessage>(new Bytes32(id), list);
        }

        return answers;
    }
}
