using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Tests.Events;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Services;

/// <summary>
/// Base of the service-layer integration tests: the shared chain (reverted after each test), a connection through
/// the public API, and fresh accounts funded with ether and tokens but with no approval and no delegation — so every
/// step a real user needs goes through the service layer.
/// </summary>
public abstract class ServiceTest(RegistryChainFixture fixture) : RegistryChainTest(fixture)
{
    private readonly List<IDisposable> _owned = [];

    protected static readonly UInt256 Tokens1 = RegistryTestbed.Unit;

    protected static UInt256 Tokens(ulong whole) => (UInt256)whole * RegistryTestbed.Unit;

    protected async Task<TcrConnection> ConnectAsync() => await TcrConnection.ConnectAsync(Chain.Client, Chain.Deployment);

    /// <summary>A fresh key with 10 ether and <paramref name="tokens"/> whole tokens.</summary>
    protected async Task<TcrAccount> NewAccountAsync(TcrConnection connection, ulong tokens)
    {
        var key = Own(PrivateKey.Generate());
        await Chain.FundAsync(key.Address, EthUnits.ParseEther("10"), Tokens(tokens));
        return connection.Account(key, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(10), ReceiptTimeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>A voter with <paramref name="tokens"/> whole tokens, delegated to itself through the service layer.</summary>
    protected async Task<TcrVoter> NewVoterAsync(TcrConnection connection, ulong tokens, string? vaultPath = null)
    {
        var account = await NewAccountAsync(connection, tokens);
        var voter = new TcrVoter(account, OpenVault(vaultPath ?? TempPath($"salts-{account.Address}.db")));
        (await voter.SetUpAsync()).Should().NotBeNull("a fresh account has not delegated yet");
        return voter;
    }

    protected SaltVault OpenVault(string path) => Own(SaltVault.Open(path));

    protected static async Task<UInt256> BalanceAsync(TcrConnection connection, Address account) =>
        (await TokenAccount.GetBalanceAsync(connection, account)).Balance;

    protected T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public override async Task DisposeAsync()
    {
        foreach (var disposable in _owned)
        {
            disposable.Dispose();
        }

        await base.DisposeAsync();
    }
}
