using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// Sets up state the commands under test act on (a listing, a challenge) through the service layer, with Hardhat's
/// mnemonic keys, and reads results back, so that tests need no other team's commands.
/// </summary>
internal sealed class DevnetLibrary : IDisposable
{
    private readonly HdWallet _wallet = HdWallet.FromMnemonic(TcrProcess.HardhatMnemonic);
    private readonly List<PrivateKey> _keys = [];

    private DevnetLibrary(DevnetFixture devnet, TcrConnection connection, DeploymentManifest manifest)
    {
        Devnet = devnet;
        Connection = connection;
        Manifest = manifest;
    }

    public DevnetFixture Devnet { get; }

    public TcrConnection Connection { get; }

    public DeploymentManifest Manifest { get; }

    /// <summary>The registry's deployment block.</summary>
    public ulong DeploymentBlock => Manifest.Registry.BlockNumber ?? 0;

    public static async Task<DevnetLibrary> ConnectAsync(DevnetFixture devnet)
    {
        var manifest = DeploymentManifest.Parse(devnet.ManifestJson);
        var deployment = new TcrDeployment(manifest.ChainId, manifest.Registry.Address, manifest.Voting?.Address, manifest.Token?.Address, manifest.Governor?.Address);
        return new DevnetLibrary(devnet, await TcrConnection.ConnectAsync(devnet.Client, deployment), manifest);
    }

    /// <summary>Hardhat mnemonic account <paramref name="index"/> as a signing account.</summary>
    public TcrAccount Account(int index)
    {
        var key = _wallet.DeriveAccount(index);
        _keys.Add(key);
        return Connection.Account(key, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
    }

    public Address Address(int index) => Account(index).Address;

    /// <summary>Account 1 applies a fresh node with 100 tokens; returns its node id.</summary>
    public async Task<Bytes32> ApplyAsync()
    {
        using var nodeKey = PrivateKey.Generate();
        var applied = await new MailServerOperator(Account(1)).ApplyAsync(nodeKey, EthUnits.ParseEther("100"));
        return applied.NodeId;
    }

    /// <summary>Account 1 applies a node and account 2 challenges it; returns the node and the challenge (its poll id).</summary>
    public async Task<(Bytes32 NodeId, ChallengeResult Challenge)> ApplyAndChallengeAsync()
    {
        var nodeId = await ApplyAsync();
        var challenge = await new RegistryChallenger(Account(2)).ChallengeAsync(nodeId, "open relay"u8.ToArray());
        return (nodeId, challenge);
    }

    /// <summary>How many transactions the account has sent: unchanged means nothing was sent.</summary>
    public Task<ulong> NonceAsync(int index) => Devnet.Client.GetTransactionCountAsync(Address(index), BlockTag.Latest);

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }

        _wallet.Dispose();
    }
}
