using System.Text.Json.Nodes;
using TcrToolkit.Testing.Peers;

namespace TcrToolkit.Discovery.Tests.Support;

/// <summary>The kit's @chainsafe/discv5 driver (<see cref="ChainsafeDiscv5Peer"/>), with its records parsed as <see cref="Enr"/>.</summary>
internal sealed class ChainsafePeer(ChainsafeDiscv5Peer peer) : IAsyncDisposable
{
    public static async Task<ChainsafePeer> StartAsync() => new(await ChainsafeDiscv5Peer.StartAsync(TimeSpan.FromSeconds(30)));

    public static List<Enr> Records(JsonObject response) => [.. ChainsafeDiscv5Peer.RecordTexts(response).Select(Enr.Parse)];

    public Task<JsonObject> SendAsync(string command, object? arguments = null, int timeoutSeconds = 30) =>
        peer.SendAsync(command, arguments, timeoutSeconds);

    public async Task<List<(int Index, Enr Record)>> StartNodesAsync(int count) =>
        [.. (await peer.StartNodesAsync(count)).Select(n => (n.Index, Enr.Parse(n.Enr)))];

    public ValueTask DisposeAsync() => peer.DisposeAsync();
}
