using System.Net;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests.Support;

/// <summary>Starts our nodes on loopback with test-friendly settings and stops them together.</summary>
internal sealed class TestNodes : IAsyncDisposable
{
    private readonly List<(Discv5Node Node, PrivateKey Key)> _nodes = [];

    public IReadOnlyList<Discv5Node> Nodes => _nodes.Select(n => n.Node).ToList();

    public async Task<Discv5Node> StartAsync(Action<Discv5Options>? configure = null, string ip = "127.0.0.1")
    {
        var key = PrivateKey.Generate();
        var options = new Discv5Options
        {
            PrivateKey = key,
            BindEndPoint = new IPEndPoint(IPAddress.Parse(ip), 0),
            LivenessCheckInterval = Timeout.InfiniteTimeSpan,
            RefreshInterval = Timeout.InfiniteTimeSpan,

            // Every peer in these tests is alive, so a timeout only ever means a loaded machine: wait long. Tests of the
            // timeout itself set their own, on a FakeTimeProvider.
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        var node = await Discv5Node.StartAsync(options);
        _nodes.Add((node, key));
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (node, key) in _nodes)
        {
            await node.DisposeAsync();
            key.Dispose();
        }
    }
}
