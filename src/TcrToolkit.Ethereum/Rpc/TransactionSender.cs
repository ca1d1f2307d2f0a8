namespace TcrToolkit.Ethereum.Rpc;

/// <summary>Settings for <see cref="TransactionSender"/>.</summary>
public sealed class TransactionSenderOptions
{
    /// <summary>Extra gas on top of the node's estimate, in percent (20 means estimate × 1.2).</summary>
    public int GasMarginPercent { get; set; } = 20;

    /// <summary>
    /// How many blocks must include or follow the transaction's block before a receipt is final for
    /// <see cref="TransactionSender.WaitForReceiptAsync"/> (1 means the including block is enough).
    /// </summary>
    public int Confirmations { get; set; } = 1;

    /// <summary>How long <see cref="TransactionSender.WaitForReceiptAsync"/> waits before giving up.</summary>
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the receipt and block number are polled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The base fee multiplier for <c>maxFeePerGas</c>: 2 keeps a transaction valid through several full blocks.</summary>
    public int BaseFeeMultiplier { get; set; } = 2;

    /// <summary>A fixed priority fee; <c>null</c> asks the node (<c>eth_maxPriorityFeePerGas</c>, then fee history).</summary>
    public UInt256? MaxPriorityFeePerGas { get; set; }

    /// <summary>
    /// What a send does when the account already has a transaction waiting in the node's pool (its pending nonce is
    /// above its mined one): <see cref="PendingTransactionPolicy.Queue"/> by default.
    /// </summary>
    public PendingTransactionPolicy WhenPending { get; set; } = PendingTransactionPolicy.Queue;
}

/// <summary>
/// What <see cref="TransactionSender.SendAsync"/> does when the account already has a transaction waiting in the node's
/// pool: typically one sent by an earlier run that was interrupted before its receipt came.
/// </summary>
public enum PendingTransactionPolicy
{
    /// <summary>Send after it: take the next free nonce, so both transactions are mined (one after the other).</summary>
    Queue,

    /// <summary>
    /// Send nothing and raise <see cref="PendingTransactionException"/>. Tools that may be rerun after an interruption
    /// (the CLI) use this, so that a rerun never repeats a transfer that is still on its way.
    /// </summary>
    Refuse,

    /// <summary>
    /// Replace the first pending transaction: sign with its nonce and fees at least 12.5% above its own (nodes ask for
    /// 10%), so that at most one of the two is mined. Raises <see cref="NothingToReplaceException"/> when nothing is
    /// pending (the earlier transaction was mined or dropped), and <see cref="PendingTransactionException"/> when the
    /// node does not show the pending transaction's fees.
    /// </summary>
    Replace,
}

/// <summary>
/// What to send. Unset gas and fee fields are filled in by <see cref="TransactionSender"/>; the nonce and chain id
/// always are.
/// </summary>
public sealed record TransactionRequest
{
    /// <summary>The recipient, or <c>null</c> to deploy <see cref="Data"/> as init code.</summary>
    public Address? To { get; init; }

    /// <summary>Wei to send.</summary>
    public UInt256 Value { get; init; }

    /// <summary>Call data or init code.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The envelope type; EIP-1559 by default.</summary>
    public TransactionType Type { get; init; } = TransactionType.DynamicFee;

    /// <summary>A fixed gas limit; <c>null</c> estimates it and adds <see cref="TransactionSenderOptions.GasMarginPercent"/>.</summary>
    public ulong? GasLimit { get; init; }

    /// <summary>For legacy and EIP-2930 transactions: a fixed gas price; <c>null</c> uses <c>eth_gasPrice</c>.</summary>
    public UInt256? GasPrice { get; init; }

    /// <summary>For EIP-1559 transactions: a fixed fee cap; <c>null</c> uses the base fee × multiplier + priority fee.</summary>
    public UInt256? MaxFeePerGas { get; init; }

    /// <summary>For EIP-1559 transactions: a fixed priority fee.</summary>
    public UInt256? MaxPriorityFeePerGas { get; init; }

    /// <summary>For EIP-2930 and EIP-1559 transactions: the declared access list.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    /// <inheritdoc/>
    public bool Equals(TransactionRequest? other) =>
        other is not null && To == other.To && Value == other.Value && Data.Span.SequenceEqual(other.Data.Span) &&
        Type == other.Type && GasLimit == other.GasLimit && GasPrice == other.GasPrice &&
        MaxFeePerGas == other.MaxFeePerGas && MaxPriorityFeePerGas == other.MaxPriorityFeePerGas &&
        AccessList.SequenceEqual(other.AccessList);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(To, Value, Data.Length, Type, GasLimit);
}

/// <summary>A transaction the node accepted: its hash and the signed transaction as sent.</summary>
/// <param name="Hash">The transaction hash.</param>
/// <param name="Transaction">The signed transaction.</param>
public sealed record SentTransaction(Bytes32 Hash, SignedTransaction Transaction)
{
    /// <summary>The nonce the transaction used.</summary>
    public ulong Nonce => Transaction.Transaction.Nonce;
}

/// <summary>A transaction was not mined with enough confirmations in time. It may still be mined later.</summary>
public sealed class ReceiptTimeoutException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="transactionHash">The transaction waited for.</param>
    /// <param name="confirmations">The confirmations required.</param>
    /// <param name="timeout">How long the wait lasted.</param>
    public ReceiptTimeoutException(Bytes32 transactionHash, int confirmations, TimeSpan timeout)
        : base($"Transaction {transactionHash} did not reach {confirmations} confirmation(s) within {timeout}. It may still be mined: wait again, or replace it by sending with the same nonce and higher fees.")
    {
        TransactionHash = transactionHash;
    }

    /// <summary>The transaction waited for.</summary>
    public Bytes32 TransactionHash { get; }
}

/// <summary>
/// Sends transactions from one account: fills the nonce, gas limit, fees and chain id, signs, sends and waits for the
/// receipt. Concurrent sends from the same account through the same <see cref="RpcClient"/> are serialised by a
/// per-account lock around a locally tracked nonce, which resynchronises from the node's <c>pending</c> count after a
/// nonce error or an unknown send outcome. A send is never repeated blindly: only a send the node rejected for its
/// nonce is re-signed with a fresh nonce, once.
/// </summary>
public sealed class TransactionSender
{
    private readonly RpcClient _client;
    private readonly IAccountSigner _signer;
    private readonly TransactionSenderOptions _options;
    private readonly NonceTracker _nonces;
    private ulong? _chainId;

    /// <summary>Creates a sender; it uses but does not own <paramref name="key"/>.</summary>
    /// <param name="client">The client to send through.</param>
    /// <param name="key">The account's key.</param>
    /// <param name="options">Gas, fee and waiting settings; <c>null</c> for the defaults.</param>
    public TransactionSender(RpcClient client, PrivateKey key, TransactionSenderOptions? options = null)
        : this(client, (IAccountSigner)key, options)
    {
    }

    /// <summary>
    /// Creates a sender that signs with <paramref name="signer"/> (a remote or hardware signer, or a
    /// <see cref="PrivateKey"/>); it uses but does not own it. A signature that does not recover to the signer's
    /// address raises <see cref="SignerMismatchException"/> and nothing is sent.
    /// </summary>
    /// <param name="client">The client to send through.</param>
    /// <param name="signer">Signs the account's transactions.</param>
    /// <param name="options">Gas, fee and waiting settings; <c>null</c> for the defaults.</param>
    public TransactionSender(RpcClient client, IAccountSigner signer, TransactionSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(signer);
        options ??= new TransactionSenderOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.GasMarginPercent, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Confirmations, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BaseFeeMultiplier, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollInterval, TimeSpan.Zero, nameof(options));
        _client = client;
        _signer = signer;
        _options = options;
        Address = signer.Address;
        _nonces = client.GetNonceTracker(Address);
    }

    /// <summary>The sending account.</summary>
    public Address Address { get; }

    /// <summary>
    /// Fills, signs and sends a transaction; returns once the node has accepted it. A node that mines on submission
    /// and reports a revert as the send's error (Hardhat) still counts as accepted: the revert surfaces from
    /// <see cref="WaitForReceiptAsync"/>, as on any other node.
    /// </summary>
    /// <exception cref="ContractRevertedException">Gas estimation reverted: the transaction would fail.</exception>
    /// <exception cref="InsufficientEtherException">The balance does not cover gas at the fee cap plus value.</exception>
    /// <exception cref="SendRefusedException">The account has a pending transaction and <see cref="TransactionSenderOptions.WhenPending"/>
    /// refuses it, or asks to replace one and none is pending.</exception>
    /// <exception cref="SignerMismatchException">The signer signed with another key; nothing was sent.</exception>
    /// <exception cref="RpcErrorException">The node rejected the transaction.</exception>
    /// <exception cref="RpcUnavailableException">The outcome is unknown; check the account's nonce before sending again.</exception>
    public async Task<SentTransaction> SendAsync(TransactionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Everything that does not depend on the nonce happens outside the lock, so concurrent sends overlap.
        var chainId = _chainId ??= await _client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        var gasLimit = request.GasLimit ?? await EstimateGasAsync(request, cancellationToken).ConfigureAwait(false);
        var fees = await GetFeesAsync(request, cancellationToken).ConfigureAwait(false);
        await CheckBalanceAsync(request, gasLimit, fees.MaxFee, cancellationToken).ConfigureAwait(false);

        await _nonces.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ulong? replacing = null;
            if (_options.WhenPending != PendingTransactionPolicy.Queue)
            {
                (replacing, fees) = await CheckPendingAsync(fees, cancellationToken).ConfigureAwait(false);
            }

            for (var attempt = 0; ; attempt++)
            {
                var nonce = replacing ?? (_nonces.Next ??= await _client.GetTransactionCountAsync(Address, BlockTag.Pending, cancellationToken).ConfigureAwait(false));
                var signed = await _signer.SignAsync(Build(request, chainId, nonce, gasLimit, fees), cancellationToken).ConfigureAwait(false);
                try
                {
                    var hash = await _client.SendRawTransactionAsync(signed, cancellationToken).ConfigureAwait(false);
                    _nonces.Next = replacing is null ? nonce + 1 : null;
                    return new SentTransaction(hash, signed);
                }
                catch (ContractRevertedException)
                {
                    // Automining development nodes (Hardhat) execute on submission and report a revert here, but the
                    // transaction is mined all the same: its nonce is used, and the receipt carries the failure.
                    _nonces.Next = nonce + 1;
                    return new SentTransaction(signed.Hash, signed);
                }
                catch (RpcErrorException ex) when (IsAlreadyKnown(ex))
                {
                    // The node already holds this exact transaction (an earlier send got through).
                    _nonces.Next = nonce + 1;
                    return new SentTransaction(signed.Hash, signed);
                }
                catch (RpcErrorException ex) when (IsNonceError(ex))
                {
                    // A replacement is never re-signed with another nonce: that would add a transaction, not replace one.
                    _nonces.Next = null;
                    if (attempt > 0 || replacing is not null)
                    {
                        throw;
                    }
                }
                catch (Exception ex) when (ex is RpcUnavailableException or OperationCanceledException)
                {
                    // The node may or may not have the transaction: learn the nonce from it next time.
                    _nonces.Next = null;
                    throw;
                }
            }
        }
        finally
        {
            _nonces.Gate.Release();
        }
    }

    /// <summary>Sends a transaction and waits for its receipt (see <see cref="WaitForReceiptAsync"/>).</summary>
    /// <exception cref="ContractRevertedException">The transaction would revert, or reverted when mined.</exception>
    /// <exception cref="ReceiptTimeoutException">It was not confirmed in time.</exception>
    public async Task<TransactionReceipt> SendAndWaitAsync(TransactionRequest request, CancellationToken cancellationToken = default)
    {
        var sent = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await WaitForReceiptAsync(sent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls until the transaction has <see cref="TransactionSenderOptions.Confirmations"/> confirmations, within
    /// <see cref="TransactionSenderOptions.ReceiptTimeout"/> on the client's <see cref="TimeProvider"/>. A reverted
    /// receipt raises <see cref="ContractRevertedException"/> with revert data from replaying the call with
    /// <c>eth_call</c> at the receipt's block (receipts do not carry revert data).
    /// </summary>
    /// <exception cref="ContractRevertedException">The transaction reverted.</exception>
    /// <exception cref="ReceiptTimeoutException">It was not confirmed in time.</exception>
    public async Task<TransactionReceipt> WaitForReceiptAsync(SentTransaction sent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var clock = _client.TimeProvider;
        using var timeout = new CancellationTokenSource(_options.ReceiptTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        TransactionReceipt receipt;
        try
        {
            while (true)
            {
                var found = await _client.GetTransactionReceiptAsync(sent.Hash, linked.Token).ConfigureAwait(false);
                if (found is not null && await HasConfirmationsAsync(found, linked.Token).ConfigureAwait(false))
                {
                    receipt = found;
                    break;
                }

                await Task.Delay(_options.PollInterval, clock, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ReceiptTimeoutException(sent.Hash, _options.Confirmations, _options.ReceiptTimeout);
        }

        if (!receipt.Succeeded)
        {
            throw await ReplayRevertAsync(sent, receipt, cancellationToken).ConfigureAwait(false);
        }

        return receipt;
    }

    /// Nodes refuse a transaction whose gas at the fee cap plus value exceeds the balance ("insufficient funds"); say
    /// so before signing, with the amounts.
    private async Task CheckBalanceAsync(TransactionRequest request, ulong gasLimit, UInt256 maxFee, CancellationToken cancellationToken)
    {
        var balance = await _client.GetBalanceAsync(Address, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
        var required = ((UInt256)gasLimit * maxFee) + request.Value;
        if (balance < required)
        {
            throw new InsufficientEtherException(Address, balance, required);
        }
    }

    /// Applies <see cref="TransactionSenderOptions.WhenPending"/>: refuses, or returns the nonce to replace and fees
    /// raised above the pending transaction's; (null, fees) when nothing needs doing.
    private async Task<(ulong? Nonce, (UInt256 MaxFee, UInt256 PriorityFee) Fees)> CheckPendingAsync(
        (UInt256 MaxFee, UInt256 PriorityFee) fees, CancellationToken cancellationToken)
    {
        var minedCall = EthCalls.GetTransactionCount(Address, BlockTag.Latest);
        var pendingCall = EthCalls.GetTransactionCount(Address, BlockTag.Pending);
        await _client.SendBatchAsync([minedCall, pendingCall], cancellationToken).ConfigureAwait(false);
        var mined = await minedCall.Task.ConfigureAwait(false);
        var pending = await pendingCall.Task.ConfigureAwait(false);
        if (_options.WhenPending == PendingTransactionPolicy.Refuse)
        {
            return pending > mined ? throw new PendingTransactionException(Address, mined, pending, canReplace: true) : (null, fees);
        }

        if (pending <= mined)
        {
            throw new NothingToReplaceException(Address, mined);
        }

        var old = await FindPendingFeesAsync(mined, cancellationToken).ConfigureAwait(false)
            ?? throw new PendingTransactionException(Address, mined, pending, canReplace: false);
        var maxFee = Max(fees.MaxFee, Bump(old.MaxFee));
        var tip = Max(fees.PriorityFee, Bump(old.PriorityFee));
        return (mined, (Max(maxFee, tip), tip));
    }

    private static UInt256 Max(UInt256 a, UInt256 b) => a >= b ? a : b;

    // 12.5% and one wei above: nodes require at least 10% on both fee fields to accept a replacement.
    private static UInt256 Bump(UInt256 fee) => fee + (fee / 8) + UInt256.One;

    /// The fees of the account's pending transaction with <paramref name="nonce"/>, from the node's pending block.
    private async Task<(UInt256 MaxFee, UInt256 PriorityFee)?> FindPendingFeesAsync(ulong nonce, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.SendAsync(
                () => new RpcCall<(UInt256, UInt256)?>(
                    "eth_getBlockByNumber",
                    w =>
                    {
                        BlockTag.Pending.WriteTo(w);
                        w.WriteBooleanValue(true);
                    },
                    block => FindFees(block, Address, nonce),
                    isReadOnly: true),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RpcErrorException)
        {
            return null; // a node without a pending block: the fees are unknown
        }
    }

    private static (UInt256, UInt256)? FindFees(System.Text.Json.JsonElement block, Address account, ulong nonce)
    {
        if (RpcJson.IsNull(block) || !RpcJson.TryGet(block, "transactions", out var transactions) ||
            transactions.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return null;
        }

        foreach (var tx in transactions.EnumerateArray())
        {
            if (tx.ValueKind == System.Text.Json.JsonValueKind.Object && RpcJson.AddressOf(tx, "from") == account && RpcJson.UInt64Of(tx, "nonce") == nonce)
            {
                var gasPrice = RpcJson.OptionalQuantity(tx, "gasPrice");
                var maxFee = RpcJson.OptionalQuantity(tx, "maxFeePerGas") ?? gasPrice;
                var tip = RpcJson.OptionalQuantity(tx, "maxPriorityFeePerGas") ?? gasPrice;
                return maxFee is { } m && tip is { } t ? (m, t) : null;
            }
        }

        return null;
    }

    private async Task<bool> HasConfirmationsAsync(TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        if (_options.Confirmations <= 1)
        {
            return true;
        }

        var head = await _client.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        return head >= receipt.BlockNumber && head - receipt.BlockNumber + 1 >= (ulong)_options.Confirmations;
    }

    private async Task<ContractRevertedException> ReplayRevertAsync(SentTransaction sent, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        var tx = sent.Transaction.Transaction;
        var replay = new CallRequest { From = Address, To = tx.To, Data = tx.Data, Value = tx.Value, Gas = tx.GasLimit };
        try
        {
            await _client.CallAsync(replay, receipt.BlockNumber, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertedException ex)
        {
            return new ContractRevertedException(ex.RevertData, ex.NodeMessage, ex.Endpoint, ex.Method, _client.RevertDecoder, receipt.TransactionHash, ex);
        }

        return new ContractRevertedException(
            [],
            $"Replaying the call at block {receipt.BlockNumber} did not revert, so the reason is unknown (it may have depended on the transaction's position in the block).",
            _client.Transport.Endpoint,
            "eth_call",
            _client.RevertDecoder,
            receipt.TransactionHash);
    }

    private async Task<ulong> EstimateGasAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        var call = new CallRequest { From = Address, To = request.To, Data = request.Data, Value = request.Value, AccessList = request.AccessList };
        // A replacement runs instead of the pending transaction, so it is estimated on the mined state: on top of the
        // pending one it could need less gas (a storage slot that one already wrote) and run out when mined alone.
        var estimate = _options.WhenPending == PendingTransactionPolicy.Replace
            ? await _client.SendAsync(() => EthCalls.EstimateGas(call, BlockTag.Latest), cancellationToken).ConfigureAwait(false)
            : await _client.EstimateGasAsync(call, cancellationToken).ConfigureAwait(false);
        return checked(estimate + (estimate * (ulong)_options.GasMarginPercent / 100));
    }

    private async Task<(UInt256 MaxFee, UInt256 PriorityFee)> GetFeesAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != TransactionType.DynamicFee)
        {
            var gasPrice = request.GasPrice ?? await _client.GetGasPriceAsync(cancellationToken).ConfigureAwait(false);
            return (gasPrice, gasPrice);
        }

        if (request.MaxFeePerGas is { } fixedMax && (request.MaxPriorityFeePerGas ?? _options.MaxPriorityFeePerGas) is { } fixedTip)
        {
            return (fixedMax, fixedTip);
        }

        // One round trip for both: the next block's base fee with the median tip, and the node's tip suggestion.
        var history = EthCalls.FeeHistory(1, BlockTag.Latest, [50]);
        var suggestedTip = EthCalls.MaxPriorityFeePerGas();
        await _client.SendBatchAsync([history, suggestedTip], cancellationToken).ConfigureAwait(false);
        var feeHistory = await history.Task.ConfigureAwait(false);
        var tip = request.MaxPriorityFeePerGas ?? _options.MaxPriorityFeePerGas ?? (suggestedTip.Task.IsCompletedSuccessfully
            ? suggestedTip.Task.Result
            : feeHistory.Reward is [[var median, ..], ..] ? median : UInt256.Zero);
        if (!suggestedTip.Task.IsCompletedSuccessfully)
        {
            _ = suggestedTip.Task.Exception; // observed: fee history stands in for nodes without eth_maxPriorityFeePerGas
        }

        var maxFee = request.MaxFeePerGas ?? (feeHistory.NextBaseFeePerGas * (ulong)_options.BaseFeeMultiplier) + tip;
        return (maxFee, tip);
    }

    private static Transaction Build(TransactionRequest request, ulong chainId, ulong nonce, ulong gasLimit, (UInt256 MaxFee, UInt256 PriorityFee) fees) =>
        request.Type switch
        {
            TransactionType.Legacy => new LegacyTransaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, GasPrice = fees.MaxFee,
                To = request.To, Value = request.Value, Data = request.Data,
            },
            TransactionType.AccessList => new Eip2930Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, GasPrice = fees.MaxFee,
                To = request.To, Value = request.Value, Data = request.Data, AccessList = request.AccessList,
            },
            TransactionType.DynamicFee => new Eip1559Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, MaxFeePerGas = fees.MaxFee, MaxPriorityFeePerGas = fees.PriorityFee,
                To = request.To, Value = request.Value, Data = request.Data, AccessList = request.AccessList,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Type, "Unsupported transaction type."),
        };

    private static bool IsNonceError(RpcErrorException ex)
    {
        var message = ex.RpcMessage;
        return message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("nonce is too low", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("nonce too high", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("invalid nonce", StringComparison.OrdinalIgnoreCase) ||
            (message.Contains("nonce", StringComparison.OrdinalIgnoreCase) && message.Contains("expected", StringComparison.OrdinalIgnoreCase)) ||
            message.Contains("replacement transaction underpriced", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsAlreadyKnown(RpcErrorException ex) =>
        ex.RpcMessage.Contains("already known", StringComparison.OrdinalIgnoreCase) ||
        ex.RpcMessage.Contains("already imported", StringComparison.OrdinalIgnoreCase);
}
