using TcrToolkit.Ethereum;

namespace TcrToolkit.Events;

/// <summary>Settings of a <see cref="RegistryMirror"/>.</summary>
public sealed class RegistryMirrorOptions
{
    /// <summary>The default of <see cref="MaxStaleness"/>: one minute.</summary>
    public static readonly TimeSpan DefaultMaxStaleness = TimeSpan.FromMinutes(1);

    /// <summary>The registry contract.</summary>
    public Address Registry { get; set; }

    /// <summary>The SQLite file of the mirror.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// How deep a block must be before the mirror adds what it lists. Removals apply at once, whatever the depth.
    /// </summary>
    public int ConfirmationDepth { get; set; } = 2;

    /// <summary>The page size of the cold-start enumeration, and of its batched <c>listing</c> reads.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>
    /// How long the mirror keeps trusting its state after the node last confirmed it (each poll, at most
    /// <see cref="RegistryEventsOptions.PollInterval"/> apart, confirms that the chain still holds the mirrored blocks).
    /// When the node stays unreachable longer, <see cref="RegistryMirror.IsTrusted"/> answers <c>false</c> for every
    /// node id until the node answers again and the chain is checked. Default one minute; it cannot be infinite.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = DefaultMaxStaleness;

    /// <summary>
    /// The longest wait between two attempts after a failure (a rebuild that fails, a node that does not answer); the
    /// waits start at <see cref="RegistryEventsOptions.RetryDelay"/> and double up to this. Default 30 seconds.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Settings of the underlying event stream (its registry and depth are set by the mirror).</summary>
    public RegistryEventsOptions Stream { get; set; } = new();

    /// <summary>The clock of the mirror and its stream (staleness, retries, polling): <see cref="RegistryEventsOptions.TimeProvider"/>.</summary>
    internal TimeProvider TimeProvider => Stream.TimeProvider;

    internal RegistryEventsOptions StreamOptions() => new()
    {
        Registry = Registry,
        ConfirmationDepth = 0,
        PollInterval = Stream.PollInterval,
        RetryDelay = Stream.RetryDelay,
        WebSocketEndpoint = Stream.WebSocketEndpoint,
        WebSocketOptions = Stream.WebSocketOptions,
        InitialChunkSize = Stream.InitialChunkSize,
        MaxChunkSize = Stream.MaxChunkSize,
        ReadAhead = Stream.ReadAhead,
        ReorgWindow = Math.Max(Stream.ReorgWindow, ConfirmationDepth + 1),
        TimeProvider = Stream.TimeProvider,
        ProgressDepth = ConfirmationDepth,
    };

    /// <summary>The problems of these settings, each saying what to set; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Registry == Address.Zero)
        {
            problems.Add("Set Registry to the registry contract's address.");
        }

        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            problems.Add("Set DatabasePath to the mirror's SQLite file.");
        }

        if (ConfirmationDepth is < 0 or > 1024)
        {
            problems.Add($"ConfirmationDepth must be between 0 and 1024, not {ConfirmationDepth}.");
        }

        if (PageSize < 1)
        {
            problems.Add($"PageSize must be at least 1, not {PageSize}.");
        }

        if (MaxStaleness <= TimeSpan.Zero || MaxStaleness == Timeout.InfiniteTimeSpan || MaxStaleness > TimeSpan.FromDays(1))
        {
            problems.Add($"MaxStaleness must be positive and at most a day, not {MaxStaleness}: a mirror must stop trusting a node it cannot reach.");
        }

        if (MaxRetryDelay <= TimeSpan.Zero)
        {
            problems.Add($"MaxRetryDelay must be positive, not {MaxRetryDelay}.");
        }

        if (Stream is null)
        {
            problems.Add("Stream must not be null.");
        }
        else if (Stream.PollInterval >= MaxStaleness)
        {
            problems.Add($"Stream.PollInterval ({Stream.PollInterval}) must be shorter than MaxStaleness ({MaxStaleness}), or the mirror would distrust a healthy node between polls.");
        }

        return problems;
    }

    internal void Validate()
    {
        if (Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        StreamOptions().Validate();
    }
}
