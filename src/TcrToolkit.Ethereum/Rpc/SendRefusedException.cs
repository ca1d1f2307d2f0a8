using System.Globalization;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// <see cref="TransactionSender.SendAsync"/> refused to sign and send, after a check the caller can act on: the account
/// cannot pay for gas, another transaction of it is pending, or nothing is pending to replace. Nothing was sent.
/// </summary>
public abstract class SendRefusedException : TcrToolkitException
{
    private protected SendRefusedException(string message, Address account)
        : base(message)
    {
        Account = account;
    }

    /// <summary>The sending account.</summary>
    public Address Account { get; }
}

/// <summary>
/// The account's ether does not cover the transaction's value plus its gas at the fee cap (nodes refuse such a
/// transaction): fund the account, then retry.
/// </summary>
public sealed class InsufficientEtherException : SendRefusedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="account">The sending account.</param>
    /// <param name="balance">Its balance in wei.</param>
    /// <param name="required">What the transaction may cost at most, in wei: gas limit × fee cap + value.</param>
    public InsufficientEtherException(Address account, UInt256 balance, UInt256 required)
        : base($"Account {account} has {EthUnits.FormatEther(balance)} ether, but this transaction may cost up to {EthUnits.FormatEther(required)} ether in gas and value; nothing was sent: fund the account with ether, then retry.", account)
    {
        Balance = balance;
        Required = required;
    }

    /// <summary>The account's balance in wei.</summary>
    public UInt256 Balance { get; }

    /// <summary>The transaction's maximum cost in wei: gas limit × fee cap + value.</summary>
    public UInt256 Required { get; }
}

/// <summary>
/// The account has transactions waiting in the node's pool (for example one sent by an interrupted run), from nonce
/// <see cref="MinedNonce"/> up to <see cref="PendingNonce"/>, and the policy was
/// <see cref="PendingTransactionPolicy.Refuse"/>, or <see cref="PendingTransactionPolicy.Replace"/> but the node does not
/// show the pending transaction (<see cref="CanReplace"/> is false). Wait for it, or choose to replace or queue.
/// </summary>
public sealed class PendingTransactionException : SendRefusedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="account">The sending account.</param>
    /// <param name="minedNonce">Its transaction count in the latest block: the first pending nonce.</param>
    /// <param name="pendingNonce">Its transaction count including the pool.</param>
    /// <param name="canReplace">Whether the node shows the pending transaction, so that it can be replaced.</param>
    public PendingTransactionException(Address account, ulong minedNonce, ulong pendingNonce, bool canReplace)
        : base(Describe(account, minedNonce, pendingNonce, canReplace), account)
    {
        MinedNonce = minedNonce;
        PendingNonce = pendingNonce;
        CanReplace = canReplace;
    }

    /// <summary>The account's transaction count in the latest block: the nonce of its first pending transaction.</summary>
    public ulong MinedNonce { get; }

    /// <summary>The account's transaction count including the node's pool.</summary>
    public ulong PendingNonce { get; }

    /// <summary>Whether the node shows the pending transaction's fees, so that a replacement can outbid it.</summary>
    public bool CanReplace { get; }

    private static string Describe(Address account, ulong mined, ulong pending, bool canReplace) =>
        canReplace
            ? $"Account {account} already has {pending - mined} transaction(s) waiting to be mined (nonce {mined.ToString(CultureInfo.InvariantCulture)} onwards); nothing was sent: wait for it, replace it, or send after it."
            : $"Account {account} has a transaction waiting with nonce {mined.ToString(CultureInfo.InvariantCulture)}, but the node does not show it in its pending block, so it cannot be outbid; nothing was sent: wait for it to be mined or dropped.";
}

/// <summary>
/// A replacement was asked for (<see cref="PendingTransactionPolicy.Replace"/>) but the account has nothing pending:
/// the earlier transaction was mined or dropped. Sending anyway could repeat it, so nothing was sent.
/// </summary>
public sealed class NothingToReplaceException : SendRefusedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="account">The sending account.</param>
    /// <param name="nonce">Its transaction count, pool included: the next nonce.</param>
    public NothingToReplaceException(Address account, ulong nonce)
        : base(
            $"Account {account} has no pending transaction to replace (all {nonce.ToString(CultureInfo.InvariantCulture)} of its transactions are mined or dropped); nothing was sent: check what the earlier one did before sending again.",
            account)
    {
        Nonce = nonce;
    }

    /// <summary>The account's next nonce: nothing is pending below it.</summary>
    public ulong Nonce { get; }
}
