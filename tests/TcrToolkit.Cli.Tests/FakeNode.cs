using System.Net;
using System.Text;
using System.Text.Json;

namespace TcrToolkit.Cli.Tests;

/// <summary>
/// A minimal JSON-RPC node on loopback for read commands: eth_chainId, and eth_call answered per 4-byte selector.
/// Enough to run a read command end to end without starting a chain.
/// </summary>
public sealed class FakeNode : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _calls = new(StringComparer.OrdinalIgnoreCase);
    private readonly ulong _chainId;

    public FakeNode(ulong chainId = 31337)
    {
        _chainId = chainId;
        Url = LoopbackPorts.ClosedHttpUrl() + "/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = ServeAsync();
    }

    public string Url { get; }

    /// <summary>Answers eth_call whose data starts with <paramref name="selector"/> with <paramref name="returnData"/>.</summary>
    public FakeNode OnCall(string selector, string returnData)
    {
        _calls[selector] = returnData;
        return this;
    }

    public static string Word(System.Numerics.BigInteger value) => "0x" + value.ToString("x64");

    public static string AbiString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var padded = Convert.ToHexStringLower(bytes).PadRight(64, '0');
        return "0x" + 32.ToString("x64") + bytes.Length.ToString("x64") + padded;
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        try
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
                var answer = body.RootElement.ValueKind == JsonValueKind.Array
                    ? "[" + string.Join(',', body.RootElement.EnumerateArray().Select(Answer)) + "]"
                    : Answer(body.RootElement);
                var bytes = Encoding.UTF8.GetBytes(answer);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped.
        }
    }

    private string Answer(JsonElement request)
    {
        var id = request.GetProperty("id").GetRawText();
        var method = request.GetProperty("method").GetString();
        string? result = method switch
        {
            "eth_chainId" => $"\"0x{_chainId:x}\"",
            "eth_call" => _calls.TryGetValue(request.GetProperty("params")[0].GetProperty(Data(request)).GetString()![..10], out var data)
                ? $"\"{data}\""
                : null,
            _ => null,
        };
        return result is null
            ? $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32601,"message":"not faked: {{{method}}}"}}"""
            : $$$"""{"jsonrpc":"2.0","id":{{{id}}},"result":{{{result}}}}""";
    }

    private static string Data(JsonElement request) =>
        request.GetProperty("params")[0].TryGetProperty("input", out _) ? "input" : "data";
}
