namespace TcrToolkit.Testing.Hardhat;

/// <summary>
/// One Hardhat node per test collection, on a free loopback port. A test assembly that uses it declares the collection
/// (<c>[CollectionDefinition(HardhatNodeFixture.CollectionName)] class … : ICollectionFixture&lt;HardhatNodeFixture&gt;</c>),
/// since xunit finds collection definitions only in the test assembly; tests keep their independence with
/// <c>evm_snapshot</c>/<c>evm_revert</c> (see <see cref="HardhatTest"/>).
/// </summary>
public sealed class HardhatNodeFixture : IAsyncLifetime
{
    /// <summary>The name of the test collection that shares the node.</summary>
    public const string CollectionName = "Hardhat node";

    /// <summary>Hardhat's default funded account 0 (a published development key).</summary>
    public const string Account0Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    /// <summary>Hardhat's default funded account 1.</summary>
    public const string Account1Key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    private HardhatNode? _node;

    private HardhatNode Node => _node ?? throw new InvalidOperationException("The Hardhat node has not started.");

    /// <summary>The JSON-RPC endpoint over HTTP.</summary>
    public Uri HttpEndpoint => Node.HttpEndpoint;

    /// <summary>The JSON-RPC endpoint over WebSocket.</summary>
    public Uri WebSocketEndpoint => Node.WebSocketEndpoint;

    /// <summary>The node's TCP port on 127.0.0.1.</summary>
    public int Port => Node.Port;

    /// <inheritdoc />
    public async Task InitializeAsync() => _node = await HardhatNode.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    /// <summary>The node's last output lines, for failure messages.</summary>
    public string Output() => Node.Output();
}
