using System.Collections.Concurrent;
using TcrToolkit.Ethereum;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Client;

/// <summary>
/// The client's libp2p connections to mail servers, one per server, opened on first use. Every address is dialled with
/// the server's peer id, so the Noise handshake fails unless the key behind the address is the listed node key; the
/// node id of the key that answered is checked against the listing once more.
/// </summary>
public sealed class MailServerConnections : IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly ConcurrentDictionary<Bytes32, Libp2pConnection> _connections = new();

    /// <summary>Creates the connection cache on a libp2p host (the client's own key).</summary>
    public MailServerConnections(Libp2pHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    /// <summary>An open connection to the server, dialling its addresses in order when none is open.</summary>
    /// <exception cref="MailServerIdentityException">The key that answered is not the listed node key.</exception>
    /// <exception cref="Libp2pException">No address could be reached.</exception>
    public async Task<Libp2pConnection> ConnectAsync(MailServerCandidate server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (_connections.TryGetValue(server.NodeId, out var open) && !open.IsClosed)
        {
            return open;
        }

        Exception? lastError = null;
        foreach (var text in server.Addresses)
        {
            if (!Multiaddr.TryParse(text, out var address) || address.PeerId is null)
            {
                continue;
            }

            Libp2pConnection connection;
            try
            {
                connection = await _host.DialAsync(address, cancellationToken).ConfigureAwait(false);
            }
            catch (PeerIdMismatchException error)
            {
                throw new MailServerIdentityException(server.NodeId, $"the key at {address.WithoutPeerId()} is not the listed node key ({error.Message})", error);
            }
            catch (Exception error) when (error is Libp2pException or IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                lastError = error;
                continue;
            }

            if (connection.RemotePeer.Secp256k1PublicKey is not { } key || key.NodeId != server.NodeId)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new MailServerIdentityException(server.NodeId, $"{address.WithoutPeerId()} answered with the key of peer {connection.RemotePeer}");
            }

            if (_connections.TryGetValue(server.NodeId, out var previous))
            {
                await previous.DisposeAsync().ConfigureAwait(false);
            }

            _connections[server.NodeId] = connection;
            return connection;
        }

        throw new Libp2pException($"No address of mail server {server.NodeId} could be reached ({server.Addresses.Count} tried).", lastError);
    }

    /// <summary>Closes the connection to a server (evicted, or misbehaved).</summary>
    public async Task CloseAsync(Bytes32 nodeId)
    {
        if (_connections.TryRemove(nodeId, out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _connections.Keys)
        {
            await CloseAsync(id).ConfigureAwait(false);
        }
    }
}

/// <summary>A server's address answered with another key than its registry listing's: it is not used.</summary>
public sealed class MailServerIdentityException(Bytes32 nodeId, string reason, Exception? inner = null)
    : Exception($"Mail server {nodeId} refused: {reason}.", inner)
{
    /// <summary>The listed node id the address claimed.</summary>
    public Bytes32 NodeId { get; } = nodeId;
}
