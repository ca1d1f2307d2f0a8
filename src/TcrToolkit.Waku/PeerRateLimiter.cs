namespace TcrToolkit.Waku;

/// <summary>A token bucket per peer and protocol, bounded in memory: idle buckets are dropped when the table grows.</summary>
internal sealed class PeerRateLimiter(double tokensPerSecond, int burst, TimeProvider time)
{
    private const int MaxTrackedPeers = 10_000;
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool TryAcquire(string peer, string protocol)
    {
        var key = protocol + "\n" + peer;
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                if (_buckets.Count >= MaxTrackedPeers)
                {
                    DropFullBuckets(now);
                }

                bucket = new Bucket { Tokens = burst, Updated = now };
                _buckets[key] = bucket;
            }

            var elapsed = time.GetElapsedTime(bucket.Updated, now).TotalSeconds;
            bucket.Tokens = Math.Min(burst, bucket.Tokens + elapsed * tokensPerSecond);
            bucket.Updated = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }

    private void DropFullBuckets(long now)
    {
        var idle = _buckets
            .Where(pair => pair.Value.Tokens + time.GetElapsedTime(pair.Value.Updated, now).TotalSeconds * tokensPerSecond >= burst)
            .Select(pair => pair.Key)
            .ToList();
        foreach (var key in idle)
        {
            _buckets.Remove(key);
        }

        if (_buckets.Count >= MaxTrackedPeers)
        {
            // Every tracked peer is busy: start over rather than grow without bound.
            _buckets.Clear();
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Updated { get; set; }
    }
}
