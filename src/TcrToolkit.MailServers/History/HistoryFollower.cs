using TcrToolkit.Ethereum;

namespace TcrToolkit.MailServers.History;

/// <summary>
/// Follows one conversation's history fetch after fetch without missing late arrivals. "Since the last fetch" misses a
/// message that reached the store after that fetch but carries an earlier timestamp (clients stamp messages; stores
/// accept up to 20 s of skew; status-legacy #6814). So each window starts <see cref="Overlap"/> before the previous
/// one ended, and what was already delivered inside the overlap is dropped by hash.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class HistoryFollower<TMessage>
{
    private readonly Dictionary<Bytes32, long> _recent = [];
    private long? _end;

    /// <summary>Starts following from <paramref name="start"/> (Unix nanoseconds).</summary>
    /// <param name="start">Where the first window starts.</param>
    /// <param name="overlap">How far each window reaches back before the previous end; at least the stores' skew allowance.</param>
    public HistoryFollower(long start, TimeSpan overlap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(overlap, TimeSpan.Zero);
        Start = start;
        Overlap = overlap;
    }

    /// <summary>Where following began.</summary>
    public long Start { get; }

    /// <summary>How far each window reaches back before the previous end.</summary>
    public TimeSpan Overlap { get; }

    /// <summary>The window to fetch next, ending at <paramref name="now"/> (exclusive), in Unix nanoseconds.</summary>
    public (long From, long To) NextWindow(long now)
    {
        var from = _end is { } end ? Math.Max(Start, end - OverlapNanoseconds) : Start;
        return (from, Math.Max(from, now));
    }

    /// <summary>
    /// Takes the merged answer for the window <paramref name="window"/> and returns only what was not delivered
    /// before, in order; then moves the end of what has been seen to the window's end.
    /// </summary>
    public IReadOnlyList<HistoryEntry<TMessage>> Deliver((long From, long To) window, MergedHistory<TMessage> merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var fresh = new List<HistoryEntry<TMessage>>(merged.Messages.Count);
        foreach (var entry in merged.Messages)
        {
            if (_recent.TryAdd(entry.Hash, entry.Timestamp))
            {
                fresh.Add(entry);
            }
        }

        _end = _end is { } end ? Math.Max(end, window.To) : window.To;
        var keepFrom = _end.Value - OverlapNanoseconds;
        foreach (var (hash, timestamp) in _recent)
        {
            if (timestamp < keepFrom)
            {
                _recent.Remove(hash);
            }
        }

        return fresh;
    }

    private long OverlapNanoseconds => Overlap.Ticks * 100;
}
