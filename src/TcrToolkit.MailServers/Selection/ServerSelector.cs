namespace TcrToolkit.MailServers.Selection;

/// <summary>
/// Picks a server the way status-go's mail-server cycle does: at random among the fastest quarter by measured round
/// trip (at least one), so load spreads over good servers and a slow one is not chosen while fast ones answer.
/// Servers never measured rank after measured ones.
/// </summary>
internal sealed class ServerSelector(Random random)
{
    /// <summary>The chosen candidate, or default when there is none.</summary>
    public T? Select<T>(IReadOnlyList<T> candidates, Func<T, TimeSpan?> roundTrip)
    {
        if (candidates.Count == 0)
        {
            return default;
        }

        var ranked = candidates
            .Select(c => (Candidate: c, RoundTrip: roundTrip(c)))
            .OrderBy(c => c.RoundTrip is null)
            .ThenBy(c => c.RoundTrip ?? TimeSpan.MaxValue)
            .ToList();
        var fastest = Math.Max(1, (ranked.Count + 3) / 4);
        return ranked[random.Next(fastest)].Candidate;
    }
}
