using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TcrToolkit.Libp2p.Bench;

/// <summary>
/// The benchmark's driver of a js-libp2p 2.8 node (tests/peers/libp2p/peer.mjs under the repository's Node 22) listening on 127.0.0.1, driven by
/// JSON-line commands. Disposing stops the process.
/// </summary>
internal sealed class JsPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<JsonObject> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    private JsPeer(Process process) => _process = process;

    public PeerId PeerId { get; private set; } = null!;

    public Multiaddr Address { get; private set; } = null!;

    public static async Task<JsPeer> StartAsync(string root, string transport, string muxer, string? keyProtobufHex = null, string keyType = "Ed25519")
    {
        var node = Path.Combine(root, "node_modules", "node", "bin", "node");
        var folder = Path.Combine(root, "tests", "peers", "libp2p");
        if (!File.Exists(node) || !Directory.Exists(Path.Combine(folder, "node_modules", "libp2p")))
        {
            throw new InvalidOperationException($"The js-libp2p peer needs {node} and {folder}/node_modules; run scripts/bootstrap first.");
        }

        List<string> arguments = [Path.Combine(folder, "peer.mjs"), "--transport", transport, "--muxer", muxer, "--key-type", keyType];
        if (keyProtobufHex is not null)
        {
            arguments.AddRange(["--key", keyProtobufHex]);
        }

        var start = new ProcessStartInfo(node, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {node}.");
        var peer = new JsPeer(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._stderr)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var hello = await peer._ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        peer.PeerId = PeerId.Parse(hello["peerId"]!.GetValue<string>());
        peer.Address = Multiaddr.Parse(hello["addrs"]![0]!.GetValue<string>());
        return peer;
    }

    /// <summary>Sends a command; returns the answer or throws with js's error message.</summary>
    public async Task<JsonObject> AskAsync(JsonObject command, TimeSpan? timeout = null)
    {
        var answer = await TryAskAsync(command, timeout);
        return answer["ok"]!.GetValue<bool>()
            ? answer
            : throw new InvalidOperationException($"js-libp2p failed {command["cmd"]}: {answer["error"]}\n{Stderr()}");
    }

    /// <summary>Sends a command and returns the raw answer (with "ok" and, on failure, "error").</summary>
    public async Task<JsonObject> TryAskAsync(JsonObject command, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        lock (_process)
        {
            _process.StandardInput.WriteLine(command.ToJsonString());
            _process.StandardInput.Flush();
        }

        try
        {
            return await answer.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"js-libp2p did not answer {command["cmd"]}.\n{Stderr()}", ex);
        }
    }

    public string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        JsonObject message;
        try
        {
            message = JsonNode.Parse(line)!.AsObject();
        }
        catch (JsonException)
        {
            return;
        }

        if (message.ContainsKey("peerId") && !message.ContainsKey("id"))
        {
            _ready.TrySetResult(message);
        }
        else if (message["id"]?.GetValue<int>() is { } id && _pending.TryRemove(id, out var waiting))
        {
            waiting.TrySetResult(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TcrToolkit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TcrToolkit.sln above {AppContext.BaseDirectory}.");
    }
}
