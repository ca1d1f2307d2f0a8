using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

public sealed class RpcClientIntegrationTests(HardhatNodeFixture node) : HardhatTest(node)
{
    private static readonly Address Recipient = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

    [Fact]
    public async Task ChainAndBlocks_ReadFromNode_AgreeByNumberAndHash()
    {
        var chainId = await Client.GetChainIdAsync();
        await Client.MineAsync();
        var number = await Client.GetBlockNumberAsync();

        var byNumber = await Client.GetBlockAsync(BlockTag.FromNumber(number));
        var byHash = await Client.GetBlockAsync(byNumber!.Hash);
        var latest = await Client.GetBlockAsync(BlockTag.Latest);
        var missing = await Client.GetBlockAsync(BlockTag.FromNumber(number + 1000));

        chainId.Should().Be(31337UL);
        byNumber.Number.Should().Be(number);
        byHash.Should().BeEquivalentTo(byNumber);
        latest!.Hash.Should().Be(byNumber.Hash);
        byNumber.BaseFeePerGas.Should().NotBeNull();
        byNumber.GasLimit.Should().BeGreaterThan(0);
        byNumber.Timestamp.Should().BeGreaterThan(0);
        missing.Should().BeNull();
    }

    [Fact]
    public async Task Deploy_FromRawBytecode_StoresCodeAtContractAddress()
    {
        var sender = new TransactionSender(Client, Key, FastPolling());

        var receipt = await sender.SendAndWaitAsync(new TransactionRequest { Data = RpcProbeContract.CreationCode });

        receipt.Succeeded.Should().BeTrue();
        receipt.To.Should().BeNull();
        receipt.ContractAddress.Should().NotBeNull();
        var code = await Client.GetCodeAsync(receipt.ContractAddress!.Value);
        code.Should().NotBeEmpty();
        Hex.Encode(RpcProbeContract.CreationCode).Should().EndWith(Hex.Encode(code, withPrefix: false), "the runtime code is the tail of the creation code");
    }

    [Fact]
    public async Task Store_ThenCall_ReturnsValueAndReceiptCarriesLog()
    {
        var probe = await DeployProbeAsync();
        var sender = new TransactionSender(Client, Key, FastPolling());

        var receipt = await sender.SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(42) });
        var returned = await Client.CallAsync(new CallRequest { To = probe, Data = RpcProbeContract.Value() });

        UInt256.FromBigEndian(returned).Should().Be((UInt256)42UL);
        receipt.Succeeded.Should().BeTrue();
        receipt.From.Should().Be(Key.Address);
        receipt.GasUsed.Should().BeGreaterThan(21_000);
        receipt.EffectiveGasPrice.IsZero.Should().BeFalse();
        var log = receipt.Logs.Should().ContainSingle().Subject;
        log.Address.Should().Be(probe);
        log.Topics.Should().Equal(RpcProbeContract.ValueStoredTopic, RpcProbeContract.Word(Key.Address), RpcProbeContract.Word(42));
        UInt256.FromBigEndian(log.Data.Span).Should().Be(UInt256.Zero, "the previous value was zero");
        log.BlockHash.Should().Be(receipt.BlockHash);
        log.BlockNumber.Should().Be(receipt.BlockNumber);
        log.TransactionHash.Should().Be(receipt.TransactionHash);
        log.LogIndex.Should().Be(0);
        log.Removed.Should().BeFalse();
    }

    [Theory]
    [InlineData(TransactionType.Legacy)]
    [InlineData(TransactionType.AccessList)]
    [InlineData(TransactionType.DynamicFee)]
    public async Task Send_EachTransactionType_IsMinedWithThatType(TransactionType type)
    {
        var sender = new TransactionSender(Client, Key, FastPolling());
        var before = await Client.GetBalanceAsync(Recipient);
        var request = new TransactionRequest
        {
            Type = type,
            To = Recipient,
            Value = EthUnits.ParseEther("1.5"),
            AccessList = type == TransactionType.Legacy ? [] : [new AccessListEntry(Recipient, [Bytes32.Zero])],
        };

        var receipt = await sender.SendAndWaitAsync(request);

        receipt.Type.Should().Be(type);
        receipt.Succeeded.Should().BeTrue();
        (await Client.GetBalanceAsync(Recipient)).Should().Be(before + EthUnits.ParseEther("1.5"));
    }

    [Fact]
    public async Task GetLogs_TopicOrListsNullsRangesAndBlockHash_SelectTheRightLogs()
    {
        var probe = await DeployProbeAsync();
        var sender = new TransactionSender(Client, Key, FastPolling());
        var first = await sender.SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(1) });
        var second = await sender.SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(2) });
        var third = await sender.SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(3) });

        var oneOrThree = await Client.GetLogsAsync(new LogFilter
        {
            Addresses = [probe],
            Topics = [[RpcProbeContract.ValueStoredTopic], null, [RpcProbeContract.Word(1), RpcProbeContract.Word(3)]],
            FromBlock = first.BlockNumber,
            ToBlock = BlockTag.Latest,
        });
        var rangeOfTwo = await Client.GetLogsAsync(new LogFilter { Addresses = [probe], FromBlock = second.BlockNumber, ToBlock = third.BlockNumber });
        var byHash = await Client.GetLogsAsync(new LogFilter { Addresses = [probe], BlockHash = second.BlockHash });
        var otherSender = await Client.GetLogsAsync(new LogFilter
        {
            Addresses = [probe],
            Topics = [null, [RpcProbeContract.Word(Recipient)]],
            FromBlock = first.BlockNumber,
        });

        oneOrThree.Select(l => l.TransactionHash).Should().Equal(first.TransactionHash, third.TransactionHash);
        rangeOfTwo.Select(l => l.TransactionHash).Should().Equal(second.TransactionHash, third.TransactionHash);
        byHash.Should().ContainSingle().Which.Should().Be(second.Logs[0]);
        otherSender.Should().BeEmpty();
    }

    [Fact]
    public async Task Call_CustomErrorRevert_SurfacesRawDataAndSelector()
    {
        var probe = await DeployProbeAsync();

        var act = () => Client.CallAsync(new CallRequest { From = Key.Address, To = probe, Data = RpcProbeContract.Store(2000) });

        var revert = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        revert.Selector.Should().Be(RpcProbeContract.ValueTooLargeSelector);
        Hex.Encode(Keccak256.HashUtf8("ProbeValueTooLarge(uint256,uint256)").AsSpan()[..4]).Should().Be(revert.Selector);
        Hex.Encode(revert.RevertData).Should().Be(Hex.Encode(RpcProbeContract.Calldata(RpcProbeContract.ValueTooLargeSelector, 2000, 1000)));
        revert.Decoded.Should().BeNull();
        revert.NodeMessage.Should().NotBeNullOrEmpty();
        revert.TransactionHash.Should().BeNull();
    }

    [Fact]
    public async Task Call_CustomErrorRevert_DecodedAgainstTheContractAbi()
    {
        var probe = await DeployProbeAsync();
        var decoder = new RevertDecoder([AbiError.Parse("ProbeValueTooLarge(uint256 value, uint256 limit)")]);
        await using var client = RpcClient.CreateHttp(Node.HttpEndpoint, new RpcClientOptions { RevertDecoder = decoder });

        var act = () => client.CallAsync(new CallRequest { From = Key.Address, To = probe, Data = RpcProbeContract.Store(2000) });

        var revert = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        revert.Decoded!.Name.Should().Be("ProbeValueTooLarge");
        revert.Decoded["value"].AsUInt256().Should().Be((UInt256)2000UL);
        revert.Decoded["limit"].AsUInt256().Should().Be((UInt256)1000UL);
        revert.Message.Should().StartWith("Execution reverted: ProbeValueTooLarge(value=2000, limit=1000).");
    }

    [Fact]
    public async Task Send_WouldRevert_EstimateGasRaisesBeforeSending()
    {
        var probe = await DeployProbeAsync();
        var sender = new TransactionSender(Client, Key, FastPolling());
        var nonceBefore = await Client.GetTransactionCountAsync(Key.Address, BlockTag.Pending);

        var act = () => sender.SendAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(5000) });

        (await act.Should().ThrowAsync<ContractRevertedException>()).Which.Method.Should().Be("eth_estimateGas");
        (await Client.GetTransactionCountAsync(Key.Address, BlockTag.Pending)).Should().Be(nonceBefore);
    }

    [Fact]
    public async Task Send_RevertedReceipt_ReplaysCallForRevertData()
    {
        var probe = await DeployProbeAsync();
        var sender = new TransactionSender(Client, Key, FastPolling());

        // A fixed gas limit skips estimation, so the reverting transaction is mined.
        var sent = await sender.SendAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(1001), GasLimit = 100_000 });
        var act = () => sender.WaitForReceiptAsync(sent);

        var revert = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        revert.TransactionHash.Should().Be(sent.Hash);
        revert.Selector.Should().Be(RpcProbeContract.ValueTooLargeSelector);
        Hex.Encode(revert.RevertData).Should().Be(Hex.Encode(RpcProbeContract.Calldata(RpcProbeContract.ValueTooLargeSelector, 1001, 1000)));
        revert.Message.Should().Contain(sent.Hash.ToString());
        var receipt = await Client.GetTransactionReceiptAsync(sent.Hash);
        receipt!.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task Call_ErrorStringAndPanic_AreDecodedByTheBuiltInDecoder()
    {
        var probe = await DeployProbeAsync();

        var reason = () => Client.CallAsync(new CallRequest { To = probe, Data = RpcProbeContract.FailWithReason() });
        var panic = () => Client.CallAsync(new CallRequest { To = probe, Data = RpcProbeContract.Divide(0) });

        (await reason.Should().ThrowAsync<ContractRevertedException>()).Which.Decoded!.Message.Should().Be("RpcProbe: reason");
        (await panic.Should().ThrowAsync<ContractRevertedException>()).Which.Decoded!.PanicCode.Should().Be((UInt256)0x12UL);
    }

    [Fact]
    public async Task Send_TwentyConcurrentlyFromOneAccount_AllMinedWithContiguousNonces()
    {
        var firstNonce = await Client.GetTransactionCountAsync(Key.Address, BlockTag.Pending);
        // Two senders for the same account share the client's nonce lock.
        var senders = new[] { new TransactionSender(Client, Key, FastPolling()), new TransactionSender(Client, Key, FastPolling()) };

        var sent = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => senders[i % 2].SendAsync(new TransactionRequest { To = Recipient, Value = (ulong)(i + 1) }))));
        var receipts = await Task.WhenAll(sent.Select(s => senders[0].WaitForReceiptAsync(s)));

        sent.Select(s => s.Nonce).Order().Should().Equal(Enumerable.Range(0, 20).Select(i => firstNonce + (ulong)i));
        sent.Select(s => s.Hash).Should().OnlyHaveUniqueItems();
        receipts.Should().OnlyContain(r => r.Succeeded);
        (await Client.GetTransactionCountAsync(Key.Address)).Should().Be(firstNonce + 20);
    }

    [Fact]
    public async Task Send_NonceTakenBehindTheSendersBack_ResyncsFromPendingCount()
    {
        var start = await Client.GetTransactionCountAsync(Key.Address, BlockTag.Pending);
        var sender = new TransactionSender(Client, Key, FastPolling());
        await sender.SendAndWaitAsync(new TransactionRequest { To = Recipient, Value = 1UL });
        await using (var otherClient = RpcClient.CreateHttp(Node.HttpEndpoint))
        {
            // Another process uses the next nonce; this sender's local nonce is now stale.
            await new TransactionSender(otherClient, Key, FastPolling()).SendAndWaitAsync(new TransactionRequest { To = Recipient, Value = 2UL });
        }

        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient, Value = 3UL });
        var receipt = await sender.WaitForReceiptAsync(sent);

        receipt.Succeeded.Should().BeTrue();
        sent.Nonce.Should().Be(start + 2);
        (await Client.GetTransactionCountAsync(Key.Address)).Should().Be(start + 3);
    }

    [Fact]
    public async Task WaitForReceipt_ThreeConfirmations_CompletesOnlyAfterTwoMoreBlocks()
    {
        var sender = new TransactionSender(Client, Key, FastPolling(confirmations: 3));
        var sent = await sender.SendAsync(new TransactionRequest { To = Recipient, Value = 1UL });

        var waiting = sender.WaitForReceiptAsync(sent);
        var minedReceipt = await WaitUntilMinedAsync(sent.Hash);
        await Task.Delay(200);
        var completedEarly = waiting.IsCompleted;
        await Client.MineAsync();
        await Task.Delay(200);
        var completedAfterOne = waiting.IsCompleted;
        await Client.MineAsync();
        var receipt = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        completedEarly.Should().BeFalse();
        completedAfterOne.Should().BeFalse();
        receipt.BlockHash.Should().Be(minedReceipt.BlockHash);
        (await Client.GetBlockNumberAsync()).Should().Be(receipt.BlockNumber + 2);
    }

    [Fact]
    public async Task IncreaseTime_ThenMine_MovesBlockTimestampForward()
    {
        await Client.MineAsync();
        var before = (await Client.GetBlockAsync(BlockTag.Latest))!.Timestamp;

        await Client.IncreaseTimeAsync(TimeSpan.FromDays(7));
        await Client.MineAsync();

        (await Client.GetBlockAsync(BlockTag.Latest))!.Timestamp.Should().BeGreaterThanOrEqualTo(before + (7 * 24 * 3600));
    }

    [Fact]
    public async Task Batch_AgainstNode_AnswersEveryCall()
    {
        var probe = await DeployProbeAsync();
        var balance = EthCalls.GetBalance(Key.Address);
        var nonce = EthCalls.GetTransactionCount(Key.Address, BlockTag.Pending);
        var code = EthCalls.GetCode(probe);
        var history = EthCalls.FeeHistory(2, BlockTag.Latest, [25, 75]);
        var tip = EthCalls.MaxPriorityFeePerGas();
        var unknown = new RpcCall<bool>("tcr_noSuchMethod", null, _ => true, isReadOnly: true);

        await Client.SendBatchAsync([balance, nonce, code, history, tip, unknown]);

        (await balance.Task).IsZero.Should().BeFalse();
        (await nonce.Task).Should().BeGreaterThan(0);
        (await code.Task).Should().NotBeEmpty();
        var fees = await history.Task;
        fees.BaseFeePerGas.Should().HaveCount(3);
        fees.Reward.Should().HaveCount(2).And.OnlyContain(r => r.Count == 2);
        fees.NextBaseFeePerGas.IsZero.Should().BeFalse();
        (await tip.Task).IsZero.Should().BeFalse();
        await unknown.Awaiting(u => u.Task).Should().ThrowAsync<RpcErrorException>();
    }

    [Fact]
    public async Task GetProof_StoredSlot_ReturnsAccountAndStorageProof()
    {
        var probe = await DeployProbeAsync();
        await new TransactionSender(Client, Key, FastPolling()).SendAndWaitAsync(new TransactionRequest { To = probe, Data = RpcProbeContract.Store(7) });

        var proof = await Client.GetProofAsync(probe, [Bytes32.Zero]);

        proof.Address.Should().Be(probe);
        proof.Nonce.Should().Be(1, "a contract's nonce starts at 1 (EIP-161)");
        proof.AccountProofNodes.Should().NotBeEmpty();
        var slot = proof.StorageProofs.Should().ContainSingle().Subject;
        slot.Key.Should().Be(Bytes32.Zero);
        slot.Value.Should().Be((UInt256)7UL);
        slot.Proof.Should().NotBeEmpty();
    }

    private async Task<TransactionReceipt> WaitUntilMinedAsync(Bytes32 hash)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await Client.GetTransactionReceiptAsync(hash) is { } receipt)
            {
                return receipt;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{hash} was not mined.");
    }
}
