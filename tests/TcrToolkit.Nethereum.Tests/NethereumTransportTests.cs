using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Testing.Rpc;
using NethereumRpcClient = Nethereum.JsonRpc.Client.RpcClient;
using RpcClient = TcrToolkit.Ethereum.Rpc.RpcClient;

namespace TcrToolkit.Nethereum.Tests;

/// <summary>
/// The toolkit's <see cref="RpcClient"/> over Nethereum's own HTTP client, against an in-process fake node: answers,
/// batches, errors and faults arrive as the toolkit's typed results and exceptions.
/// </summary>
public sealed class NethereumTransportTests : IAsyncDisposable
{
    private const string Revert = "0x5d6000de00000000000000000000000000000000000000000000000000000000000003e9";
    private readonly FakeRpcHandler _node = new();
    private readonly RpcClient _client;

    public NethereumTransportTests()
    {
        var nethereum = new NethereumRpcClient(new Uri("http://127.0.0.1:8545"), new HttpClient(_node), null, null, null);
        _client = nethereum.ToTcrRpcClient(new RpcClientOptions { MaxReadRetries = 0 }, "http://127.0.0.1:8545");
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Call_ThatReverts_RaisesContractRevertedWithTheRevertData()
    {
        _node.Respond = (method, _) => method == "eth_call"
            ? throw new FakeRpcErrorException(3, "execution reverted", $"\"{Revert}\"")
            : throw new FakeRpcErrorException(-32601, "no");

        var call = () => _client.CallAsync(new CallRequest { To = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), Data = new byte[] { 1, 2, 3, 4 } });

        var reverted = (await call.Should().ThrowAsync<ContractRevertedException>()).Which;
        reverted.RevertData.ToArray().Should().Equal(Hex.Decode(Revert));
        reverted.Endpoint.Should().Be("http://127.0.0.1:8545");
    }

    [Fact]
    public async Task Batch_GoesOutAsOneNethereumBatch_AndAnswersMatchById()
    {
        _node.Respond = (method, _) => method switch
        {
            "eth_chainId" => "\"0x7a69\"",
            "eth_blockNumber" => "\"0x10\"",
            _ => throw new FakeRpcErrorException(-32601, "no"),
        };
        var chainId = EthCalls.ChainId();
        var blockNumber = EthCalls.BlockNumber();

        await _client.SendBatchAsync([chainId, blockNumber]);

        (await chainId.Task).Should().Be(31337UL);
        (await blockNumber.Task).Should().Be(16UL);
        _node.Bodies.Should().ContainSingle().Which.TrimStart().Should().StartWith("[");
    }

    [Fact]
    public async Task Error_OfOneCallInABatch_FailsOnlyThatCall()
    {
        _node.Respond = (method, _) => method == "eth_chainId" ? "\"0x1\"" : throw new FakeRpcErrorException(-32000, "header not found");
        var chainId = EthCalls.ChainId();
        var blockNumber = EthCalls.BlockNumber();

        await _client.SendBatchAsync([chainId, blockNumber]);

        (await chainId.Task).Should().Be(1UL);
        var failed = async () => await blockNumber.Task;
        (await failed.Should().ThrowAsync<RpcErrorException>()).Which.Code.Should().Be(-32000);
    }

    [Fact]
    public async Task UnreachableNode_RaisesRpcUnavailable()
    {
        _node.Override = (_, _, _) => throw new HttpRequestException("connection refused");

        var call = () => _client.GetChainIdAsync();

        await call.Should().ThrowAsync<RpcUnavailableException>();
    }

    [Fact]
    public async Task UseNethereum_WithAWeb3AndItsAccount_SendsThroughItsClientAndSignsWithItsAccount()
    {
        using var key = PrivateKey.Generate();
        var web3 = new Web3(new Account(KeyHex(key), 31337), "http://127.0.0.1:8545");
        var services = new ServiceCollection();

        services.AddTcrToolkit(o =>
        {
            o.RegistryAddress = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
            o.SaltVaultPath = Path.Combine(Path.GetTempPath(), "unused-salts.db");
        }).UseNethereum(web3);
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IOptions<TcrToolkitOptions>>().Value.RpcUrl.Should().BeNull();
        provider.GetRequiredService<RpcClient>().Transport.Should().BeOfType<NethereumRpcTransport>();
        provider.GetRequiredService<IAccountSigner>().Address.Should().Be(key.Address);
    }

    [Fact]
    public async Task UseNethereum_AlongsideAnRpcUrl_IsRefusedAsAmbiguous()
    {
        var services = new ServiceCollection();
        services.AddTcrToolkit(o =>
        {
            o.RpcUrl = new Uri("http://127.0.0.1:8545");
            o.RegistryAddress = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        }).UseNethereum(new Web3("http://127.0.0.1:8545"));
        await using var provider = services.BuildServiceProvider();

        var options = () => provider.GetRequiredService<IOptions<TcrToolkitOptions>>().Value;

        options.Should().Throw<OptionsValidationException>().WithMessage("*RpcUrl or Transport, not both*");
    }

    private static string KeyHex(PrivateKey key)
    {
        var secret = new byte[PrivateKey.Size];
        key.ExportSecret(secret);
        return Hex.Encode(secret);
    }
}
