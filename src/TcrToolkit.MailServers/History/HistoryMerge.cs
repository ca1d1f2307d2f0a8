using TcrToolkit.Ethereum;

namespace TcrToolkit.MailServers.History;

/// <summary>What one server answered for a history query.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <param name="Server">The server's node id (its registry listing).</param>
/// <param name="Messages">Its messages, in (timestamp, hash) order, as the strict store client accepted them.</param>
public sealed record ServerHistory<TMessage>(Bytes32 Server, IReadOnlyList<HistoryEntry<TMessage>> Messages);

/// <summary>How one server's answer compares with the merged history.</summary>
/// <param name="Server">The server's node id.</param>
/// <param name="Returned">Distinct messages it returned.</param>
/// <param name="Missing">Messages other servers returned that it did not.</param>
/// <param name="OnlyHere">Messages no other server returned.</param>
public sealed record ServerHistoryReport(Bytes32 Server, int Returned, int Missing, int OnlyHere)
{
    /// <summary>True when it lacked messages that others had, or had messages no other server had.</summary>
    public bool Disagreed => Missing > 0 || OnlyHere > 0;
}

/// <summary>Merged history of several servers: unique by message hash, in (timestamp, hash) order.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <param name="Messages">The merged messages.</param>
/// <param name="Servers">One report per server that answered, in the order given.</param>
public sealed record MergedHistory<TMessage>(IReadOnlyList<HistoryEntry<TMessage>> Messages, IReadOnlyList<ServerHistoryReport> Servers)
{
    /// <summary>The servers whose answers differed from the others' (status-legacy #7098, nwaku #1146).</summary>
    public IEnumerable<Bytes32> Disagreeing => Servers.Where(s => s.Disagreed).Select(s => s.Server);
}

/// <summary>
/// Merges servers' answers with a k-way merge over their (timestamp, hash)-ordered lists: linear in the messages,
/// memory for the output only. A message's hash covers its timestamp, so copies of one message are adjacent in this
/// order and collapse into one.
/// </summary>
public static class HistoryMerge
{
    /// <summary>Merges the answers.</summary>
    /// <exception cref="ArgumentException">A server's list is not in (timestamp, hash) order, or one server appears twice.</exception>
    public static MergedHistory<TMessage> Merge<TMessage>(IReadOnlyList<ServerHistory<TMessage>> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var servers = answers.Count;
        if (answers.Select(a => a.Server).Distinct().Count() != servers)
        {
            throw new ArgumentException("Each server may answer once per merge.", nameof(answers));
        }

        for (var s = 0; s < servers; s++)
        {
            var list = answers[s].Messages;
            for (var i = 1; i < list.Count; i++)
            {
                if (HistoryOrder.Compare(list[i - 1], list[i]) > 0)
                {
                    throw new ArgumentException(
                        $"The answer of server {answers[s].Server} is not in (timestamp, hash) order at position {i}; the store client should have rejected it.",
                        nameof(answers));
                }
            }
        }

        var positions = new int[servers];
        var returned = new int[servers];
        var onlyHere = new int[servers];
        var merged = new List<HistoryEntry<TMessage>>(answers.Sum(a => a.Messages.Count));
        var holders = new List<int>(servers);
        var heap = new PriorityQueue<int, HistoryEntry<TMessage>>(servers, Comparer<HistoryEntry<TMessage>>.Create(
            static (l, r) => HistoryOrder.Compare(l, r)));
        for (var s = 0; s < servers; s++)
        {
            if (answers[s].Messages.Count > 0)
            {
                heap.Enqueue(s, answers[s].Messages[0]);
            }
        }

        while (heap.TryDequeue(out var server, out var entry))
        {
            holders.Clear();
            holders.Add(server);
            Advance(server);
            while (heap.TryPeek(out var other, out var next) && next.Hash == entry.Hash)
            {
                heap.Dequeue();
                if (!holders.Contains(other))
                {
                    holders.Add(other);
                }

                Advance(other);
            }

            merged.Add(entry);
            foreach (var holder in holders)
            {
                returned[holder]++;
            }

            if (holders.Count == 1 && servers > 1)
            {
                onlyHere[server]++;
            }
        }

        var reports = new ServerHistoryReport[servers];
        for (var s = 0; s < servers; s++)
        {
            reports[s] = new ServerHistoryReport(answers[s].Server, returned[s], merged.Count - returned[s], onlyHere[s]);
        }

        return new MergedHistory<TMessage>(merged, reports);

        void Advance(int s)
        {
            var list = answers[s].Messages;
            var current = list[positions[s]];
            // A server repeating one message counts once: skip its copies.
            do
            {
                positions[s]++;
            }
            while (positions[s] < list.Count && list[positions[s]].Hash == current.Hash);

            if (positions[s] < list.Count)
            {
                heap.Enqueue(s, list[positions[s]]);
            }
        }
    }
}
