using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TcrToolkit.Discovery;

namespace TcrToolkit.MailServers.Bench;

/// <summary>Runs tests/peers/discv5/peer.mjs (@chainsafe/discv5 11.0.0) under the repository's Node 22.</summary>
internal sealed class ChainsafePeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    private ChainsafePeer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public static async Task<ChainsafePeer> StartAsync()
    {
        var root = Repository.Root;
        var node = Path.Combine(root, "node_modules", "node", "bin", "node");
        var script = Path.Combine(root, "tests", "peers", "discv5", "peer.mjs");
        if (!File.Exists(node) || !Directory.Exists(Path.Combine(root, "tests", "peers", "discv5", "node_modules", "@chainsafe", "discv5")))
        {
            throw new InvalidOperationException("The @chainsafe/discv5 peer is not installed: run scripts/bootstrap in the repository root.");
        }

        var info = new ProcessStartInfo(node, [script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        var peer = new ChainsafePeer(Process.Start(info)!);
        await peer._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return peer;
    }

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
        return response["ok"]?.GetValue<bool>() == true ? response : throw new InvalidOperationException($"chainsafe peer: {command} failed: {response["error"]}");
    }

    public async Task<List<(int Index, Enr Record)>> StartNodesAsync(int count)
    {
        var response = await SendAsync("start", new { count }, 120);
        return [.. response["nodes"]!.AsArray().Select(n => (n!["index"]!.GetValue<int>(), Enr.Parse(n["enr"]!.GetValue<string>())))];
    }

    public async Task<int> TableSizeAsync(int node) => (await SendAsync("table", new { node }))["enrs"]!.AsArray().Count;

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

/// <summary>The repository root (the folder holding TcrToolkit.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TcrToolkit.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (TcrToolkit.sln).");
    }
}
