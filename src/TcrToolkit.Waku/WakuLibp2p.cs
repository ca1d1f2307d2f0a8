using TcrToolkit.Libp2p;

namespace TcrToolkit.Waku;

/// <summary>Puts the Waku services on a libp2p host and points a <see cref="WakuClient"/> at a libp2p connection.</summary>
public static class WakuLibp2p
{
    /// <summary>
    /// Registers Store v3, LightPush v3 and 2.0.0-beta1, and Metadata on <paramref name="host"/>, served by
    /// <paramref name="node"/>. Identify then announces them, which js-waku needs to pick this node.
    /// </summary>
    /// <param name="host">The libp2p host.</param>
    /// <param name="node">The services.</param>
    /// <returns>The host, for chaining.</returns>
    public static Libp2pHost AddWakuStoreNode(this Libp2pHost host, WakuStoreNode node)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(node);
        host.Handle(WakuProtocols.StoreQuery, (incoming, ct) => node.ServeStoreQueryAsync(incoming.Stream, incoming.RemotePeer.ToString(), ct));
        host.Handle(WakuProtocols.LightPush, (incoming, ct) => node.ServeLightPushAsync(incoming.Stream, incoming.RemotePeer.ToString(), ct));
        host.Handle(WakuProtocols.LightPushV2Beta1, (incoming, ct) => node.ServeLightPushV2Beta1Async(incoming.Stream, incoming.RemotePeer.ToString(), ct));
        host.Handle(WakuProtocols.Metadata, (incoming, ct) => node.ServeMetadataAsync(incoming.Stream, incoming.RemotePeer.ToString(), ct));
        return host;
    }

    /// <summary>Opens each request's stream on <paramref name="connection"/>.</summary>
    /// <param name="connection">A connection to a Waku service node.</param>
    /// <returns>The opener for <see cref="WakuClient"/>.</returns>
    public static WakuStreamOpener StreamOpener(this Libp2pConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return async (protocol, cancellationToken) =>
            await connection.OpenStreamAsync(protocol, cancellationToken).ConfigureAwait(false);
    }
}
