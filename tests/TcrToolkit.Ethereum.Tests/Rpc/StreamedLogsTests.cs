using System.Net;
using System.Text;
using System.Text.Json;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

/// <summary>
/// <c>eth_getLogs</c> answers read as they stream in over HTTP: the same logs as the whole-document parse however the
/// bytes are cut, and every malformed, cut-short or refused answer surfacing as the exception a caller can act on.
/// </summary>
public sealed class StreamedLogsTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:8545/");
    private static readonly LogFilter Filter = new() { FromBlock = 1, ToBlock = 9 };

    private static string LogJson(int i, string extra = "") => $$"""
        {"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3",
         "topics":["{{Hash($"topic {i}")}}","{{Hash($"node {i}")}}"],
         "data":"0x{{new string((char)('a' + (i % 6)), 2 * (32 + i))}}",
         "blockNumber":"0x{{i + 1:x}}","blockHash":"{{Hash($"block {i}")}}",
         "transactionHash":"{{Hash($"tx {i}")}}","transactionIndex":"0x0","logIndex":"0x{{i:x}}","removed":false{{extra}}}
        """;

    private static string Hash(string seed) => Keccak256.HashUtf8(seed).ToString();

    private static string Response(IEnumerable<string> logs, long id = 1) =>
        $$"""{"jsonrpc":"2.0","id":{{id}},"result":[{{string.Join(",", logs)}}]}""";

    /// <summary>A client whose node answers every request with <paramref name="body"/>, <paramref name="chunk"/> bytes per read.</summary>
    private static RpcClient Answering(string body, int chunk, HttpStatusCode status = HttpStatusCode.OK)
    {
        var handler = new FakeRpcHandler
        {
            Override = (_, _, _) => Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StreamContent(new TricklingStream(Encoding.UTF8.GetBytes(body), chunk)),
            }),
        };
        return new RpcClient(new HttpRpcTransport(Endpoint, new HttpClient(handler)), new RpcClientOptions { MaxReadRetries = 0 });
    }

    private static List<Log> ParseWhole(string body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("result").EnumerateArray().Select(Log.Parse)];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(333)]
    [InlineData(1 << 20)]
    public async Task GetLogsAsync_AnswerArrivesInPieces_GivesTheLogsOfTheWholeDocument(int chunk)
    {
        var body = Response(Enumerable.Range(0, 40).Select(i => LogJson(i)));
        await using var client = Answering(body, chunk);

        var logs = await client.GetLogsAsync(Filter);

        logs.Should().Equal(ParseWhole(body));
        logs.Should().HaveCount(40);
        logs[39].LogIndex.Should().Be(39);
        logs[39].Data.Length.Should().Be(32 + 39);
    }

    private static string RepeatingLogJson(int i, string blockHash, string transactionHash, string address) => $$"""
        {"address":"{{address}}","topics":["{{Hash($"topic {i}")}}"],"data":"0x",
         "blockNumber":"0x1","blockHash":"{{blockHash}}","transactionHash":"{{transactionHash}}",
         "transactionIndex":"0x0","logIndex":"0x{{i:x}}","removed":false}
        """;

    [Theory]
    [InlineData(5)]
    [InlineData(1 << 20)]
    public async Task GetLogsAsync_RepeatedAndAlternatingHashes_GivesTheLogsOfTheWholeDocument(int chunk)
    {
        // Runs of the same block and transaction hash, a return to an earlier one, and the same value in upper case.
        string[] blocks = [Hash("block a"), Hash("block b")];
        string[] addresses = ["0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x5FBDB2315678AFECB367F032D93F642F64180AA3", "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"];
        var body = Response(Enumerable.Range(0, 30).Select(i => RepeatingLogJson(
            i,
            i % 10 == 9 ? blocks[i / 10 % 2].ToUpperInvariant().Replace("0X", "0x") : blocks[i / 10 % 2],
            Hash($"tx {i / 4 % 3}"),
            addresses[i % 7 % 3])));
        await using var client = Answering(body, chunk);

        var logs = await client.GetLogsAsync(Filter);

        logs.Should().Equal(ParseWhole(body));
        logs.Select(l => l.BlockHash.ToString()).Distinct().Should().HaveCount(2);
        logs.Select(l => l.Address).Distinct().Should().HaveCount(2);
    }

    [Fact]
    public async Task GetLogsAsync_MalformedHashAfterAValidOne_ThrowsProtocolError()
    {
        var valid = RepeatingLogJson(0, Hash("block a"), Hash("tx"), "0x5fbdb2315678afecb367f032d93f642f64180aa3");
        var truncated = RepeatingLogJson(1, Hash("block a")[..^2], Hash("tx"), "0x5fbdb2315678afecb367f032d93f642f64180aa3");
        await using var client = Answering(Response([valid, truncated]), 1 << 20);

        var act = () => client.GetLogsAsync(Filter);

        await act.Should().ThrowAsync<RpcProtocolException>();
    }

    [Fact]
    public async Task GetLogsAsync_LogLargerThanTheReadBuffer_IsReadWhole()
    {
        var huge = $$"""{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0x{{new string('7', 2 * 200_000)}}","blockNumber":"0x1","logIndex":"0x0"}""";
        await using var client = Answering(Response([huge, LogJson(1)]), 4096);

        var logs = await client.GetLogsAsync(Filter);

        logs.Should().HaveCount(2);
        logs[0].Data.Length.Should().Be(200_000);
        logs[0].Data.Span.ToArray().Should().AllBeEquivalentTo((byte)0x77);
    }

    [Fact]
    public async Task GetLogsAsync_UnknownMembersAndResultBeforeId_AreAccepted()
    {
        var log = LogJson(3, ""","blockTimestamp":"0x65","extra":{"nested":[1,{"a":"}"}]}""");
        var body = $$"""{"result":[{{log}}],"extra":[{"x":"]"}],"jsonrpc":"2.0","id":"1"}""";
        await using var client = Answering(body, 5);

        var logs = await client.GetLogsAsync(Filter);

        logs.Should().ContainSingle().Which.Should().Be(ParseWhole($$"""{"result":[{{LogJson(3)}}]}""").Single());
    }

    [Fact]
    public async Task GetLogsAsync_WithSelector_KeepsOnlyWhatItSelects()
    {
        await using var client = Answering(Response(Enumerable.Range(0, 10).Select(i => LogJson(i))), 64);

        var indexes = await client.GetLogsAsync(Filter, log => log.LogIndex % 2 == 0 ? log.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);

        indexes.Should().Equal("0", "2", "4", "6", "8");
    }

    [Fact]
    public async Task GetLogsAsync_SelectorThrows_TheCallerGetsItsExceptionUnchanged()
    {
        await using var client = Answering(Response(Enumerable.Range(0, 3).Select(i => LogJson(i))), 64);

        var act = () => client.GetLogsAsync<string>(Filter, log => log.LogIndex == 1 ? throw new TimeZoneNotFoundException("selector failed") : "ok");

        await act.Should().ThrowAsync<TimeZoneNotFoundException>().WithMessage("selector failed");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task GetLogsAsync_ProviderErrorObject_ThrowsRpcErrorWithCodeMessageAndData(int chunk)
    {
        var body = """{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results","data":{"from":"0x1"}}}""";
        await using var client = Answering(body, chunk);

        var act = () => client.GetLogsAsync(Filter);

        var error = (await act.Should().ThrowAsync<RpcErrorException>()).Which;
        error.Code.Should().Be(-32005);
        error.RpcMessage.Should().Be("query returned more than 10000 results");
        error.Method.Should().Be("eth_getLogs");
        error.ErrorData.Should().Be("""{"from":"0x1"}""");
    }

    [Fact]
    public async Task GetLogsAsync_ErrorAfterAPartialResult_ThrowsTheError()
    {
        var body = $$"""{"jsonrpc":"2.0","id":1,"result":[{{LogJson(0)}}],"error":{"code":-32000,"message":"backend failed"} }""";
        await using var client = Answering(body, 9);

        var act = () => client.GetLogsAsync(Filter);

        (await act.Should().ThrowAsync<RpcErrorException>()).Which.Code.Should().Be(-32000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task GetLogsAsync_AnswerEndsInsideTheArray_ThrowsProtocolError(int chunk)
    {
        var whole = Response(Enumerable.Range(0, 5).Select(i => LogJson(i)));
        await using var client = Answering(whole[..(whole.Length * 2 / 3)], chunk);

        var act = () => client.GetLogsAsync(Filter);

        (await act.Should().ThrowAsync<RpcProtocolException>()).Which.Method.Should().Be("eth_getLogs");
    }

    [Fact]
    public async Task GetLogsAsync_AnswerEndsInsideAnError_ThrowsProtocolError()
    {
        await using var client = Answering("""{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"mess""", 4);

        var act = () => client.GetLogsAsync(Filter);

        await act.Should().ThrowAsync<RpcProtocolException>();
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[] "data":"0x"}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0x"}}]}""")]
    [InlineData("""<html><body>502 Bad Gateway</body></html>""")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"result":[]}]""")]
    public async Task GetLogsAsync_InvalidJson_ThrowsProtocolError(string body)
    {
        await using var client = Answering(body, 3);

        var act = () => client.GetLogsAsync(Filter);

        await act.Should().ThrowAsync<RpcProtocolException>();
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":null}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[]}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbd","topics":[],"data":"0x"}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":["0x12"],"data":"0x"}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0xzz"}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0x","logIndex":"12"}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0x","removed":"no"}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[17]}""")]
    public async Task GetLogsAsync_WrongShape_ThrowsProtocolErrorNamingTheMethod(string body)
    {
        await using var client = Answering(body, 3);

        var act = () => client.GetLogsAsync(Filter);

        (await act.Should().ThrowAsync<RpcProtocolException>()).Which.Message.Should().Contain("eth_getLogs");
    }

    [Fact]
    public async Task GetLogsAsync_AnswerForAnotherId_ThrowsProtocolError()
    {
        await using var client = Answering(Response([LogJson(0)], id: 77), 8);

        var act = () => client.GetLogsAsync(Filter);

        (await act.Should().ThrowAsync<RpcProtocolException>()).Which.Message.Should().Contain("id 1");
    }

    [Fact]
    public async Task GetLogsAsync_NeitherResultNorError_ThrowsProtocolError()
    {
        await using var client = Answering("""{"jsonrpc":"2.0","id":1}""", 8);

        var act = () => client.GetLogsAsync(Filter);

        (await act.Should().ThrowAsync<RpcProtocolException>()).Which.Message.Should().Contain("neither a result nor an error");
    }

    [Fact]
    public async Task GetLogsAsync_Http500WithJsonRpcError_ThrowsRpcError()
    {
        await using var client = Answering("""{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal"}}""", 8, HttpStatusCode.InternalServerError);

        var act = () => client.GetLogsAsync(Filter);

        (await act.Should().ThrowAsync<RpcErrorException>()).Which.Code.Should().Be(-32603);
    }

    [Fact]
    public async Task GetLogsAsync_EmptyResult_GivesNoLogs()
    {
        await using var client = Answering("""{"jsonrpc":"2.0","id":1,"result":[]}""", 1);

        var logs = await client.GetLogsAsync(Filter);

        logs.Should().BeEmpty();
    }

    /// <summary>Hands out its bytes at most <c>chunk</c> at a time, as a slow network does.</summary>
    private sealed class TricklingStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(chunk, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
