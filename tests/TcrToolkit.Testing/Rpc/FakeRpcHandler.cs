using System.Net;
using System.Text;
using System.Text.Json;

namespace TcrToolkit.Testing.Rpc;

/// <summary>A JSON-RPC error the fake node answers with.</summary>
/// <param name="code">The JSON-RPC error code.</param>
/// <param name="message">The error message.</param>
/// <param name="dataJson">The raw JSON of the error's <c>data</c>, if any.</param>
public sealed class FakeRpcErrorException(int code, string message, string? dataJson = null) : Exception(message)
{
    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; } = code;

    /// <summary>The raw JSON of the error's <c>data</c>, if any.</summary>
    public string? DataJson { get; } = dataJson;
}

/// <summary>Thrown by a fake node's responder to fail the whole HTTP exchange with a status code.</summary>
/// <param name="status">The status to answer with.</param>
public sealed class FakeHttpStatusException(HttpStatusCode status) : Exception($"HTTP {(int)status}")
{
    /// <summary>The status to answer with.</summary>
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// An in-process fake node behind <see cref="HttpMessageHandler"/>: each request's calls go to <see cref="Respond"/>,
/// which returns the raw JSON of the result or throws <see cref="FakeRpcErrorException"/>. Batches are answered in reverse order
/// so that id matching is exercised. <see cref="Override"/> replaces the whole HTTP answer when set.
/// </summary>
public sealed class FakeRpcHandler : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<string> _bodies = [];

    /// <summary>Answers one call: given the method and its params, the raw JSON of the result (by default: method not found).</summary>
    public Func<string, JsonElement, string> Respond { get; set; } = (method, _) => throw new FakeRpcErrorException(-32601, $"Method {method} not found");

    /// <summary>When set, answers every request instead of <see cref="Respond"/> (for faults and delays).</summary>
    public Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>>? Override { get; set; }

    /// <summary>Whether batch answers come back in reverse order (by default, so that id matching is exercised).</summary>
    public bool ReverseBatchOrder { get; set; } = true;

    /// <summary>Every request body received, in order.</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_gate)
            {
                return [.. _bodies];
            }
        }
    }

    /// <summary>Every request received, in order.</summary>
    public List<HttpRequestMessage> Requests { get; } = [];

    /// <summary>How many requests were received.</summary>
    public int RequestCount => Bodies.Count;

    /// <summary>An HTTP answer with a JSON body.</summary>
    /// <param name="json">The body.</param>
    /// <param name="status">The status (200 by default).</param>
    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        int count;
        lock (_gate)
        {
            _bodies.Add(body);
            Requests.Add(request);
            count = _bodies.Count;
        }

        if (Override is { } respond)
        {
            return await respond(request, count, cancellationToken);
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        try
        {
            if (root.ValueKind == JsonValueKind.Array)
            {
                var answers = root.EnumerateArray().Select(Answer).ToList();
                if (ReverseBatchOrder)
                {
                    answers.Reverse();
                }

                return Json("[" + string.Join(",", answers) + "]");
            }

            return Json(Answer(root));
        }
        catch (FakeHttpStatusException fault)
        {
            return new HttpResponseMessage(fault.Status);
        }
    }

    private string Answer(JsonElement call)
    {
        var id = call.GetProperty("id").GetRawText();
        var method = call.GetProperty("method").GetString()!;
        try
        {
            var result = Respond(method, call.GetProperty("params"));
            return $$"""{"jsonrpc":"2.0","id":{{id}},"result":{{result}}}""";
        }
        catch (FakeRpcErrorException error)
        {
            var data = error.DataJson is null ? "" : $$""","data":{{error.DataJson}}""";
            var message = JsonSerializer.Serialize(error.Message, FakeJson.Default.String);
            return $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":{{{error.Code}}},"message":{{{message}}}{{{data}}}}}""";
        }
    }
}
