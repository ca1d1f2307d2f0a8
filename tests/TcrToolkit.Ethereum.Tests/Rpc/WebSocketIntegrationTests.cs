using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

public sealed class WebSocketIntegrationTests(HardhatNodeFixture node) : HardhatTest(node)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Calls_OverWebSocket_SingleAndBatch()
    {
        await using var ws = await RpcClient.ConnectWebSocketAsync(Node.WebSocketEndpoint);
        var chainId = EthCalls.ChainId();
        var blockNumber = EthCalls.BlockNumber();

        (await ws.GetChainIdAsync()).Should().Be(31337UL);
        await ws.SendBatchAsync([chainId, blockNumber]);

        (await chainId.Task).Should().Be(31337UL);
        (await blockNumber.Task).Should().Be(await Client.GetBlockNumberAsync());
    }

    [Fact]
    public async Task LogsSubscription_StoreCalls_DeliversTheirLogsInOrder()
    {
        var probe = await DeployProbeAsync();
        await using var ws = await RpcClient.ConnectWebSocketAsync(Node.WebSocketEndpoint);
        await using var subscription = await ws.SubscribeLogsAsync(new LogFilter { Addresses = [probe], Topics = [[RpcProbeContract.ValueStoredTopic]] });
        var sender = new TransactionSender(Client, Key, FastPolling());

        var first = await sender.SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(10) });
        var second = await sender.SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(20) });
        var events = await TakeAsync(subscription, 2);

        events.Should().OnlyContain(e => e.Kind == SubscriptionEventKind.Item);
        events.Select(e => e.Value!).Should().Equal(first.Logs[0], second.Logs[0]);
        subscription.Id.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task NewHeadsSubscription_Mine_DeliversHeaderWithBaseFee()
    {
        await using var ws = await RpcClient.ConnectWebSocketAsync(Node.WebSocketEndpoint);
        await using var heads = await ws.SubscribeNewHeadsAsync();

        await Client.MineAsync();
        var header = (await TakeAsync(heads, 1))[0].Value!;
        var block = await Client.GetBlockAsync(BlockTag.Latest);

        header.Number.Should().Be(block!.Number);
        header.Hash.Should().Be(block.Hash);
        header.ParentHash.Should().Be(block.ParentHash);
        header.BaseFeePerGas.Should().Be(block.BaseFeePerGas);
    }

    [Fact]
    public async Task Subscription_ConnectionDrops_ReconnectsResubscribesAndSignalsGap()
    {
        await using var proxy = new LoopbackTcpProxy(Node.Port);
        var options = new WebSocketRpcTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) };
        await using var transport = await WebSocketRpcTransport.ConnectAsync(proxy.WebSocketEndpoint, options);
        await using var ws = new RpcClient(transport, ownsTransport: false);
        await using var heads = await ws.SubscribeNewHeadsAsync();
        await Client.MineAsync();
        var before = (await TakeAsync(heads, 1))[0];

        proxy.DropConnections();
        var gap = (await TakeAsync(heads, 1))[0];
        await Client.MineAsync();
        var after = (await TakeAsync(heads, 1))[0];

        before.Kind.Should().Be(SubscriptionEventKind.Item);
        gap.IsGap.Should().BeTrue();
        after.Value!.Number.Should().Be(before.Value!.Number + 1);
        transport.ReconnectCount.Should().Be(1);
        heads.Id.Should().NotBeNull();
        (await ws.GetChainIdAsync()).Should().Be(31337UL, "calls work again on the new connection");
    }

    [Fact]
    public async Task Call_StalledConnection_TimesOutAsUnavailable()
    {
        await using var proxy = new LoopbackTcpProxy(Node.Port);
        await using var ws = await RpcClient.ConnectWebSocketAsync(
            proxy.WebSocketEndpoint, new RpcClientOptions { MaxReadRetries = 0 }, new WebSocketRpcTransportOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        (await ws.GetChainIdAsync()).Should().Be(31337UL);
        proxy.Paused = true;

        var act = () => ws.GetBlockNumberAsync();

        var error = (await act.Should().ThrowAsync<RpcUnavailableException>()).Which;
        error.IsTimeout.Should().BeTrue();
        error.Method.Should().Be("eth_blockNumber");
        proxy.Paused = false;
    }

    [Fact]
    public async Task Call_InFlightWhenConnectionDrops_FailsAsUnavailableAndRetriedReadSucceeds()
    {
        await using var proxy = new LoopbackTcpProxy(Node.Port);
        var transportOptions = new WebSocketRpcTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) };
        await using var noRetry = await RpcClient.ConnectWebSocketAsync(proxy.WebSocketEndpoint, new RpcClientOptions { MaxReadRetries = 0 }, transportOptions);
        await using var withRetry = await RpcClient.ConnectWebSocketAsync(proxy.WebSocketEndpoint, new RpcClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(100) }, transportOptions);
        (await noRetry.GetChainIdAsync()).Should().Be(31337UL);
        (await withRetry.GetChainIdAsync()).Should().Be(31337UL);
        proxy.Paused = true;

        var failing = noRetry.GetBlockNumberAsync();
        var retried = withRetry.GetBlockNumberAsync();
        await Task.Delay(100);
        proxy.DropConnections();
        proxy.Paused = false;

        (await failing.Awaiting(t => t).Should().ThrowAsync<RpcUnavailableException>()).Which.IsTimeout.Should().BeFalse();
        (await retried.WaitAsync(TimeSpan.FromSeconds(20))).Should().Be(await Client.GetBlockNumberAsync());
    }

    [Fact]
    public async Task Call_AfterDispose_FailsAsUnavailableAndStreamsEnd()
    {
        var ws = await RpcClient.ConnectWebSocketAsync(Node.WebSocketEndpoint, new RpcClientOptions { MaxReadRetries = 0 });
        var heads = await ws.SubscribeNewHeadsAsync();

        await ws.DisposeAsync();
        var act = () => ws.GetChainIdAsync();

        (await act.Should().ThrowAsync<RpcUnavailableException>()).Which.Message.Should().Contain("disposed");
        (await TakeAsync(heads, 1)).Should().BeEmpty("disposing the transport ends every stream");
        await heads.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_OverHttp_IsNotSupported()
    {
        var act = () => Client.SubscribeNewHeadsAsync();

        await act.Should().ThrowAsync<NotSupportedException>().WithMessage("*ConnectWebSocketAsync*");
    }

    [Fact]
    public async Task Connect_NothingListening_ThrowsUnavailable()
    {
        var port = new LoopbackTcpProxy(Node.Port);
        var closedPort = port.WebSocketEndpoint.Port;
        await port.DisposeAsync();

        var act = () => RpcClient.ConnectWebSocketAsync(new Uri($"ws://alice:s3cret@127.0.0.1:{closedPort}/API-KEY-9"));

        var error = (await act.Should().ThrowAsync<RpcUnavailableException>()).Which;
        error.Endpoint.Should().Be($"ws://127.0.0.1:{closedPort}/…");
        error.ToString().Should().NotContainAny("s3cret", "alice", "API-KEY-9");
    }

    private static async Task<List<SubscriptionEvent<T>>> TakeAsync<T>(RpcSubscription<T> subscription, int count)
    {
        using var timeout = new CancellationTokenSource(EventTimeout);
        var events = new List<SubscriptionEvent<T>>();
        await using var enumerator = subscription.GetAsyncEnumerator(timeout.Token);
        while (events.Count < count && await enumerator.MoveNextAsync())
        {
            events.Add(enumerator.Current);
        }

        return events;
    }
}
