using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TcrToolkit.Tests.Events;

/// <summary>
/// A JSON-RPC relay on a free loopback port to a local node, that can refuse <c>eth_getLogs</c> over too many blocks
/// the way hosted providers do, and can go down (every connection reset) and come back. Only relays to 127.0.0.1.
/// </summary>
public sealed class FaultyRpcProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new();
    private readonly Uri _target;
    private readonly Task _loop;
    private volatile bool _disposed;
    private int _refusals;
    private int _logCalls;

    public FaultyRpcProxy(Uri target)
    {
        _target = target;
        var port = LoopbackPorts.FreeTcpPort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>When set, <c>eth_getLogs</c> over more blocks than this is refused with "query returned more than 10000 results".</summary>
    public ulong? MaxLogRange { get; set; }

    /// <summary>While set, the endpoint is gone: it stops listening (connections are refused), as if killed.</summary>
    public bool Down
    {
        get => !_listener.IsListening;
        set
        {
            lock (_listener)
            {
                if (value && _listener.IsListening)
                {
                    _listener.Stop();
                }
                else if (!value && !_listener.IsListening)
                {
                    _listener.Start();
                }
            }
        }
    }

    public int Refusals => Volatile.Read(ref _refusals);

    public int LogCalls => Volatile.Read(ref _logCalls);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        lock (_listener)
        {
            _listener.Stop();
        }

        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop.
        }

        _listener.Close();
        _http.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_disposed)
        {
            if (!_listener.IsListening)
            {
                await Task.Delay(10);
                continue;
            }

            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                continue;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            if (Refuse(body) is { } refusal)
            {
                await WriteAsync(context, refusal);
                return;
            }

            using var forwarded = await _http.PostAsync(_target, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await WriteAsync(context, await forwarded.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            context.Response.Abort();
        }
    }

    private string? Refuse(string body)
    {
        using var request = JsonDocument.Parse(body);
        var root = request.RootElement;
        if (root.ValueKind != JsonValueKind.Object || root.GetProperty("method").GetString() != "eth_getLogs")
        {
            return null;
        }

        Interlocked.Increment(ref _logCalls);
        var filter = root.GetProperty("params")[0];
        if (MaxLogRange is not { } max || !filter.TryGetProperty("fromBlock", out var from) || !filter.TryGetProperty("toBlock", out var to))
        {
            return null;
        }

        var range = Convert.ToUInt64(to.GetString(), 16) - Convert.ToUInt64(from.GetString(), 16) + 1;
        if (range <= max)
        {
            return null;
        }

        Interlocked.Increment(ref _refusals);
        return JsonSerializer.Serialize(new
        {
            jsonrpc = "2.0",
            id = root.GetProperty("id").Clone(),
            error = new { code = -32005, message = "query returned more than 10000 results" },
        });
    }

    private static async Task WriteAsync(HttpListenerContext context, string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
