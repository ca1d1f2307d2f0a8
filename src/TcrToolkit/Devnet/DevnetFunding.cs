using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum.Wallets;

namespace TcrToolkit.Devnet;

/// <summary>What <see cref="DevnetFunding.FundAsync"/> did.</summary>
/// <param name="Account">The funded account.</param>
/// <param name="Ether">Its ether balance afterwards, in wei.</param>
/// <param name="Tokens">Its token balance afterwards, in base units.</param>
/// <param name="TokenTransaction">The deployer's token transfer, or <c>null</c> when no tokens were asked for.</param>
public sealed record DevnetFundResult(Address Account, UInt256 Ether, UInt256 Tokens, Bytes32? TokenTransaction);

/// <summary>
/// Funds an account on a devnet (a Hardhat node, chain 31337): ether by <c>hardhat_setBalance</c> (no transaction, so
/// nobody's ether is spent) and registry tokens sent by the deployer, account 0 of the published Hardhat mnemonic.
/// A new keystore wallet has neither, and cannot send a transaction without ether.
/// </summary>
public static class DevnetFunding
{
    /// <summary>The devnet's chain id: funding is refused on any other chain.</summary>
    public const ulong ChainId = 31337;

    /// <summary>Adds <paramref name="ether"/> to <paramref name="account"/>'s balance and sends it <paramref name="tokens"/>.</summary>
    /// <param name="client">The devnet node.</param>
    /// <param name="token">The registry token.</param>
    /// <param name="account">The account to fund.</param>
    /// <param name="ether">Wei to add (zero for none).</param>
    /// <param name="tokens">Token base units to send from the deployer (zero for none).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <exception cref="DevnetException">The node is not a devnet (another chain id), or the deployer lacks the tokens.</exception>
    public static async Task<DevnetFundResult> FundAsync(
        RpcClient client, Address token, Address account, UInt256 ether, UInt256 tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var chainId = await client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (chainId != ChainId)
        {
            throw new DevnetException($"The node at {client.Transport.Endpoint} is on chain {chainId}, not a devnet ({ChainId}); only a devnet's accounts can be funded this way.");
        }

        var balance = await client.GetBalanceAsync(account, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        if (!ether.IsZero)
        {
            balance += ether;
            var newBalance = balance;
            await client.SendAsync(
                () => new RpcCall<bool>(
                    "hardhat_setBalance",
                    w =>
                    {
                        w.WriteStringValue(account.ToString());
                        w.WriteStringValue(Hex.EncodeQuantity(newBalance));
                    },
                    _ => true,
                    isReadOnly: false),
                cancellationToken).ConfigureAwait(false);
        }

        Bytes32? transfer = null;
        if (!tokens.IsZero)
        {
            using var wallet = HdWallet.FromMnemonic(DevnetHost.Mnemonic);
            using var deployer = wallet.DeriveAccount(0);
            var reader = new Generated.TcrToken(client, token);
            var available = await reader.BalanceOfAsync(deployer.Address, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (available < tokens)
            {
                throw new DevnetException($"The devnet's deployer {deployer.Address} holds only {EthUnits.FormatEther(available)} tokens, fewer than the {EthUnits.FormatEther(tokens)} asked for; ask for fewer tokens.");
            }

            var sender = new TransactionSender(client, deployer, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
            var receipt = await new Generated.TcrToken(client, token, sender).SendTransferAsync(account, tokens, cancellationToken: cancellationToken).ConfigureAwait(false);
            transfer = receipt.TransactionHash;
        }

        var tokenBalance = await new Generated.TcrToken(client, token).BalanceOfAsync(account, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new DevnetFundResult(account, balance, tokenBalance, transfer);
    }
}
