using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.DependencyInjection;

/// <summary>
/// Connects to the configured deployment once, on first use, and hands out the same <see cref="TcrConnection"/>
/// afterwards. A failed connection is not cached: the next call tries again. When an <see cref="IAccountSigner"/> is
/// registered (for example by TcrToolkit.Nethereum's <c>UseNethereum</c>), it also hands out that signer's one shared
/// <see cref="TcrAccount"/>.
/// </summary>
public sealed class TcrConnectionProvider(RpcClient client, TcrDeployment deployment, IAccountSigner? signer = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TcrConnection? _connection;
    private TcrAccount? _account;

    /// <summary>
    /// The account of the registered <see cref="IAccountSigner"/> on the connection: one instance, shared, since an
    /// account tracks its nonce.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="IAccountSigner"/> is registered.</exception>
    /// <exception cref="TcrConfigurationException">The node does not serve the configured deployment.</exception>
    public async Task<TcrAccount> GetAccountAsync(CancellationToken cancellationToken = default)
    {
        if (signer is null)
        {
            throw new InvalidOperationException("No IAccountSigner is registered: register one (services.AddSingleton<IAccountSigner>(...), or UseNethereum with an account) or make the account with TcrConnection.Account.");
        }

        var connection = await GetAsync(cancellationToken).ConfigureAwait(false);
        var account = connection.Account(signer);
        return Interlocked.CompareExchange(ref _account, account, null) ?? account;
    }

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
