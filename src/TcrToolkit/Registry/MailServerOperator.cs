using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>How an operation that takes tokens gets the registry's (or governor's) right to take them.</summary>
public enum TokenFunding
{
    /// <summary>Send an <c>approve</c> first when the allowance is short (works with any ERC20).</summary>
    Approve,

    /// <summary>Sign an EIP-2612 permit and pass it with the call: one transaction (the token must support permits).</summary>
    Permit,
}

/// <summary>What an application did.</summary>
/// <param name="NodeId">The applied node id.</param>
/// <param name="Deposit">The deposit taken.</param>
/// <param name="ApplicationEnd">When the entry can be listed if nobody challenges it.</param>
/// <param name="Receipt">The application's receipt.</param>
public sealed record ApplyResult(Bytes32 NodeId, UInt256 Deposit, DateTimeOffset ApplicationEnd, TransactionReceipt Receipt);

/// <summary>
/// A mail-server operator's operations: apply (with the node key, or with a proof the node key signed elsewhere),
/// deposit, withdraw, start and finish an exit. Each checks the registry's rules first and throws a
/// <see cref="PreflightException"/> instead of sending a transaction that would revert.
/// </summary>
public sealed class MailServerOperator
{
    private readonly TcrAccount _account;
    private readonly RegistryReader _reader;

    /// <summary>Creates the operator role of <paramref name="account"/>.</summary>
    public MailServerOperator(TcrAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
        _reader = new RegistryReader(account.Connection);
    }

    private TcrConnection Connection => _account.Connection;

    /// <summary>
    /// Signs a node proof for this account with <paramref name="nodeKey"/>, valid for <paramref name="validFor"/>
    /// (default one hour) from the chain's time, for the entry's current nonce.
    /// </summary>
    public Task<NodeProof> CreateNodeProofAsync(PrivateKey nodeKey, TimeSpan? validFor = null, CancellationToken cancellationToken = default) =>
        CreateNodeProofAsync(Connection, nodeKey, _account.Address, validFor, cancellationToken);

    /// <summary>
    /// Signs a node proof for <paramref name="applicant"/> with <paramref name="nodeKey"/>, valid for
    /// <paramref name="validFor"/> (default one hour) from the chain's time, for the entry's current nonce. This is the
    /// node machine's half of applying with a proof: it needs the node key and a connection, but no applicant key.
    /// </summary>
    /// <param name="connection">The deployment the proof is for (its chain id and registry are signed).</param>
    /// <param name="nodeKey">The node's discovery key.</param>
    /// <param name="applicant">The account that will apply and own the entry.</param>
    /// <param name="validFor">How long the proof is accepted, from the latest block's time; one hour by default.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validFor"/> is not positive.</exception>
    public static async Task<NodeProof> CreateNodeProofAsync(
        TcrConnection connection, PrivateKey nodeKey, Address applicant, TimeSpan? validFor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(nodeKey);
        var lifetime = validFor ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero, nameof(validFor));
        var listing = await new RegistryReader(connection).GetListingStateAsync(nodeKey.PublicKey.NodeId, cancellationToken).ConfigureAwait(false);
        var now = await connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        return NodeProof.Sign(nodeKey, connection.ChainId, connection.Registry, applicant, listing.Nonce, now + lifetime);
    }

    /// <summary>Applies the node of <paramref name="nodeKey"/>, signing its proof here.</summary>
    /// <param name="nodeKey">The node's discovery key.</param>
    /// <param name="deposit">The deposit; at least the minimum deposit.</param>
    /// <param name="funding">How the registry may take the deposit.</param>
    /// <param name="data">Published with the application, not stored (for example the node's ENR).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PreflightException">The application would revert; the message says why.</exception>
    public async Task<ApplyResult> ApplyAsync(
        PrivateKey nodeKey, UInt256 deposit, TokenFunding funding = TokenFunding.Approve, byte[]? data = null, CancellationToken cancellationToken = default)
    {
        var proof = await CreateNodeProofAsync(nodeKey, null, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(proof, deposit, funding, data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies with a node proof signed elsewhere (see <see cref="NodeProof"/>).</summary>
    /// <exception cref="PreflightException">The application would revert (taken node, low deposit, expired or foreign proof, missing tokens).</exception>
    public async Task<ApplyResult> ApplyAsync(
        NodeProof proof, UInt256 deposit, TokenFunding funding = TokenFunding.Approve, byte[]? data = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proof);
        const string Action = "apply";
        var listing = await _reader.GetListingStateAsync(proof.NodeId, cancellationToken).ConfigureAwait(false);
        var parameters = await _reader.GetParametersAsync(cancellationToken).ConfigureAwait(false);
        var funds = await Connection.GetFundsAsync(_account.Address, Connection.Registry, cancellationToken).ConfigureAwait(false);
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);

        // The allowance is arranged below, so only the balance can block here.
        RegistryRules.CanApply(listing, parameters, deposit, proof.Deadline, funds with { Allowance = UInt256.MaxValue }, now).ThrowIfBlocked(Action);
        CheckProof(proof, listing).ThrowIfBlocked(Action);

        var deadline = (UInt256)(ulong)proof.Deadline.ToUnixTimeSeconds();
        var signature = proof.Signature.ToBytes();
        data ??= [];
        byte[] call;
        if (funding == TokenFunding.Permit)
        {
            var permit = await SignPermitAsync(Connection.Registry, deposit, deadline, cancellationToken).ConfigureAwait(false);
            call = MailServerRegistry.EncodeApplyListingWithPermit(proof.NodeId, deposit, deadline, signature, data, deadline, (byte)permit.V, permit.R.ToBytes32(), permit.S.ToBytes32());
        }
        else
        {
            await _account.EnsureAllowanceAsync(Connection.Registry, deposit, funds, cancellationToken).ConfigureAwait(false);
            call = MailServerRegistry.EncodeApplyListing(proof.NodeId, deposit, deadline, signature, data);
        }

        var receipt = await _account.SendAsync(Action, Connection.Registry, call, cancellationToken).ConfigureAwait(false);
        var applied = receipt.Logs.Select(MailServerRegistry.AppliedEvent.TryDecode).FirstOrDefault(e => e is not null)
            ?? throw new InvalidOperationException($"The application {receipt.TransactionHash} succeeded but emitted no Applied event; is {Connection.Registry} the registry?");
        return new ApplyResult(proof.NodeId, applied.Deposit, RegistryReader.Instant(applied.ApplicationEnd), receipt);
    }

    /// <summary>Adds <paramref name="amount"/> to the deposit of an entry this account owns.</summary>
    /// <exception cref="PreflightException">Not the owner, no such entry, or not enough tokens.</exception>
    public async Task<TransactionReceipt> DepositAsync(Bytes32 nodeId, UInt256 amount, CancellationToken cancellationToken = default)
    {
        const string Action = "deposit";
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var funds = await Connection.GetFundsAsync(_account.Address, Connection.Registry, cancellationToken).ConfigureAwait(false);
        RegistryRules.CanDeposit(listing, _account.Address, amount, funds with { Allowance = UInt256.MaxValue }).ThrowIfBlocked(Action);
        await _account.EnsureAllowanceAsync(Connection.Registry, amount, funds, cancellationToken).ConfigureAwait(false);
        return await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeDeposit(nodeId, amount), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What this account could withdraw from <paramref name="nodeId"/> now.</summary>
    public async Task<UInt256> GetWithdrawableAsync(Bytes32 nodeId, CancellationToken cancellationToken = default)
    {
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var parameters = await _reader.GetParametersAsync(cancellationToken).ConfigureAwait(false);
        var challenge = await _reader.GetChallengeAsync(nodeId, listing.ChallengeId, cancellationToken).ConfigureAwait(false);
        return listing.Owner == _account.Address ? RegistryRules.Withdrawable(listing, challenge, parameters) : default;
    }

    /// <summary>Takes <paramref name="amount"/> out of the deposit; the minimum deposit and any open stake stay.</summary>
    /// <exception cref="PreflightException">Not the owner, or more than can be withdrawn.</exception>
    public async Task<TransactionReceipt> WithdrawAsync(Bytes32 nodeId, UInt256 amount, CancellationToken cancellationToken = default)
    {
        const string Action = "withdraw";
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var parameters = await _reader.GetParametersAsync(cancellationToken).ConfigureAwait(false);
        var challenge = await _reader.GetChallengeAsync(nodeId, listing.ChallengeId, cancellationToken).ConfigureAwait(false);
        RegistryRules.CanWithdraw(listing, challenge, parameters, _account.Address, amount).ThrowIfBlocked(Action);
        return await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeWithdraw(nodeId, amount), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts leaving the registry; the entry stays trusted until the exit is finalized.</summary>
    /// <exception cref="PreflightException">Not the owner, not listed, or a challenge is open.</exception>
    public async Task<TransactionReceipt> InitExitAsync(Bytes32 nodeId, CancellationToken cancellationToken = default)
    {
        const string Action = "initExit";
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        RegistryRules.CanInitExit(listing, _account.Address, now).ThrowIfBlocked(Action);
        return await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeInitExit(nodeId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves the registry inside the exit window and takes the whole deposit back.</summary>
    /// <exception cref="ActionNotYetPossibleException">The exit window has not opened; retry at its <c>AvailableAt</c>.</exception>
    /// <exception cref="PreflightException">Not the owner, not exiting, a challenge is open, or the window closed.</exception>
    public async Task<TransactionReceipt> FinalizeExitAsync(Bytes32 nodeId, CancellationToken cancellationToken = default)
    {
        const string Action = "finalizeExit";
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        RegistryRules.CanFinalizeExit(listing, _account.Address, now).ThrowIfBlocked(Action);
        return await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeFinalizeExit(nodeId), cancellationToken).ConfigureAwait(false);
    }

    private ActionCheck CheckProof(NodeProof proof, ListingState listing)
    {
        if (proof.ChainId != Connection.ChainId || proof.Registry != Connection.Registry)
        {
            return ActionCheck.BadRequest(
                $"the node proof is for registry {proof.Registry} on chain {proof.ChainId}, not {Connection.Registry} on chain {Connection.ChainId}; have the node key sign a proof for this registry.");
        }

        if (proof.Applicant != _account.Address)
        {
            return ActionCheck.BadRequest($"the node proof names applicant {proof.Applicant}, not this account {_account.Address}; apply from that account or have the node key sign a proof for this one.");
        }

        if (proof.Nonce != listing.Nonce)
        {
            return ActionCheck.BadRequest($"the node proof was signed for nonce {proof.Nonce}, but the entry's nonce is now {listing.Nonce}; have the node key sign a new proof.");
        }

        return proof.IsValid()
            ? ActionCheck.Allowed
            : ActionCheck.BadRequest($"the node proof's signature was not made by the key of node {Formatting.Short(proof.NodeId)}; sign it with that node's key.");
    }

    private async Task<Signature> SignPermitAsync(Address spender, UInt256 value, UInt256 deadline, CancellationToken cancellationToken)
    {
        var token = Connection.TokenContract;
        var (separator, nonce) = await TcrAccount.SimulateAsync("permit", async () => (
            await token.DOMAINSEPARATORAsync(cancellationToken: cancellationToken).ConfigureAwait(false),
            await token.NoncesAsync(_account.Address, cancellationToken: cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
        var structHash = Eip712.HashStruct(PermitType, [_account.Address.ToBytes32(), spender.ToBytes32(), value.ToBytes32(), nonce.ToBytes32(), deadline.ToBytes32()]);
        return await _account.Signer.SignTypedDataCheckedAsync(separator, structHash, cancellationToken).ConfigureAwait(false);
    }

    private static readonly Bytes32 PermitType = Eip712.HashType("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
}
