using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;
using TcrToolkit.Registry;

using static TcrToolkit.Registry.Formatting;

namespace TcrToolkit;

/// <summary>An account's token balance, votes and allowances towards the registry and the governor.</summary>
public sealed record TokenBalance(Address Account, UInt256 Balance, UInt256 Votes, Address Delegate, UInt256 RegistryAllowance, UInt256 GovernorAllowance, UInt256 Ether);

/// <summary>The deployment's token, for one account: balances, transfers, approvals and delegation.</summary>
public sealed class TokenAccount
{
    private readonly TcrAccount _account;

    /// <summary>Creates the token role of <paramref name="account"/>.</summary>
    public TokenAccount(TcrAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
    }

    private TcrConnection Connection => _account.Connection;

    /// <summary>The token balance, votes, delegate, allowances and ether of <paramref name="owner"/>.</summary>
    public static async Task<TokenBalance> GetBalanceAsync(TcrConnection connection, Address owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var token = connection.TokenContract;
        return new TokenBalance(
            owner,
            await token.BalanceOfAsync(owner, cancellationToken: cancellationToken).ConfigureAwait(false),
            await token.GetVotesAsync(owner, cancellationToken: cancellationToken).ConfigureAwait(false),
            await token.DelegatesAsync(owner, cancellationToken: cancellationToken).ConfigureAwait(false),
            await token.AllowanceAsync(owner, connection.Registry, cancellationToken: cancellationToken).ConfigureAwait(false),
            await token.AllowanceAsync(owner, connection.Governor, cancellationToken: cancellationToken).ConfigureAwait(false),
            await connection.Client.GetBalanceAsync(owner, BlockTag.Latest, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Sends <paramref name="amount"/> tokens to <paramref name="to"/>.</summary>
    /// <exception cref="PreflightException">A zero recipient or amount, or too few tokens.</exception>
    public async Task<TransactionReceipt> TransferAsync(Address to, UInt256 amount, CancellationToken cancellationToken = default)
    {
        const string Action = "transfer";
        if (to == Address.Zero)
        {
            throw new InvalidRequestException(Action, "the recipient is the zero address, which would burn the tokens; give a real address.");
        }

        if (amount.IsZero)
        {
            throw new InvalidRequestException(Action, "the amount is zero; transfer a positive amount.");
        }

        var balance = await Connection.TokenContract.BalanceOfAsync(_account.Address, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (balance < amount)
        {
            throw new InsufficientFundsException(Action, $"the account holds {Tokens(balance)}, less than {Tokens(amount)}; transfer at most that.");
        }

        return await _account.SendAsync(Action, Connection.Token, TcrToken.EncodeTransfer(to, amount), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lets <paramref name="spender"/> take up to <paramref name="amount"/> tokens (replacing any earlier allowance).</summary>
    /// <exception cref="InvalidRequestException">The spender is the zero address.</exception>
    public Task<TransactionReceipt> ApproveAsync(Address spender, UInt256 amount, CancellationToken cancellationToken = default)
    {
        if (spender == Address.Zero)
        {
            throw new InvalidRequestException("approve", "the spender is the zero address; approve the registry or the governor.");
        }

        return _account.SendAsync("approve", Connection.Token, TcrToken.EncodeApprove(spender, amount), cancellationToken);
    }

    /// <summary>Delegates the account's votes to <paramref name="delegatee"/> (itself to vote in person).</summary>
    /// <exception cref="InvalidRequestException">The delegatee is the zero address.</exception>
    public Task<TransactionReceipt> DelegateAsync(Address delegatee, CancellationToken cancellationToken = default)
    {
        if (delegatee == Address.Zero)
        {
            throw new InvalidRequestException("delegate", "the zero address cannot vote; delegate to yourself or to another voter.");
        }

        return _account.SendAsync("delegate", Connection.Token, TcrToken.EncodeDelegate(delegatee), cancellationToken);
    }
}
