using System.Net;
using System.Numerics;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Model;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Util;
using Nethereum.Web3;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;
using NethereumRpcClient = Nethereum.JsonRpc.Client.RpcClient;
using RpcClient = TcrToolkit.Ethereum.Rpc.RpcClient;

namespace TcrToolkit.Nethereum.Bench;

/// <summary>
/// The measured operations on fixed inputs, each side doing the same unit of work to the same typed result. The
/// constructor checks that both sides agree (same signed bytes, calldata, decoded values) before anything is timed.
/// </summary>
public sealed class Workload : IDisposable
{
    /// <summary>How many logs the fake node returns to eth_getLogs.</summary>
    public const int LogCount = 2_000;

    private static readonly Address Registry = Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    private readonly PrivateKey _key = PrivateKey.ParseHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private readonly EthECKey _ethKey;
    private readonly byte[] _keccakInput = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray();
    private readonly byte[] _keccakOutput = new byte[32];
    private readonly Sha3Keccack _sha3 = new();
    private readonly Eip1559Transaction _transaction;
    private readonly Transaction1559Signer _signer1559 = new();
    private readonly string[] _logTopics;
    private readonly string _logData;
    private readonly FilterLog _filterLog;
    private readonly (Bytes32 NodeId, UInt256 Amount, UInt256 Deadline, byte[] Proof, byte[] Data) _apply;
    private readonly RpcClient _ours;
    private readonly RpcClient _oursOverNethereum;
    private readonly Web3 _web3;
    private readonly LogFilter _filter;
    private readonly NewFilterInput _filterInput;
    private readonly Event<AppliedEventDto> _appliedEvent;

    public Workload()
    {
        _ethKey = _key.ToEthECKey();
        var calldata = Enumerable.Range(0, 292).Select(i => (byte)((i * 37 + 11) % 256)).ToArray();
        _transaction = new Eip1559Transaction
        {
            ChainId = 31337, Nonce = 42, MaxPriorityFeePerGas = 1_500_000_000UL, MaxFeePerGas = 40_000_000_000UL, GasLimit = 250_000,
            To = Registry, Value = UInt256.Zero, Data = calldata,
        };

        var enr = Encoding.ASCII.GetBytes("enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8");
        var nodeId = Keccak256.HashUtf8("node");
        var owner = Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        _logTopics = [MailServerRegistry.AppliedEvent.Topic.ToString(), nodeId.ToString(), owner.ToBytes32().ToString()];
        _logData = Hex.Encode(AppliedData(EthUnits.ParseEther("100"), 1_767_225_600UL, enr));
        _filterLog = new FilterLog { Address = Registry.ToString(), Topics = [.. _logTopics], Data = _logData };
        _apply = (nodeId, EthUnits.ParseEther("100"), 1_767_225_600UL, Enumerable.Range(0, 65).Select(i => (byte)i).ToArray(), enr);

        var body = Encoding.UTF8.GetBytes(LogsResponse(_logTopics, _logData));
        var endpoint = new Uri("http://127.0.0.1:8545");
        _ours = new RpcClient(new HttpRpcTransport(endpoint, new HttpClient(new CannedNode(body))));
        var nethereumClient = new NethereumRpcClient(endpoint, new HttpClient(new CannedNode(body)), null, null, null);
        _oursOverNethereum = nethereumClient.ToTcrRpcClient();
        _web3 = new Web3(nethereumClient);
        _filter = new LogFilter { Addresses = [Registry], Topics = [[MailServerRegistry.AppliedEvent.Topic]], FromBlock = BlockTag.Earliest, ToBlock = BlockTag.Latest };
        _appliedEvent = _web3.Eth.GetEvent<AppliedEventDto>(Registry.ToString());
        _filterInput = _appliedEvent.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest());
        Check();
    }

    public byte KeccakOurs()
    {
        Keccak256.Hash(_keccakInput, _keccakOutput);
        return _keccakOutput[0];
    }

    public byte KeccakNethereum() => _sha3.CalculateHash(_keccakInput)[0];

    public int SignOurs() => _transaction.Sign(_key).RawBytes.Length;

    /// <summary>The same signature through the <see cref="IAccountSigner"/> path every send now takes.</summary>
    public int SignOursThroughSigner()
    {
        var pending = ((IAccountSigner)_key).SignAsync(_transaction);
        return (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).RawBytes.Length;
    }

    public int SignNethereum() => _signer1559.SignTransaction(_ethKey, NethereumTransaction()).Length;

    /// <summary>Nethereum's signing with <see cref="EthECKey.SignRecoverable"/>: its NBitcoin.Secp256k1 backend.</summary>
    public int SignNethereumNBitcoin()
    {
        EthECKey.SignRecoverable = true;
        try
        {
            return _signer1559.SignTransaction(_ethKey, NethereumTransaction()).Length;
        }
        finally
        {
            EthECKey.SignRecoverable = false;
        }
    }

    public MailServerRegistry.AppliedEvent DecodeLogOurs() => MailServerRegistry.AppliedEvent.TryDecode(_logTopics, _logData)!;

    public EventLog<AppliedEventDto> DecodeLogNethereum() => _filterLog.DecodeEvent<AppliedEventDto>();

    public byte[] EncodeOurs() => MailServerRegistry.EncodeApplyListing(_apply.NodeId, _apply.Amount, _apply.Deadline, _apply.Proof, _apply.Data);

    public byte[] EncodeNethereum() => new ApplyListingFunction
    {
        NodeId = _apply.NodeId.ToArray(), Amount = _apply.Amount, Deadline = _apply.Deadline, NodeProof = _apply.Proof, Data = _apply.Data,
    }.GetCallData();

    public int GetLogsOurs() =>
        _ours.GetLogsAsync(_filter, log => MailServerRegistry.AppliedEvent.TryDecode(log)).GetAwaiter().GetResult().Count;

    public int GetLogsOursOverNethereumClient() =>
        _oursOverNethereum.GetLogsAsync(_filter, log => MailServerRegistry.AppliedEvent.TryDecode(log)).GetAwaiter().GetResult().Count;

    public int GetLogsNethereum() => _appliedEvent.GetAllChangesAsync(_filterInput).GetAwaiter().GetResult().Count;

    public void Dispose()
    {
        _key.Dispose();
        _ours.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _oursOverNethereum.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private Transaction1559 NethereumTransaction() => new(
        _transaction.ChainId, _transaction.Nonce, (BigInteger)_transaction.MaxPriorityFeePerGas, (BigInteger)_transaction.MaxFeePerGas,
        _transaction.GasLimit, Registry.ToString(), BigInteger.Zero, Hex.Encode(_transaction.Data.Span), []);

    /// Both sides must produce the same thing, or the comparison means nothing.
    private void Check()
    {
        var ours = _transaction.Sign(_key).ToHex();
        Require(Normalise(_signer1559.SignTransaction(_ethKey, NethereumTransaction())) == ours, "signed EIP-1559 bytes (BouncyCastle)");
        EthECKey.SignRecoverable = true;
        try
        {
            Require(Normalise(_signer1559.SignTransaction(_ethKey, NethereumTransaction())) == ours, "signed EIP-1559 bytes (NBitcoin)");
        }
        finally
        {
            EthECKey.SignRecoverable = false;
        }

        KeccakOurs();
        Require(_keccakOutput.AsSpan().SequenceEqual(_sha3.CalculateHash(_keccakInput)), "Keccak-256");
        var decoded = DecodeLogOurs();
        var theirs = DecodeLogNethereum().Event;
        Require(decoded.Deposit == (UInt256)theirs.Deposit && decoded.Data.AsSpan().SequenceEqual(theirs.Data) && decoded.Owner == Address.Parse(theirs.Owner), "decoded Applied log");
        Require(EncodeOurs().AsSpan().SequenceEqual(EncodeNethereum()), "applyListing calldata");
        Require(GetLogsOurs() == LogCount && GetLogsNethereum() == LogCount && GetLogsOursOverNethereumClient() == LogCount, "eth_getLogs counts");
    }

    private static string Normalise(string hex) => (hex.StartsWith("0x", StringComparison.Ordinal) ? hex : "0x" + hex).ToLowerInvariant();

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"TcrToolkit and Nethereum disagree on the {what}; the benchmark would compare different work.");
        }
    }

    private static byte[] AppliedData(UInt256 deposit, UInt256 applicationEnd, byte[] data)
    {
        var padded = (data.Length + 31) / 32 * 32;
        var bytes = new byte[(4 * 32) + padded];
        deposit.WriteBigEndian(bytes);
        applicationEnd.WriteBigEndian(bytes.AsSpan(32));
        ((UInt256)96UL).WriteBigEndian(bytes.AsSpan(64)); // the bytes start after the three head words
        ((UInt256)(ulong)data.Length).WriteBigEndian(bytes.AsSpan(96));
        data.CopyTo(bytes, 128);
        return bytes;
    }

    private static string LogsResponse(string[] topics, string data)
    {
        var builder = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":ID,\"result\":[");
        for (var i = 0; i < LogCount; i++)
        {
            var block = 1000 + (i / 10);
            builder.Append(i == 0 ? "" : ",")
                .Append("{\"address\":\"").Append(Registry.ToLowerHex())
                .Append("\",\"topics\":[\"").Append(string.Join("\",\"", topics))
                .Append("\"],\"data\":\"").Append(data)
                .Append("\",\"blockNumber\":\"0x").Append(block.ToString("x"))
                .Append("\",\"blockHash\":\"").Append(Keccak256.HashUtf8(block.ToString()).ToString())
                .Append("\",\"transactionHash\":\"").Append(Keccak256.HashUtf8("tx" + i).ToString())
                .Append("\",\"transactionIndex\":\"0x").Append((i % 10).ToString("x"))
                .Append("\",\"logIndex\":\"0x").Append((i % 10).ToString("x"))
                .Append("\",\"removed\":false}");
        }

        return builder.Append("]}").ToString();
    }

    /// An in-process node that answers every request with the same eth_getLogs body, echoing the request's id.
    private sealed class CannedNode(byte[] body) : HttpMessageHandler
    {
        private readonly string _rest = Encoding.UTF8.GetString(body)["{\"jsonrpc\":\"2.0\",\"id\":ID".Length..];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var requestText = await request.Content!.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var idStart = requestText.IndexOf("\"id\":", StringComparison.Ordinal) + 5;
            var idEnd = requestText.IndexOfAny([',', '}'], idStart);
            var id = requestText[idStart..idEnd];
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":" + id + _rest, Encoding.UTF8, "application/json") };
        }
    }
}
