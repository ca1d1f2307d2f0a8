using TcrToolkit.Ethereum.Abi;
using System.Net;
using System.Text.Json;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

public sealed class HttpTransportTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:8545/");
    private static readonly Address Account = Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");

    // Revert data of ProbeValueTooLarge(2000, 1000), as Hardhat returns it.
    private const string CustomErrorData =
        "0x5d6000de00000000000000000000000000000000000000000000000000000000000007d000000000000000000000000000000000000000000000000000000000000003e8";

    // Error("RpcProbe: reason").
    private const string ErrorStringData =
        "0x08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000001052706350726f62653a20726561736f6e00000000000000000000000000000000";

    private static (RpcClient Client, FakeRpcHandler Handler) Create(RpcClientOptions? options = null, HttpRpcTransportOptions? transportOptions = null, Uri? endpoint = null)
    {
        var handler = new FakeRpcHandler();
        var transport = new HttpRpcTransport(endpoint ?? Endpoint, new HttpClient(handler), transportOptions);
        return (new RpcClient(transport, options ?? new RpcClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1) }), handler);
    }

    [Fact]
    public async Task SendAsync_SingleCall_WritesJsonRpcRequestWithParams()
    {
        var (client, handler) = Create();
        handler.Respond = (_, _) => "\"0xde0b6b3a7640000\"";

        var balance = await client.GetBalanceAsync(Account, BlockTag.FromNumber(26));

        balance.Should().Be(EthUnits.ParseEther("1"));
        using var request = JsonDocument.Parse(handler.Bodies.Single());
        var root = request.RootElement;
        root.GetProperty("jsonrpc").GetString().Should().Be("2.0");
        root.GetProperty("method").GetString().Should().Be("eth_getBalance");
        root.GetProperty("params").GetRawText().Should().Be("""["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","0x1a"]""");
    }

    [Fact]
    public async Task SendBatchAsync_ResponsesOutOfOrder_MatchesEachCallById()
    {
        var (client, handler) = Create();
        handler.Respond = (method, _) => method switch
        {
            "eth_chainId" => "\"0x7a69\"",
            "eth_blockNumber" => "\"0x2a\"",
            "eth_getTransactionCount" => "\"0x5\"",
            _ => throw new FakeRpcErrorException(-32601, "unknown"),
        };
        var chainId = EthCalls.ChainId();
        var blockNumber = EthCalls.BlockNumber();
        var nonce = EthCalls.GetTransactionCount(Account, BlockTag.Pending);

        await client.SendBatchAsync([chainId, blockNumber, nonce]);

        handler.RequestCount.Should().Be(1);
        handler.Bodies[0].Should().StartWith("[");
        (await chainId.Task).Should().Be(31337UL);
        (await blockNumber.Task).Should().Be(42UL);
        (await nonce.Task).Should().Be(5UL);
    }

    [Fact]
    public async Task SendBatchAsync_OneCallFails_OthersStillSucceed()
    {
        var (client, handler) = Create();
        handler.Respond = (method, _) => method == "eth_chainId" ? "\"0x1\"" : throw new FakeRpcErrorException(-32601, "Method eth_maxPriorityFeePerGas not found");
        var chainId = EthCalls.ChainId();
        var tip = EthCalls.MaxPriorityFeePerGas();

        await client.SendBatchAsync([chainId, tip]);

        (await chainId.Task).Should().Be(1UL);
        var error = await tip.Awaiting(t => t.Task).Should().ThrowAsync<RpcErrorException>();
        error.Which.Code.Should().Be(-32601);
        error.Which.Method.Should().Be("eth_maxPriorityFeePerGas");
    }

    [Fact]
    public async Task SendBatchAsync_NodeOmitsAResponse_FailsThatCallWithProtocolError()
    {
        var (client, handler) = Create();
        handler.Override = (_, _, _) => Task.FromResult(FakeRpcHandler.Json("""[{"jsonrpc":"2.0","id":1,"result":"0x1"}]"""));
        var first = EthCalls.ChainId();
        var second = EthCalls.BlockNumber();

        await client.SendBatchAsync([first, second]);

        (await first.Task).Should().Be(1UL);
        await second.Awaiting(c => c.Task).Should().ThrowAsync<RpcProtocolException>().WithMessage("*no response with id 2*");
    }

    [Fact]
    public async Task SendAsync_JsonRpcError_ThrowsRpcErrorExceptionWithCodeMessageAndData()
    {
        var (client, handler) = Create();
        handler.Respond = (_, _) => throw new FakeRpcErrorException(-32000, "insufficient funds for gas * price + value", """{"hint":"top up"}""");

        var act = () => client.GetBlockNumberAsync();

        var error = (await act.Should().ThrowAsync<RpcErrorException>()).Which;
        error.Code.Should().Be(-32000);
        error.RpcMessage.Should().Be("insufficient funds for gas * price + value");
        error.ErrorData.Should().Be("""{"hint":"top up"}""");
        error.Message.Should().Contain("eth_blockNumber").And.Contain("127.0.0.1:8545");
        handler.RequestCount.Should().Be(1, "a JSON-RPC error is an answer, not a transport fault, so it is not retried");
    }

    [Fact]
    public async Task CallAsync_RevertDataAsHexString_ThrowsContractRevertedWithRawDataAndSelector()
    {
        var (client, handler) = Create();
        handler.Respond = (_, _) => throw new FakeRpcErrorException(3, "execution reverted", $"\"{CustomErrorData}\"");

        var act = () => client.CallAsync(new CallRequest { To = Account, Data = Hex.Decode("0x6057361d") });

        var revert = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        Hex.Encode(revert.RevertData).Should().Be(CustomErrorData);
        revert.Selector.Should().Be("0x5d6000de");
        revert.Decoded.Should().BeNull("the built-in decoder knows only Error(string) and Panic(uint256)");
        revert.NodeMessage.Should().Be("execution reverted");
        revert.Message.Should().Contain("0x5d6000de");
        revert.InnerException.Should().BeOfType<RpcErrorException>();
    }

    [Fact]
    public async Task CallAsync_RevertDataInsideObject_ExtractsAndDecodesErrorString()
    {
        var (client, handler) = Create();
        handler.Respond = (_, _) => throw new FakeRpcErrorException(
            -32603, "Error: VM Exception while processing transaction: reverted with reason string 'RpcProbe: reason'",
            $$"""{"message":"reverted","data":"{{ErrorStringData}}"}""");

        var act = () => client.CallAsync(new CallRequest { To = Account });

        var revert = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        Hex.Encode(revert.RevertData).Should().Be(ErrorStringData);
        revert.Decoded!.Kind.Should().Be(RevertKind.ErrorString);
        revert.Decoded.Message.Should().Be("RpcProbe: reason");
        revert.Message.Should().Contain("Execution reverted: RpcProbe: reason.");
    }

    [Fact]
    public async Task CallAsync_RevertWithCustomDecoder_UsesIt()
    {
        var decoder = new RevertDecoder([AbiError.Parse("ProbeValueTooLarge(uint256 value, uint256 max)")]);
        var (client, handler) = Create(new RpcClientOptions { RevertDecoder = decoder });
        handler.Respond = (_, _) => throw new FakeRpcErrorException(3, "execution reverted", $"\"{CustomErrorData}\"");

        var act = () => client.CallAsync(new CallRequest { To = Account });

        var decoded = (await act.Should().ThrowAsync<ContractRevertedException>()).Which.Decoded!;
        decoded.Name.Should().Be("ProbeValueTooLarge");
        decoded.Values.Select(v => v.AsUInt256()).Should().Equal(2000UL, 1000UL);
    }

    [Fact]
    public async Task SendAsync_NoAnswerWithinTimeout_ThrowsUnavailableTimeout()
    {
        var (client, handler) = Create(
            new RpcClientOptions { MaxReadRetries = 0 },
            new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        handler.Override = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return FakeRpcHandler.Json("{}");
        };

        var act = () => client.GetChainIdAsync();

        var error = (await act.Should().ThrowAsync<RpcUnavailableException>()).Which;
        error.IsTimeout.Should().BeTrue();
        error.Message.Should().Contain("eth_chainId").And.Contain("0.2 s");
    }

    [Fact]
    public async Task SendAsync_PerCallTimeout_OverridesTransportDefault()
    {
        var (client, handler) = Create(new RpcClientOptions { MaxReadRetries = 0 });
        handler.Override = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return FakeRpcHandler.Json("{}");
        };

        var act = () => client.SendAsync(() => new RpcCall<ulong>("eth_chainId", null, e => 1UL, isReadOnly: true) { Timeout = TimeSpan.FromMilliseconds(100) });

        (await act.Should().ThrowAsync<RpcUnavailableException>()).Which.IsTimeout.Should().BeTrue();
    }

    [Fact]
    public async Task SendAsync_InjectedHttpClientTimeout_ThrowsUnavailableTimeout()
    {
        var handler = new FakeRpcHandler
        {
            Override = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return FakeRpcHandler.Json("{}");
            },
        };
        await using var client = new RpcClient(
            new HttpRpcTransport(Endpoint, new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(100) }),
            new RpcClientOptions { MaxReadRetries = 0 });

        var act = () => client.GetChainIdAsync();

        (await act.Should().ThrowAsync<RpcUnavailableException>()).Which.IsTimeout.Should().BeTrue();
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var (client, handler) = Create();
        handler.Override = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return FakeRpcHandler.Json("{}");
        };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var act = () => client.GetChainIdAsync(cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ReadCall_TransportFaultsThenSuccess_IsRetried()
    {
        var (client, handler) = Create();
        handler.Override = (_, count, _) => Task.FromResult(count <= 2
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            : FakeRpcHandler.Json("""{"jsonrpc":"2.0","id":3,"result":"0x7a69"}"""));

        var chainId = await client.GetChainIdAsync();

        chainId.Should().Be(31337UL);
        handler.RequestCount.Should().Be(3);
    }

    [Fact]
    public async Task SendRawTransaction_TransportFault_IsNeverRetried()
    {
        var (client, handler) = Create();
        handler.Override = (_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway));
        using var key = PrivateKey.ParseHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        var signed = new Eip1559Transaction { ChainId = 31337, GasLimit = 21000, To = Account, MaxFeePerGas = 2, MaxPriorityFeePerGas = 1 }.Sign(key);

        var act = () => client.SendRawTransactionAsync(signed);

        (await act.Should().ThrowAsync<RpcUnavailableException>()).Which.Message.Should().Contain("HTTP 502");
        handler.RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task ReadCall_ConnectionRefused_ThrowsUnavailableAfterRetries()
    {
        var (client, handler) = Create();
        handler.Override = (_, _, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:8545)");

        var act = () => client.GetBlockNumberAsync();

        (await act.Should().ThrowAsync<RpcUnavailableException>()).Which.Message.Should().Contain("ConnectionError");
        handler.RequestCount.Should().Be(4, "one attempt and three retries");
    }

    [Fact]
    public async Task Http500WithJsonRpcBody_IsAnRpcErrorNotAFault()
    {
        var (client, handler) = Create();
        handler.Override = (_, _, _) => Task.FromResult(FakeRpcHandler.Json(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"invalid argument"}}""", HttpStatusCode.InternalServerError));

        var act = () => client.GetBlockNumberAsync();

        (await act.Should().ThrowAsync<RpcErrorException>()).Which.Code.Should().Be(-32602);
    }

    [Fact]
    public async Task CredentialsInEndpoint_SentAsBasicAuthAndNeverInMessages()
    {
        var (client, handler) = Create(
            new RpcClientOptions { MaxReadRetries = 0 },
            endpoint: new Uri("https://alice:s3cret-pass@rpc.example.test/v3/API-KEY-123?token=qs-secret"));
        handler.Override = (_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        var act = () => client.GetBlockNumberAsync();

        var error = (await act.Should().ThrowAsync<RpcUnavailableException>()).Which;
        error.Endpoint.Should().Be("https://rpc.example.test/…");
        error.ToString().Should().NotContainAny("s3cret", "alice", "API-KEY-123", "qs-secret");
        var request = handler.Requests.Single();
        request.RequestUri!.UserInfo.Should().BeEmpty();
        request.Headers.Authorization!.Scheme.Should().Be("Basic");
        request.Headers.Authorization.Parameter.Should().Be(Convert.ToBase64String("alice:s3cret-pass"u8.ToArray()));
    }

    [Fact]
    public async Task MalformedResult_ThrowsProtocolException()
    {
        var (client, handler) = Create();
        handler.Respond = (_, _) => "\"not-hex\"";

        var act = () => client.GetBlockNumberAsync();

        (await act.Should().ThrowAsync<RpcProtocolException>()).Which.Message.Should().Contain("eth_blockNumber");
    }

    [Fact]
    public async Task RpcCall_SentTwice_Throws()
    {
        var (client, handler) = Create();
        handler.Respond = (_, _) => "\"0x1\"";
        var call = EthCalls.ChainId();
        await client.SendBatchAsync([call]);

        var act = () => client.SendBatchAsync([call]);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already sent*");
    }

    [Fact]
    public async Task GetLogs_BlockHashAndRange_RejectedBeforeSending()
    {
        var (client, handler) = Create();

        var act = () => client.GetLogsAsync(new LogFilter { BlockHash = Keccak256.HashUtf8("block"), ToBlock = BlockTag.Latest });

        await act.Should().ThrowAsync<ArgumentException>();
        handler.RequestCount.Should().Be(0);
    }
}
