using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>Runs the registered <see cref="RegistryMirror"/> for the host's lifetime (<c>AddRegistryMirror</c>).</summary>
public sealed class RegistryMirrorService(RegistryMirror mirror) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => mirror.RunAsync(stoppingToken);
}

/// <summary>
/// Reads the registry event stream for the host's lifetime and hands each update to the registered
/// <see cref="IRegistryUpdateHandler"/> (<c>AddRegistryEventStream</c>). A stream that fails (a handler's exception,
/// a reorganisation deeper than its memory) is logged and started again from its store after a back-off.
/// </summary>
public sealed class RegistryEventStreamService(
    RpcClient client,
    IRegistryUpdateHandler handler,
    IOptions<RegistryEventStreamOptions> options,
    TimeProvider time,
    ILogger<RegistryEventStreamService>? logger = null,
    ILogger<RegistryEvents>? streamLogger = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var store = settings.CheckpointPath is { } path ? SqliteRegistryCheckpointStore.Open(path) : null;
        IRegistryCheckpointStore position = store is null ? new InMemoryRegistryCheckpointStore() : store;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var events = new RegistryEvents(client, settings.Stream, position, streamLogger);
                var start = await RegistryEvents.GetCheckpointAsync(client, settings.StartAfterBlock, stoppingToken).ConfigureAwait(false);
                await foreach (var update in events.ReadAsync(start, stoppingToken).ConfigureAwait(false))
                {
                    await handler.HandleAsync(update, stoppingToken).ConfigureAwait(false);
                    attempt = 0;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var first = settings.Stream.RetryDelay > TimeSpan.Zero ? settings.Stream.RetryDelay : TimeSpan.FromMilliseconds(10);
                var delay = TimeSpan.FromTicks((long)Math.Min(first.Ticks * Math.Pow(2, Math.Min(attempt++, 30)), settings.MaxRetryDelay.Ticks));
                RegistryLog.StreamRestarting(_logger, ex.Message, delay, ex);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
