using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TcrToolkit.Discovery;
using TcrToolkit.MailServers.Server;

namespace TcrToolkit.MailServers.Hosting;

/// <summary>
/// Runs a <see cref="MailServerHost"/> for the host's lifetime (<c>AddMailServerHost</c>): starts it when the host
/// starts (the store, libp2p, then discovery with a record advertising both), logs its record and, every
/// <see cref="MailServerHostingOptions.StatusLogInterval"/>, its counters; stops it cleanly when the host stops.
/// </summary>
public sealed class MailServerHostService : IHostedService, IAsyncDisposable
{
    private readonly MailServerHostingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<MailServerHost> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _stopping;
    private Task? _statusLoop;
    private MailServerHost? _host;

    /// <summary>Creates the service.</summary>
    public MailServerHostService(IOptions<MailServerHostingOptions> options, TimeProvider? time = null, ILogger<MailServerHostService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The running server, once started (its node id, record, addresses, node proofs, health).</summary>
    public Task<MailServerHost> Server => _started.Task;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Server;
        foreach (var bootnode in _options.Bootnodes)
        {
            options.Bootnodes.Add(Enr.Parse(bootnode));
        }

        try
        {
            _host = await MailServerHost.StartAsync(options, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
            throw;
        }

        MailServersLog.ServerStarted(_logger, _host.NodeId.ToString(), string.Join(", ", _host.ListenAddresses), _host.Record.Sequence, _host.Record.ToString());
        _stopping = new CancellationTokenSource();
        _statusLoop = LogStatusAsync(_host, _stopping.Token);
        _started.TrySetResult(_host);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, null) is { } stopping)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await _statusLoop!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stopping.Dispose();
        }

        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            var nodeId = host.NodeId.ToString();
            await host.DisposeAsync().ConfigureAwait(false);
            MailServersLog.ServerStopped(_logger, nodeId);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task LogStatusAsync(MailServerHost host, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.StatusLogInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var h = await host.GetHealthAsync(cancellationToken).ConfigureAwait(false);
                MailServersLog.ServerStatus(_logger, host.NodeId.ToString(), h.StoredMessages, h.PeersServed, h.QueriesServed, h.QueriesPerSecond, h.PushesServed, h.Connections);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MailServersLog.StatusFailed(_logger, host.NodeId.ToString(), e.Message, e);
            }
        }
    }
}
