using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Testing.Hardhat;

/// <summary>
/// Base of the tests against the collection's Hardhat node: an HTTP client, account 0's key, and an <c>evm_snapshot</c>
/// taken before the test and restored after it, so that no test sees another's blocks or nonces.
/// </summary>
/// <param name="node">The collection's node.</param>
[Collection(HardhatNodeFixture.CollectionName)]
[Trait("Category", "Integration")]
public abstract class HardhatTest(HardhatNodeFixture node) : IAsyncLifetime
{
    private string? _snapshot;

    /// <summary>The collection's node.</summary>
    protected HardhatNodeFixture Node { get; } = node;

    /// <summary>An HTTP client of the node, for this test.</summary>
    protected RpcClient Client { get; private set; } = null!;

    /// <summary>Hardhat's account 0.</summary>
    protected PrivateKey Key { get; } = PrivateKey.ParseHex(HardhatNodeFixture.Account0Key);

    /// <summary>Fast polling: Hardhat mines on every transaction.</summary>
    /// <param name="confirmations">Blocks to wait for.</param>
    protected static TransactionSenderOptions FastPolling(int confirmations = 1) => new()
    {
        Confirmations = confirmations,
        PollInterval = TimeSpan.FromMilliseconds(20),
        ReceiptTimeout = TimeSpan.FromSeconds(30),
    };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Client = RpcClient.CreateHttp(Node.HttpEndpoint);
        _snapshot = await Client.SnapshotAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_snapshot is not null)
        {
            (await Client.RevertToSnapshotAsync(_snapshot)).Should().BeTrue();
        }

        await Client.DisposeAsync();
        Key.Dispose();
    }

    /// <summary>Deploys <see cref="RpcProbeContract"/> from account 0 and returns its address.</summary>
    protected async Task<Address> DeployProbeAsync()
    {
        var sender = new TransactionSender(Client, Key, FastPolling());
        var receipt = await sender.SendAndWaitAsync(new TransactionRequest { Data = RpcProbeContract.CreationCode });
        return receipt.ContractAddress ?? throw new InvalidOperationException("The deployment receipt has no contract address.");
    }
}
