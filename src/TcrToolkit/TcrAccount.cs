using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Registry;

namespace TcrToolkit;

/// <summary>
/// A signing account on a <see cref="TcrConnection"/>: the one place that sends its transactions, reports their
/// progress, and turns a revert into a <see cref="TcrRevertedException"/>. The role services
/// (<see cref="Registry.MailServerOperator"/>, <see cref="Registry.RegistryChallenger"/>, <see cref="Votes.TcrVoter"/>,
/// <see cref="Governance.ParameterGovernance"/>, <see cref="TokenAccount"/>) act through it.
/// </summary>
/// <remarks>Create one account per key and share it: it tracks the key's nonce.</remarks>
public sealed class TcrAccount
{
    private readonly TransactionSender _sender;

    internal TcrAccount(TcrConnection connection, IAccountSigner signer, TransactionSenderOptions? options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(signer);
        Connection = connection;
        Signer = signer;
        _sender = new TransactionSender(connection.Client, signer, options);
    }

    /// <summary>The deployment.</summary>
    public TcrConnection Connection { get; }

    /// <summary>The account's address.</summary>
    public Address Address => _sender.Address;

    /// <summary>Told when a transaction is about to be sent, was sent (with its hash) and was confirmed; null for silence.</summary>
    public IProgress<TransactionProgress>? Progress { get; set; }

    /// <summary>Signs the account's transactions and permits: its <see cref="PrivateKey"/>, or a remote or hardware signer.</summary>
    public IAccountSigner Signer { get; }

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="to"/> and waits for the receipt. A revert, at estimation or
    /// once mined, raises <see cref="TcrRevertedException"/> with the decoded error. A pending transaction of the account
    /// is handled as <see cref="TransactionSenderOptions.WhenPending"/> says (<see cref="SendRefusedException"/>).
    /// </summary>
    internal async Task<TransactionReceipt> SendAsync(string action, Address to, byte[] data, CancellationToken cancellationToken)
    {
        Progress?.Report(new TransactionProgress(action, TransactionPhase.Sending, null, null));
        try
        {
            var sent = await _sender.SendAsync(new TransactionRequest { To = to, Data = data }, cancellationToken).ConfigureAwait(false);
            Progress?.Report(new TransactionProgress(action, TransactionPhase.Sent, sent.Hash, null) { Nonce = sent.Nonce });
            var receipt = await _sender.WaitForReceiptAsync(sent, cancellationToken).ConfigureAwait(false);
            Progress?.Report(new TransactionProgress(action, TransactionPhase.Confirmed, sent.Hash, receipt) { Nonce = sent.Nonce });
            return receipt;
        }
        catch (ContractRevertedException ex)
        {
            throw TcrRevertedException.From(action, ex);
        }
    }

    /// <summary>Runs a read-only simulation and translates its revert, for checks that only the contract can make.</summary>
    internal static async Task<T> SimulateAsync<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ContractRevertedException ex)
        {
            throw TcrRevertedException.From(action, ex);
        }
    }

    /// <summary>Approves <paramref name="spender"/> for <paramref name="amount"/> unless the allowance already covers it.</summary>
    internal async Task EnsureAllowanceAsync(Address spender, UInt256 amount, Funds funds, CancellationToken cancellationToken)
    {
        if (funds.Allowance >= amount)
        {
            return;
        }

        await SendAsync("approve", Connection.Token, Generated.TcrToken.EncodeApprove(spender, amount), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Where a transaction stands.</summary>
public enum TransactionPhase
{
    /// <summary>Being estimated, signed and sent.</summary>
    Sending,

    /// <summary>Accepted by the node; waiting for the receipt.</summary>
    Sent,

    /// <summary>Mined with the required confirmations.</summary>
    Confirmed,
}

/// <summary>A step of one transaction, for progress displays.</summary>
/// <param name="Action">What the transaction does, for example "apply" or "approve".</param>
/// <param name="Phase">Where it stands.</param>
/// <param name="TransactionHash">Its hash once sent.</param>
/// <param name="Receipt">Its receipt once confirmed.</param>
public sealed record TransactionProgress(string Action, TransactionPhase Phase, Bytes32? TransactionHash, TransactionReceipt? Receipt)
{
    /// <summary>The nonce the transaction used, once sent: with the hash, what to look for after an interrupted wait.</summary>
    public ulong? Nonce { get; init; }
}

/// <summary>
/// A transaction reverted (at estimation, or once mined) although pre-flight allowed it — usually because the state
/// changed in between. <see cref="ErrorName"/> and <see cref="Arguments"/> carry the contract's decoded custom error.
/// </summary>
public sealed class TcrRevertedException : TcrToolkitException
{
    private TcrRevertedException(string action, DecodedRevert? decoded, Bytes32? transactionHash, ContractRevertedException inner)
        : base(Describe(action, decoded, transactionHash, inner), inner)
    {
        Action = action;
        Decoded = decoded;
        TransactionHash = transactionHash;
    }

    /// <summary>The action that reverted, for example "challenge".</summary>
    public string Action { get; }

    /// <summary>The custom error's name, for example <c>RegistryWrongStage</c>; empty when the data was not a known error.</summary>
    public string ErrorName => Decoded?.Error?.Name ?? "";

    /// <summary>The custom error's named arguments.</summary>
    public IReadOnlyList<KeyValuePair<string, AbiValue>> Arguments => Decoded?.Arguments ?? [];

    /// <summary>The decoded revert, or null when the node gave no data.</summary>
    public DecodedRevert? Decoded { get; }

    /// <summary>The mined transaction that reverted; null when estimation caught it before sending.</summary>
    public Bytes32? TransactionHash { get; }

    internal static TcrRevertedException From(string action, ContractRevertedException ex)
    {
        var decoded = ex.RevertData.IsEmpty && ex.Decoded is null ? null : TcrConnection.RevertDecoder.Decode(ex.RevertData);
        return new TcrRevertedException(action, decoded, ex.TransactionHash, ex);
    }

    private static string Describe(string action, DecodedRevert? decoded, Bytes32? transactionHash, ContractRevertedException inner)
    {
        var what = decoded?.Message ?? inner.NodeMessage ?? "reverted without data";
        var where = transactionHash is { } hash ? $" in transaction {hash}" : " at estimation (nothing was sent)";
        return $"{action} reverted{where}: {what}. The chain's state changed since the pre-flight check; read it again and retry if it still makes sense.";
    }
}
