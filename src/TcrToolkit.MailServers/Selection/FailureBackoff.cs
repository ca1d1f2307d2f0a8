namespace TcrToolkit.MailServers.Selection;

/// <summary>
/// Keeps failing servers out of selection for a while: the first failure for <see cref="Initial"/>, each further one
/// twice as long up to <see cref="Maximum"/>, with up to a fifth of jitter so clients do not retry in step. A success
/// forgets the failures.
/// </summary>
internal sealed class FailureBackoff<TKey>(TimeProvider time, Random random, TimeSpan initial, TimeSpan maximum)
    where TKey : notnull
{
    private readonly Dictionary<TKey, (int Failures, DateTimeOffset Until)> _state = [];

    public TimeSpan Initial { get; } = initial;

    public TimeSpan Maximum { get; } = maximum;

    /// <summary>True when the server may be chosen now.</summary>
    public bool IsAvailable(TKey key) => !_state.TryGetValue(key, out var state) || state.Until <= time.GetUtcNow();

    /// <summary>When the server may be chosen again, or null when it may be now.</summary>
    public DateTimeOffset? AvailableAt(TKey key) =>
        _state.TryGetValue(key, out var state) && state.Until > time.GetUtcNow() ? state.Until : null;

    /// <summary>Records a failure and returns how long the server is kept out.</summary>
    public TimeSpan RecordFailure(TKey key)
    {
        var failures = _state.TryGetValue(key, out var state) ? state.Failures + 1 : 1;
        var delay = Initial * Math.Pow(2, Math.Min(failures - 1, 30));
        if (delay > Maximum)
        {
            delay = Maximum;
        }

        delay += delay * (random.NextDouble() / 5);
        _state[key] = (failures, time.GetUtcNow() + delay);
        return delay;
    }

    /// <summary>Forgets the server's failures.</summary>
    public void RecordSuccess(TKey key) => _state.Remove(key);

    /// <summary>Forgets the server entirely (evicted).</summary>
    public void Forget(TKey key) => _state.Remove(key);
}
