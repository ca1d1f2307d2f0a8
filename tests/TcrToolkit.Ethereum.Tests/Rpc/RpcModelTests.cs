using System.Buffers;
using System.Text;
using System.Text.Json;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

public sealed class RpcModelTests
{
    private static T Parse<T>(string json, Func<JsonElement, T> parse)
    {
        using var document = JsonDocument.Parse(json);
        return parse(document.RootElement);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Receipt_HardhatJsonWithLog_ParsesEveryField()
    {
        const string json = """
            {"blockHash":"0xdfd59a13d3779900638d51caee63814cfbf0df6156e485d501f1fea83d8e44a3","blockNumber":"0x2",
             "transactionHash":"0xcce93d84276ffb6d1dbf7a970d8176216ecca49f4feca4555db04be802eb1857","transactionIndex":"0x0","type":"0x2",
             "from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","to":"0x5fbdb2315678afecb367f032d93f642f64180aa3",
             "cumulativeGasUsed":"0xb0b5","gasUsed":"0xb0b5","contractAddress":null,
             "logs":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3",
                      "topics":["0xba30f66f92f4d3448ae9ad72be8b6c941050f2efcc123e99ad95d07d4b86e628","0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"],
                      "data":"0x0000000000000000000000000000000000000000000000000000000000000000",
                      "blockHash":"0xdfd59a13d3779900638d51caee63814cfbf0df6156e485d501f1fea83d8e44a3","blockNumber":"0x2",
                      "transactionHash":"0xcce93d84276ffb6d1dbf7a970d8176216ecca49f4feca4555db04be802eb1857","transactionIndex":"0x0",
                      "logIndex":"0x0","removed":false}],
             "status":"0x1","effectiveGasPrice":"0x4201eab3"}
            """;

        var receipt = Parse(json, TransactionReceipt.Parse);

        receipt.Succeeded.Should().BeTrue();
        receipt.BlockNumber.Should().Be(2);
        receipt.GasUsed.Should().Be(0xb0b5);
        receipt.EffectiveGasPrice.Should().Be((UInt256)0x4201eab3UL);
        receipt.ContractAddress.Should().BeNull();
        receipt.Type.Should().Be(TransactionType.DynamicFee);
        receipt.To.Should().Be(Address.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        var log = receipt.Logs.Should().ContainSingle().Subject;
        log.Topics.Should().HaveCount(2);
        log.Topics[0].ToString().Should().Be("0xba30f66f92f4d3448ae9ad72be8b6c941050f2efcc123e99ad95d07d4b86e628");
        log.Data.Length.Should().Be(32);
        log.BlockHash.Should().Be(receipt.BlockHash);
        log.LogIndex.Should().Be(0);
        log.Removed.Should().BeFalse();
    }

    [Fact]
    public void Quantity_LeadingZerosAndNumbers_AreAccepted()
    {
        Parse("\"0x000a\"", RpcJson.UInt64).Should().Be(10);
        Parse("\"0x0\"", RpcJson.UInt64).Should().Be(0);
        Parse("7", RpcJson.UInt64).Should().Be(7);
    }

    [Theory]
    [InlineData("\"0x\"")]
    [InlineData("\"12\"")]
    [InlineData("\"0xzz\"")]
    [InlineData("null")]
    [InlineData("\"0x10000000000000000\"")]
    public void UInt64_Malformed_Throws(string json)
    {
        var act = () => Parse(json, RpcJson.UInt64);

        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void LogFilter_OrListsNullsAndRange_WritesEthGetLogsShape()
    {
        var topicA = Keccak256.HashUtf8("A()");
        var topicB = Keccak256.HashUtf8("B()");
        var topicC = Keccak256.HashUtf8("C()");
        var filter = new LogFilter
        {
            Addresses = [Address.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3")],
            Topics = [[topicA, topicB], null, [topicC]],
            FromBlock = 1,
            ToBlock = BlockTag.Latest,
        };

        var json = Write(w => filter.WriteTo(w, includeRange: true));

        json.Should().Be(
            $$"""{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[["{{topicA}}","{{topicB}}"],null,"{{topicC}}"],"fromBlock":"0x1","toBlock":"latest"}""");
    }

    [Fact]
    public void LogFilter_BlockHashWithRange_IsRejected()
    {
        var filter = new LogFilter { BlockHash = Keccak256.HashUtf8("block"), FromBlock = 1 };

        var act = () => Write(w => filter.WriteTo(w, includeRange: true));

        act.Should().Throw<ArgumentException>().WithMessage("*either a BlockHash or*");
    }

    [Theory]
    [InlineData(0UL, "0x0")]
    [InlineData(26UL, "0x1a")]
    public void BlockTag_Number_FormatsAsQuantity(ulong number, string expected)
    {
        BlockTag tag = number;

        tag.ToString().Should().Be(expected);
        tag.Number.Should().Be(number);
        Write(tag.WriteTo).Should().Be($"\"{expected}\"");
    }

    [Fact]
    public void BlockTag_Named_FormatsAsName()
    {
        default(BlockTag).Should().Be(BlockTag.Latest);
        BlockTag.Pending.ToString().Should().Be("pending");
        BlockTag.Finalized.Number.Should().BeNull();
    }

    [Fact]
    public void CallRequest_OnlySetFields_AreWritten()
    {
        var request = new CallRequest { To = Address.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3"), Data = new byte[] { 0x3f, 0xa4, 0xf2, 0x45 }, Value = 0UL };

        Write(request.WriteTo).Should().Be("""{"to":"0x5fbdb2315678afecb367f032d93f642f64180aa3","value":"0x0","data":"0x3fa4f245"}""");
    }

    [Theory]
    [InlineData("\"0x5d6000de\"", "0x5d6000de")]
    [InlineData("""{"message":"x","data":"0x5d6000de"}""", "0x5d6000de")]
    [InlineData("""{"data":{"data":"0x5d6000de"}}""", "0x5d6000de")]
    [InlineData("""{"originalError":{"data":"0x5d6000de"}}""", "0x5d6000de")]
    [InlineData("\"Reverted 0x5d6000de\"", "0x5d6000de")]
    public void ExtractRevertData_NodeFormats_FindsHex(string dataJson, string expected)
    {
        var data = Parse(dataJson, e => RpcResponses.ExtractRevertData(e, 0));

        Hex.Encode(data!).Should().Be(expected);
    }

    [Theory]
    [InlineData("\"not revert data\"")]
    [InlineData("""{"message":"nonce too low"}""")]
    [InlineData("42")]
    public void ExtractRevertData_NoHex_ReturnsNull(string dataJson)
    {
        Parse(dataJson, e => RpcResponses.ExtractRevertData(e, 0)).Should().BeNull();
    }

    [Theory]
    [InlineData("http://user:pw@10.0.0.1:8545/", "http://10.0.0.1:8545")]
    [InlineData("https://mainnet.example.test/v3/abcdef", "https://mainnet.example.test/…")]
    [InlineData("wss://node.example.test:8546/ws?key=1", "wss://node.example.test:8546/…")]
    public void Redact_RemovesCredentialsPathAndQuery(string endpoint, string expected)
    {
        RpcEndpoint.Redact(new Uri(endpoint)).Should().Be(expected);
    }
}
