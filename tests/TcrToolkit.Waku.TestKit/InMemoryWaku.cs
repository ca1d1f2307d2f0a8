namespace TcrToolkit.Waku.TestKit;

/// <summary>Connects a <see cref="WakuClient"/> to a <see cref="WakuStoreNode"/> over in-memory streams.</summary>
public static class InMemoryWaku
{
    public static WakuStreamOpener Connect(WakuStoreNode node, string clientPeer = "client-peer") => (protocol, cancellationToken) =>
    {
        var (client, server) = DuplexPipe.Create();
        Func<Stream, string, CancellationToken, Task> serve = protocol switch
        {
            WakuProtocols.StoreQuery => node.ServeStoreQueryAsync,
            WakuProtocols.LightPush => node.ServeLightPushAsync,
            WakuProtocols.LightPushV2Beta1 => node.ServeLightPushV2Beta1Async,
            WakuProtocols.Metadata => node.ServeMetadataAsync,
            _ => throw new NotSupportedException(protocol),
        };
        cancellationToken.ThrowIfCancellationRequested();
        _ = Task.Run(
            async () =>
            {
                await using (server)
                {
                    await serve(server, clientPeer, CancellationToken.None);
                }
            },
            CancellationToken.None);
        return Task.FromResult(client);
    };
}
