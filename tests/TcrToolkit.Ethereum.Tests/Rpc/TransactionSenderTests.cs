using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

/// <summary>The sender against a scripted node: nonce handling, fees, gas, and receipt waiting on a fake clock.</summary>
public sealed class TransactionSenderTests : IDisposable
{
    private static readonly Address Recipient = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    private static readonly UInt256 Gwei = EthUnits.ParseGwei("1");

    private readonly PrivateKey _key = PrivateKey.ParseHex(HardhatNodeFixture.Account0Key);
    private readonly FakeRpcHandler _handler = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly List<SignedTransaction> _received = [];
    private readonly Lock _gate = new();
    private ulong _pendingNonce = 5;
    private ulong _minedNonce = 5;
    private UInt256 _balance = EthUnits.ParseEther("100");
    private string? _pendingBlockTransactions;
    private bool _acceptsReplacements;
    private bool _supportsPriorityFee = true;

    public TransactionSenderTests()
    {
        _handler.Respond = Respond;
        Client = new RpcClient(new HttpRpcTransport(new Uri("http://127.0.0.1:8545/"), new HttpClient(_handler)), new RpcClientOptions { TimeProvider = _clock, MaxReadRetries = 0 });
    }

    private RpcClient Client { get; }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Send_Eip1559_FillsNonceChainGasWithMarginAndFeesFromOneBatch()
    {
        var sender = new TransactionSender(Client, _key);

        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL });

        var tx = (Eip1559Transaction)sent.Transaction.Transaction;
        tx.ChainId.Should().Be(31337);
        tx.Nonce.Should().Be(5);
        tx.GasLimit.Should().Be(60_000, "the 50,000 estimate plus the default 20 % margin");
        tx.MaxPriorityFeePerGas.Should().Be(2 * Gwei);
        tx.MaxFeePerGas.Should().Be((2 * 10 * Gwei) + (2 * Gwei), "twice the next base fee plus the tip");
        sent.Transaction.From.Should().Be(_key.Address);
        _handler.Bodies.Should().ContainSingle(b => b.Contains("eth_feeHistory", StringComparison.Ordinal) && b.Contains("eth_maxPriorityFeePerGas", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_NodeWithoutPriorityFeeMethod_UsesFeeHistoryMedian()
    {
        _supportsPriorityFee = false;
        var sender = new TransactionSender(Client, _key);

        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient });

        ((Eip1559Transaction)sent.Transaction.Transaction).MaxPriorityFeePerGas.Should().Be(3 * Gwei);
    }

    [Fact]
    public async Task Send_Legacy_UsesGasPriceAndEip155()
    {
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { GasMarginPercent = 0 });

        var sent = await sender.SendAsync(new TransactionRequest { Type = TransactionType.Legacy, To = Recipient });

        var tx = (LegacyTransaction)sent.Transaction.Transaction;
        tx.GasPrice.Should().Be(7 * Gwei);
        tx.ChainId.Should().Be(31337);
        tx.GasLimit.Should().Be(50_000);
    }

    [Fact]
    public async Task Send_NonceTakenElsewhere_ResyncsFromPendingCountAndResendsOnce()
    {
        var sender = new TransactionSender(Client, _key);
        await sender.SendAsync(new TransactionRequest { To = Recipient });
        lock (_gate)
        {
            _pendingNonce = 8; // another process sent two transactions
        }

        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient });

        sent.Nonce.Should().Be(8);
        _received.Select(t => t.Transaction.Nonce).Should().Equal(5UL, 8UL);
        _handler.Bodies.Count(b => b.Contains("eth_sendRawTransaction", StringComparison.Ordinal)).Should().Be(3, "the stale nonce was rejected once");
    }

    [Fact]
    public async Task Send_TransportFaultDuringSend_IsNotRepeatedAndNextSendResyncs()
    {
        var sender = new TransactionSender(Client, _key);
        await sender.SendAsync(new TransactionRequest { To = Recipient });
        var original = _handler.Respond;
        _handler.Respond = (method, parameters) => method == "eth_sendRawTransaction"
            ? throw new FakeHttpStatusException(HttpStatusCode.GatewayTimeout)
            : original(method, parameters);
        var countsBefore = CountOf("eth_getTransactionCount");

        var act = () => sender.SendAsync(new TransactionRequest { To = Recipient });

        await act.Should().ThrowAsync<RpcUnavailableException>();
        CountOf("eth_sendRawTransaction").Should().Be(2, "one successful send, and one attempt that is never repeated");
        _handler.Respond = original;
        await sender.SendAsync(new TransactionRequest { To = Recipient });
        CountOf("eth_getTransactionCount").Should().Be(countsBefore + 1, "an unknown outcome makes the sender ask the node for the nonce");
    }

    [Fact]
    public async Task Send_NodeRejects_ErrorNeverContainsTheKeyAndNonceIsKept()
    {
        var sender = new TransactionSender(Client, _key);
        var original = _handler.Respond;
        _handler.Respond = (method, parameters) => method == "eth_sendRawTransaction"
            ? throw new FakeRpcErrorException(-32000, "insufficient funds for gas * price + value")
            : original(method, parameters);

        var act = () => sender.SendAsync(new TransactionRequest { To = Recipient, Value = EthUnits.ParseEther("1") });

        var error = (await act.Should().ThrowAsync<RpcErrorException>()).Which;
        error.ToString().Should().NotContain(HardhatNodeFixture.Account0Key[2..]);
        sender.ToString().Should().NotContain(HardhatNodeFixture.Account0Key[2..]);
        _handler.Respond = original;
        (await sender.SendAsync(new TransactionRequest { To = Recipient })).Nonce.Should().Be(5, "a rejected transaction uses no nonce");
    }

    [Fact]
    public async Task WaitForReceipt_NeverMined_TimesOutOnTheFakeClock()
    {
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { ReceiptTimeout = TimeSpan.FromMinutes(1), PollInterval = TimeSpan.FromSeconds(5) });
        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient });
        var original = _handler.Respond;
        _handler.Respond = (method, parameters) => method == "eth_getTransactionReceipt" ? "null" : original(method, parameters);

        var waiting = sender.WaitForReceiptAsync(sent);
        for (var i = 0; i < 100 && !waiting.IsCompleted; i++)
        {
            await Task.Delay(5);
            _clock.Advance(TimeSpan.FromSeconds(5));
        }

        var timeout = (await waiting.Awaiting(w => w).Should().ThrowAsync<ReceiptTimeoutException>()).Which;
        timeout.TransactionHash.Should().Be(sent.Hash);
        timeout.Message.Should().Contain("did not reach 1 confirmation(s)");
    }

    [Fact]
    public async Task WaitForReceipt_MinedAfterSomePolls_ReturnsReceipt()
    {
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { PollInterval = TimeSpan.FromSeconds(1) });
        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient });
        var polls = 0;
        var original = _handler.Respond;
        _handler.Respond = (method, parameters) => method == "eth_getTransactionReceipt" && ++polls < 3 ? "null" : original(method, parameters);

        var waiting = sender.WaitForReceiptAsync(sent);
        for (var i = 0; i < 100 && !waiting.IsCompleted; i++)
        {
            await Task.Delay(5);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        (await waiting).TransactionHash.Should().Be(sent.Hash);
        polls.Should().Be(3);
    }

    private int CountOf(string method) => _handler.Bodies.Count(b => b.Contains(method, StringComparison.Ordinal));

    private string Respond(string method, JsonElement parameters)
    {
        lock (_gate)
        {
            switch (method)
            {
                case "eth_chainId":
                    return "\"0x7a69\"";
                case "eth_estimateGas":
                    return "\"0xc350\""; // 50,000
                case "eth_gasPrice":
                    return Quote(7 * Gwei);
                case "eth_maxPriorityFeePerGas":
                    return _supportsPriorityFee ? Quote(2 * Gwei) : throw new FakeRpcErrorException(-32601, "the method eth_maxPriorityFeePerGas does not exist");
                case "eth_feeHistory":
                    return $$"""{"oldestBlock":"0x9","baseFeePerGas":[{{Quote(9 * Gwei)}},{{Quote(10 * Gwei)}}],"gasUsedRatio":[0.5],"reward":[[{{Quote(3 * Gwei)}}]]}""";
                case "eth_getTransactionCount":
                    return Quote(parameters[1].GetString() == "latest" ? _minedNonce : _pendingNonce);
                case "eth_getBalance":
                    return Quote(_balance);
                case "eth_getBlockByNumber":
                    parameters[0].GetString().Should().Be("pending");
                    return _pendingBlockTransactions is null ? "null" : $$"""{"transactions":[{{_pendingBlockTransactions}}]}""";
                case "eth_blockNumber":
                    return "\"0xa\"";
                case "eth_sendRawTransaction":
                    var signed = Transaction.DecodeHex(parameters[0].GetString());
                    if (signed.Transaction.Nonce < _minedNonce || (signed.Transaction.Nonce < _pendingNonce && !_acceptsReplacements))
                    {
                        throw new FakeRpcErrorException(-32000, $"nonce too low: next nonce {_pendingNonce}, tx nonce {signed.Transaction.Nonce}");
                    }

                    _received.Add(signed);
                    _pendingNonce = Math.Max(_pendingNonce, signed.Transaction.Nonce + 1);
                    return $"\"{signed.Hash}\"";
                case "eth_getTransactionReceipt":
                    var hash = parameters[0].GetString();
                    return $$"""{"transactionHash":"{{hash}}","blockHash":"{{Keccak256.HashUtf8("block")}}","blockNumber":"0xa","status":"0x1","gasUsed":"0x5208","logs":[]}""";
                default:
                    throw new FakeRpcErrorException(-32601, $"Method {method} not found");
            }
        }
    }

    [Fact]
    public async Task Send_RefusePolicyWithAPendingTransaction_ThrowsAndSendsNothing()
    {
        _minedNonce = 4;
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { WhenPending = PendingTransactionPolicy.Refuse });

        var refused = (await sender.Awaiting(s => s.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL }))
            .Should().ThrowAsync<PendingTransactionException>()).Which;

        refused.MinedNonce.Should().Be(4);
        refused.PendingNonce.Should().Be(5);
        refused.Should().BeAssignableTo<TcrToolkitException>();
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_RefusePolicyWithNothingPending_Sends()
    {
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { WhenPending = PendingTransactionPolicy.Refuse });

        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL });

        sent.Nonce.Should().Be(5);
        _received.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_ReplacePolicy_ReusesThePendingNonceWithFeesAboveThePendingOnes()
    {
        _minedNonce = 4;
        _pendingBlockTransactions = $$"""{"from":"{{_key.Address}}","nonce":"0x4","maxFeePerGas":{{Quote(100 * Gwei)}},"maxPriorityFeePerGas":{{Quote(10 * Gwei)}}}""";
        _acceptsReplacements = true;
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { WhenPending = PendingTransactionPolicy.Replace });

        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL });

        var tx = (Eip1559Transaction)sent.Transaction.Transaction;
        tx.Nonce.Should().Be(4, "a replacement takes the pending transaction's nonce");
        tx.MaxFeePerGas.Should().BeGreaterThan(110 * Gwei, "nodes want at least 10 % more than the pending fee cap");
        tx.MaxPriorityFeePerGas.Should().BeGreaterThan(11 * Gwei, "and at least 10 % more tip");
    }

    [Fact]
    public async Task Send_ReplacePolicyWithNothingPending_ThrowsAndSendsNothing()
    {
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { WhenPending = PendingTransactionPolicy.Replace });

        await sender.Awaiting(s => s.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL }))
            .Should().ThrowAsync<NothingToReplaceException>();
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_ReplacePolicyButNodeHidesThePendingTransaction_Refuses()
    {
        _minedNonce = 4;
        var sender = new TransactionSender(Client, _key, new TransactionSenderOptions { WhenPending = PendingTransactionPolicy.Replace });

        var refused = (await sender.Awaiting(s => s.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL }))
            .Should().ThrowAsync<PendingTransactionException>()).Which;

        refused.CanReplace.Should().BeFalse();
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_BalanceBelowGasAtTheFeeCap_ThrowsInsufficientEtherWithTheAmounts()
    {
        _balance = UInt256.One;
        var sender = new TransactionSender(Client, _key);

        var refused = (await sender.Awaiting(s => s.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL }))
            .Should().ThrowAsync<InsufficientEtherException>()).Which;

        refused.Balance.Should().Be(UInt256.One);
        refused.Required.Should().Be((60_000UL * ((2 * 10 * Gwei) + (2 * Gwei))) + UInt256.One);
        refused.Message.Should().Contain("fund the account");
        _received.Should().BeEmpty();
    }

    private static string Quote(UInt256 value) => $"\"{Hex.EncodeQuantity(value)}\"";
}
