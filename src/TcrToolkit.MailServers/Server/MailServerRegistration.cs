using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Registry;

namespace TcrToolkit.MailServers.Server;

/// <summary>
/// The registry steps of a mail server's operator, bound to one running server (<see cref="MailServerHost.Registration"/>):
/// a self-application signed with the server's own node key and published with its current record, deposit top-ups and
/// withdrawals, and the exit. Each step is the service layer's <see cref="MailServerOperator"/> with its pre-flight: a
/// step that would revert throws <see cref="PreflightException"/> saying why, and sends nothing.
/// </summary>
/// <remarks>
/// When the operator's account key should not live on the server, sign a proof here instead
/// (<see cref="MailServerHost.SignNodeProofAsync"/>, what <c>tcr listing proof</c> writes) and apply from the
/// operator's machine.
/// </remarks>
public sealed class MailServerRegistration
{
    private readonly MailServerHost _host;
    private readonly MailServerOperator _operator;

    internal MailServerRegistration(MailServerHost host, TcrAccount operatorAccount)
    {
        ArgumentNullException.ThrowIfNull(operatorAccount);
        _host = host;
        _operator = new MailServerOperator(operatorAccount);
    }

    /// <summary>The listing key: the server's discovery node id.</summary>
    public Bytes32 NodeId => _host.NodeId;

    /// <summary>
    /// Applies this server from the operator's account with a proof signed by the server's node key, publishing the
    /// server's current record (RLP) as the application's data, which clients read as an address hint.
    /// </summary>
    /// <param name="deposit">The deposit; at least the registry's minimum.</param>
    /// <param name="funding">How the registry may take the deposit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PreflightException">The application would revert; the message says why.</exception>
    public Task<ApplyResult> ApplyAsync(UInt256 deposit, TokenFunding funding = TokenFunding.Approve, CancellationToken cancellationToken = default) =>
        _operator.ApplyAsync(_host.NodeKey, deposit, funding, _host.Record.ToBytes(), cancellationToken);

    /// <summary>Adds <paramref name="amount"/> to this server's deposit.</summary>
    /// <exception cref="PreflightException">Not the owner, no such entry, or not enough tokens.</exception>
    public Task<TransactionReceipt> TopUpAsync(UInt256 amount, CancellationToken cancellationToken = default) =>
        _operator.DepositAsync(NodeId, amount, cancellationToken);

    /// <summary>Withdraws <paramref name="amount"/> of the deposit above the minimum.</summary>
    /// <exception cref="PreflightException">The amount is not withdrawable now; the message says why.</exception>
    public Task<TransactionReceipt> WithdrawAsync(UInt256 amount, CancellationToken cancellationToken = default) =>
        _operator.WithdrawAsync(NodeId, amount, cancellationToken);

    /// <summary>Starts the exit; clients keep trusting the server until the exit is finalised.</summary>
    /// <exception cref="PreflightException">The entry cannot exit now; the message says why.</exception>
    public Task<TransactionReceipt> InitExitAsync(CancellationToken cancellationToken = default) =>
        _operator.InitExitAsync(NodeId, cancellationToken);

    /// <summary>Finalises the exit after the exit delay: the listing is removed and the deposit returned.</summary>
    /// <exception cref="PreflightException">The exit delay has not passed, or no exit was started.</exception>
    public Task<TransactionReceipt> FinalizeExitAsync(CancellationToken cancellationToken = default) =>
        _operator.FinalizeExitAsync(NodeId, cancellationToken);
}
