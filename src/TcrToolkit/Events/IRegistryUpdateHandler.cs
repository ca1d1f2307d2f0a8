namespace TcrToolkit.Events;

/// <summary>Receives the updates of a hosted registry event stream (<c>AddRegistryEventStream</c>), one at a time, in order.</summary>
public interface IRegistryUpdateHandler
{
    /// <summary>Processes one update; the stream counts it as processed once this returns.</summary>
    Task HandleAsync(RegistryUpdate update, CancellationToken cancellationToken);
}

/// <summary>Settings of a hosted registry event stream.</summary>
public sealed class RegistryEventStreamOptions
{
    /// <summary>The stream's settings (the registry, depth and WebSocket come from <c>AddTcrToolkit</c> unless set here).</summary>
    public RegistryEventsOptions Stream { get; set; } = new();

    /// <summary>The SQLite checkpoint store, so that a restart resumes where the handler left off; <c>null</c> keeps the position in memory.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>The block after which the stream starts when the store holds no position (for example the block before the registry's deployment).</summary>
    public ulong StartAfterBlock { get; set; }

    /// <summary>The longest wait before the stream is started again after it failed. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
