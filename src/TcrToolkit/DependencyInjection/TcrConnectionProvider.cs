using TcrToolkit.Configuration;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.DependencyInjection;

/// <summary>
/// Connects to the configured deployment once, on first use, and hands out the same <see cref="TcrConnection"/>
/// afterwards. A failed connection is not cached: the next call tries again.
/// </summary>
public sealed class TcrConnectionProvider(RpcClient client, TcrDeployment deployment) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TcrConnection? _connection;

    /// <summary>The connection, checked against the node (chain id, registry code) the first time.</summary>
    /// <exception cref="TcrConfigurationException">The node does not serve the configured deployment.</exception>
    public async Task<TcrConnection> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { } connection)
        {
            return connection;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _connection ??= await TcrConnection.ConnectAsync(client, deployment, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
