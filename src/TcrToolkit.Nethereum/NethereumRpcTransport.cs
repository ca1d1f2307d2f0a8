using System.Text;
using System.Text.Json;
using Nethereum.JsonRpc.Client;
using Nethereum.JsonRpc.Client.RpcMessages;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TcrToolkit.Ethereum.Rpc;
using RpcClient = TcrToolkit.Ethereum.Rpc.RpcClient;
using NethereumRpcError = Nethereum.JsonRpc.Client.RpcError;

namespace TcrToolkit.Nethereum;

/// <summary>
/// A TcrToolkit JSON-RPC transport over a Nethereum <see cref="IClient"/> — any of its transports (HTTP
/// <c>RpcClient</c>, IPC, a custom or intercepted client), with its authentication and handlers. An
/// <see cref="RpcClient"/> over it keeps the toolkit's read retries, typed errors (reverts with their data) and
/// pre-flight checks; only the bytes travel through Nethereum.
/// </summary>
/// <remarks>
/// Calls cross Nethereum's Newtonsoft.Json model, which costs time on large answers (an <c>eth_getLogs</c> of
/// thousands of logs): when only the endpoint matters, <see cref="RpcClient.CreateHttp"/> on the same URL is faster
/// (see <c>bench/nethereum-report.md</c>). Batches go out as Nethereum batches; a client without batch support gets
/// the calls one by one, concurrently.
/// </remarks>
public sealed class NethereumRpcTransport : RpcMessageTransport
{
    private static readonly JsonSerializerSettings ReadSettings = new() { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };

    private readonly IClient _client;
    private readonly string? _route;

    /// <summary>Creates a transport over <paramref name="client"/>; the client stays the caller's.</summary>
    /// <param name="client">The Nethereum client, for example <c>web3.Client</c>.</param>
    /// <param name="endpoint">How the endpoint appears in messages (no credentials); by default the client's type name.</param>
    /// <param name="requestTimeout">How long one request may take (Nethereum's own timeout applies too); 30 seconds by default.</param>
    /// <param name="route">Nethereum's optional route argument, passed through.</param>
    public NethereumRpcTransport(IClient client, string? endpoint = null, TimeSpan? requestTimeout = null, string? route = null)
        : base(requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _route = route;
        Endpoint = endpoint ?? $"nethereum:{client.GetType().Name}";
    }

    /// <inheritdoc/>
    public override string Endpoint { get; }

    /// <inheritdoc/>
    protected override async Task<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var parsed = JsonConvert.DeserializeObject<JToken>(Encoding.UTF8.GetString(request.Span), ReadSettings)
            ?? throw new InvalidOperationException("The request body is empty.");
        var messages = parsed is JArray array ? array.Cast<JObject>().Select(ToMessage).ToList() : [ToMessage((JObject)parsed)];
        var responses = messages.Count == 1
            ? [await SendOneAsync(messages[0]).ConfigureAwait(false)]
            : await SendBatchAsync(messages).ConfigureAwait(false);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 * responses.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (parsed is JArray)
            {
                writer.WriteStartArray();
            }

            foreach (var (id, response) in responses)
            {
                WriteResponse(writer, id, response);
            }

            if (parsed is JArray)
            {
                writer.WriteEndArray();
            }
        }

        return buffer.WrittenMemory;
    }

    private static RpcRequestMessage ToMessage(JObject request) =>
        new(request.Value<long>("id"), request.Value<string>("method"), ((JArray?)request["params"])?.Cast<object>().ToArray() ?? []);

    private async Task<(long Id, Response Response)> SendOneAsync(RpcRequestMessage message)
    {
        var id = (long)message.Id;
        try
        {
            var response = await _client.SendAsync(message, _route).ConfigureAwait(false);
            return (id, response.HasError ? Response.FromError(response.Error) : Response.FromResult(response));
        }
        catch (RpcResponseException ex)
        {
            return (id, Response.FromError(ex.RpcError));
        }
        catch (RpcClientTimeoutException ex)
        {
            throw new RpcUnavailableException($"{message.Method} to {Endpoint} timed out in the Nethereum client.", Endpoint, message.Method, ex, isTimeout: true);
        }
    }

    private async Task<List<(long Id, Response Response)>> SendBatchAsync(List<RpcRequestMessage> messages)
    {
        var items = messages.Select(m => new BatchItem(m)).ToList();
        var batch = new RpcRequestResponseBatch { AcceptPartiallySuccessful = true };
        batch.BatchItems.AddRange(items);
        try
        {
            await _client.SendBatchRequestAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NotSupportedException or NotImplementedException)
        {
            var singles = await Task.WhenAll(messages.Select(SendOneAsync)).ConfigureAwait(false);
            return [.. singles];
        }
        catch (RpcClientTimeoutException ex)
        {
            throw new RpcUnavailableException($"A batch of {messages.Count} calls to {Endpoint} timed out in the Nethereum client.", Endpoint, null, ex, isTimeout: true);
        }

        return [.. items.Where(i => i.Response is not null).Select(i => ((long)i.RpcRequestMessage.Id, i.Response!))];
    }

    private static void WriteResponse(Utf8JsonWriter writer, long id, Response response)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WriteNumber("id"u8, id);
        if (response.Error is { } error)
        {
            writer.WriteStartObject("error"u8);
            writer.WriteNumber("code"u8, error.Code);
            writer.WriteString("message"u8, error.Message ?? "");
            if (error.Data is { } data)
            {
                writer.WritePropertyName("data"u8);
                writer.WriteRawValue(data, skipInputValidation: false);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WritePropertyName("result"u8);
            writer.WriteRawValue(response.Result ?? "null", skipInputValidation: false);
        }

        writer.WriteEndObject();
    }

    /// A response as raw JSON: the result, or the error's code, message and data.
    private sealed record Response(string? Result, (int Code, string? Message, string? Data)? Error)
    {
        public static Response FromResult(RpcResponseMessage message) => new(RawJson(message.Result), null);

        public static Response FromError(global::Nethereum.JsonRpc.Client.RpcMessages.RpcError error) =>
            new(null, (error.Code, error.Message, RawJson(error.Data)));

        public static Response FromError(NethereumRpcError error) => new(null, (error.Code, error.Message, RawJson(error.Data)));

        private static string? RawJson(object? value) => value switch
        {
            null => null,
            JToken { Type: JTokenType.Null or JTokenType.Undefined } => null,
            JToken token => token.ToString(Formatting.None),
            JsonElement { ValueKind: JsonValueKind.Undefined } => null,
            JsonElement element => element.GetRawText(),
            string text => System.Text.Json.JsonSerializer.Serialize(text),
            _ => JsonConvert.SerializeObject(value),
        };
    }

    /// One call of a Nethereum batch, kept as its raw response.
    private sealed class BatchItem(RpcRequestMessage message) : IRpcRequestResponseBatchItem
    {
        public Response? Response { get; private set; }

        public RpcRequestMessage RpcRequestMessage { get; } = message;

        public bool HasError => Response?.Error is not null;

        public object? RawResponse => Response;

        public NethereumRpcError? RpcError => Response?.Error is { } e ? new NethereumRpcError(e.Code, e.Message ?? "", e.Data) : null;

        public void DecodeResponse(RpcResponseMessage rpcResponse) =>
            Response = rpcResponse.HasError ? Response.FromError(rpcResponse.Error) : Response.FromResult(rpcResponse);
    }
}
