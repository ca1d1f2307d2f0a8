using System.Text.Json.Nodes;
using TcrToolkit.Discovery;
using TcrToolkit.Testing.Peers;

namespace TcrToolkit.MailServers.Bench;

/// <summary>The test kit's @chainsafe/discv5 driver (<see cref="ChainsafeDiscv5Peer"/>), with its records parsed as <see cref="Enr"/>.</summary>
internal sealed class ChainsafePeer(ChainsafeDiscv5Peer peer) : IAsyncDisposable
{
    public int ProcessId => peer.ProcessId;

    public static async Task<ChainsafePeer> StartAsync() => new(await ChainsafeDiscv5Peer.StartAsync());

    public Task<JsonObject> SendAsync(string command, object? arguments = null, int timeoutSeconds = 60) =>
        peer.SendAsync(command, arguments, timeoutSeconds);

    public async Task<List<(int Index, Enr Record)>> StartNodesAsync(int count) =>
        [.. (await peer.StartNodesAsync(count)).Select(n => (n.Index, Enr.Parse(n.Enr)))];

    public async Task<int> TableSizeAsync(int node) => (await peer.SendAsync("table", new { node }))["enrs"]!.AsArray().Count;

    public ValueTask DisposeAsync() => peer.DisposeAsync();
}
