namespace TcrToolkit.Waku;

/// <summary>Limits and identity of a Waku store node's services; <see cref="Validate"/> runs when a service starts.</summary>
public sealed class WakuServiceOptions
{
    /// <summary>The largest WakuMessage accepted, serialized (nwaku's default is 150 KiB).</summary>
    public int MaxMessageSize { get; set; } = 150 * 1024;

    /// <summary>The largest page a store query returns; a larger or unset request limit gets this.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>The most content topics one store query may name.</summary>
    public int MaxContentTopicsPerQuery { get; set; } = 100;

    /// <summary>The most message hashes one lookup query may name.</summary>
    public int MaxHashesPerQuery { get; set; } = 100;

    /// <summary>How far a pushed message's timestamp may be from the receive time (RFC 13 allows refusing beyond 20 s).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a peer has to send its request; a slow or silent peer's stream is closed after this.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests each peer may make per second on each protocol (token bucket refill rate).</summary>
    public double RequestsPerSecondPerPeer { get; set; } = 100;

    /// <summary>The burst each peer may make before the rate applies.</summary>
    public int RequestBurstPerPeer { get; set; } = 200;

    /// <summary>The cluster id announced by the metadata protocol.</summary>
    public uint ClusterId { get; set; }

    /// <summary>The shards announced by the metadata protocol.</summary>
    public IList<uint> Shards { get; } = [];

    /// <summary>The pubsub topics LightPush accepts; empty accepts any topic.</summary>
    public IList<string> PubsubTopics { get; } = [];

    /// <summary>The largest request frame: a message plus room for the envelope.</summary>
    public int MaxRequestFrame => MaxMessageSize + 64 * 1024;

    /// <summary>Throws when a limit is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPageSize, 1, nameof(MaxPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxContentTopicsPerQuery, 1, nameof(MaxContentTopicsPerQuery));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHashesPerQuery, 1, nameof(MaxHashesPerQuery));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TimestampTolerance, TimeSpan.Zero, nameof(TimestampTolerance));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestsPerSecondPerPeer, 0, nameof(RequestsPerSecondPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestBurstPerPeer, 1, nameof(RequestBurstPerPeer));
    }
}
