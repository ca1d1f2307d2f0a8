using TcrToolkit.Ethereum;

namespace TcrToolkit.MailServers.History;

/// <summary>
/// One stored message as history sees it: its deterministic message hash, its timestamp (Unix nanoseconds, the Waku
/// message's <c>timestamp</c>) and the message itself. History is ordered by (timestamp, hash), the order Store v3
/// pages in, so two servers' pages of one time range interleave without gaps or repeats.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <param name="Hash">The deterministic message hash (14/WAKU2-MESSAGE).</param>
/// <param name="Timestamp">Unix time in nanoseconds.</param>
/// <param name="Message">The message.</param>
public readonly record struct HistoryEntry<TMessage>(Bytes32 Hash, long Timestamp, TMessage Message);

/// <summary>The order of history: by timestamp, then by hash bytes (unsigned, lexicographic).</summary>
public static class HistoryOrder
{
    /// <summary>Compares two entries in history order.</summary>
    public static int Compare<TMessage>(in HistoryEntry<TMessage> left, in HistoryEntry<TMessage> right)
    {
        var byTime = left.Timestamp.CompareTo(right.Timestamp);
        return byTime != 0 ? byTime : left.Hash.AsSpan().SequenceCompareTo(right.Hash.AsSpan());
    }
}
