using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TcrToolkit.Testing.Peers;

/// <summary>
/// One Node 22 process running <c>tests/peers/discv5/peer.mjs</c>: any number of @chainsafe/discv5 11.0.0 nodes on
/// 127.0.0.1, driven by JSON-line commands (<c>start</c>, <c>addEnr</c>, <c>ping</c>, <c>findNode</c>, <c>lookup</c>,
/// <c>table</c>, …) and answering one JSON line each; stopped on dispose. The one driver of that peer, for the discovery
/// interop tests, the mail-server tests and the benchmarks. Records travel as <c>enr:</c> text, so that the kit needs
/// no project above <c>TcrToolkit.Ethereum</c>; parse them with <c>Enr.Parse</c>.
/// </summary>
public sealed class ChainsafeDiscv5Peer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    private ChainsafeDiscv5Peer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The Node process's id (for resource measurements).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the process (no node yet: send <c>start</c> or call <see cref="StartNodesAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">The peer is not installed (run <c>scripts/bootstrap</c>).</exception>
    public static async Task<ChainsafeDiscv5Peer> StartAsync(TimeSpan? readyTimeout = null)
    {
        var script = Repository.PathOf("tests", "peers", "discv5", "peer.mjs");
        if (!File.Exists(Repository.NodeBinary) || !Directory.Exists(Repository.PathOf("tests", "peers", "discv5", "node_modules", "@chainsafe", "discv5")))
        {
            throw new InvalidOperationException("The @chainsafe/discv5 peer is not installed: run scripts/bootstrap in the repository root.");
        }

        var info = new ProcessStartInfo(Repository.NodeBinary, [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        var peer = new ChainsafeDiscv5Peer(Process.Start(info)!);
        try
        {
            await peer._ready.Task.WaitAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>Sends one command and returns its answer.</summary>
    /// <exception cref="InvalidOperationException">The peer answered with an error.</exception>
    public async Task<JsonObject> SendAsync(string command, object? arguments = null, int timeoutSeconds = 60)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = arguments is null ? new JsonObject() : JsonSerializer.SerializeToNode(arguments)!.AsObject();
        request["id"] = id;
        request["cmd"] = command;
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = tcs;
        lock (_process)
        {
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
        }

        var response = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        return response["ok"]?.GetValue<bool>() == true
            ? response
            : throw new InvalidOperationException($"chainsafe peer: {command} failed: {response["error"]}");
    }

    /// <summary>Starts <paramref name="count"/> nodes; returns each one's index (for later commands) and record text.</summary>
    public async Task<List<(int Index, string Enr)>> StartNodesAsync(int count)
    {
        var response = await SendAsync("start", new { count }, 120);
        return [.. response["nodes"]!.AsArray().Select(n => (n!["index"]!.GetValue<int>(), n["enr"]!.GetValue<string>()))];
    }

    /// <summary>The record texts of an answer's <c>enrs</c> list.</summary>
    public static List<string> RecordTexts(JsonObject response) => [.. response["enrs"]!.AsArray().Select(e => e!.GetValue<string>())];

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync("stop", null, 10);
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException or IOException)
        {
        }

        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || !line.StartsWith('{'))
        {
            return;
        }

        var json = JsonNode.Parse(line)!.AsObject();
        if (json.ContainsKey("ready"))
        {
            _ready.TrySetResult();
        }
        else if (json["id"] is { } id && _waiting.TryRemove(id.GetValue<int>(), out var tcs))
        {
            tcs.TrySetResult(json);
        }
    }
}
