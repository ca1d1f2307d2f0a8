using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using TcrToolkit.Testing.Node;

namespace TcrToolkit.Testing.Peers;

/// <summary>
/// A js-libp2p 2.8 node (<c>tests/peers/libp2p/peer.mjs</c> under the repository's Node 22) listening on 127.0.0.1,
/// driven by JSON-line commands on its stdin and answering on its stdout; stopped on dispose. The one driver of that
/// peer, for the interop tests and the libp2p benchmark. It names the peer's id and address as text, so that the kit
/// needs no project above <c>TcrToolkit.Ethereum</c>; parse them with <c>PeerId.Parse</c> and <c>Multiaddr.Parse</c>.
/// </summary>
public sealed class JsLibp2pPeer : IAsyncDisposable
{
    private const string Folder = "tests/peers/libp2p";

    private readonly NodeScript _script;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly Lock _writeLock = new();
    private Task _reading = Task.CompletedTask;
    private int _nextId;

    private JsLibp2pPeer(NodeScript script) => _script = script;

    /// <summary>The peer's id (base58), from its first line.</summary>
    public string PeerId { get; private set; } = "";

    /// <summary>The first address it listens on (a multiaddr with its <c>/p2p/</c> part).</summary>
    public string Address { get; private set; } = "";

    /// <summary>Starts the peer and waits for the line that names its id and addresses.</summary>
    /// <param name="transport"><c>tcp</c> or <c>ws</c>.</param>
    /// <param name="muxer"><c>yamux</c> or <c>mplex</c>.</param>
    /// <param name="keyProtobufHex">The identity key as a libp2p key protobuf in hex; a new key when <see langword="null"/>.</param>
    /// <param name="keyType">The type of a new identity key (<c>Ed25519</c>, <c>secp256k1</c>).</param>
    /// <param name="cancellationToken">Stops waiting (and the peer).</param>
    public static async Task<JsLibp2pPeer> StartAsync(string transport, string muxer, string? keyProtobufHex = null, string keyType = "Ed25519", CancellationToken cancellationToken = default)
    {
        List<string> arguments = ["--transport", transport, "--muxer", muxer, "--key-type", keyType];
        if (keyProtobufHex is not null)
        {
            arguments.AddRange(["--key", keyProtobufHex]);
        }

        var script = await NodeScript.StartAsync(
            new NodeScriptOptions
            {
                Script = $"{Folder}/peer.mjs",
                Arguments = arguments,
                WorkingDirectory = Path.Combine(Repository.Root, Folder),
                RequiredPaths = [$"{Folder}/node_modules/libp2p"],
                Piped = true,
            },
            cancellationToken);
        var peer = new JsLibp2pPeer(script);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            JsonObject hello;
            try
            {
                hello = await peer.ReadHelloAsync(timeout.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"js-libp2p did not name its peer id within 30 s.\n{peer.Stderr()}", ex);
            }

            peer.PeerId = hello["peerId"]!.GetValue<string>();
            peer.Address = hello["addrs"]![0]!.GetValue<string>();
            peer._reading = Task.Run(peer.ReadAnswersAsync, CancellationToken.None);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a command; returns the answer or throws with js's error message.</summary>
    /// <param name="command">The command object (<c>cmd</c> and its fields); its <c>id</c> is set here.</param>
    /// <param name="timeout">How long to wait for the answer; a minute by default.</param>
    public async Task<JsonObject> AskAsync(JsonObject command, TimeSpan? timeout = null)
    {
        var answer = await TryAskAsync(command, timeout);
        return answer["ok"]!.GetValue<bool>()
            ? answer
            : throw new InvalidOperationException($"js-libp2p failed {command["cmd"]}: {answer["error"]}\n{Stderr()}");
    }

    /// <summary>Sends a command and returns the raw answer (with <c>ok</c> and, on failure, <c>error</c>).</summary>
    /// <param name="command">The command object (<c>cmd</c> and its fields); its <c>id</c> is set here.</param>
    /// <param name="timeout">How long to wait for the answer; a minute by default.</param>
    public async Task<JsonObject> TryAskAsync(JsonObject command, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        lock (_writeLock)
        {
            _script.StandardInput.WriteLine(command.ToJsonString());
            _script.StandardInput.Flush();
        }

        try
        {
            return await answer.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            _pending.TryRemove(id, out _);
            throw new TimeoutException($"js-libp2p did not answer {command["cmd"]}.\n{Stderr()}", ex);
        }
    }

    /// <summary>The peer's last stderr lines, for failure messages.</summary>
    public string Stderr() => _script.Output();

    /// <summary>Closes the peer's stdin (it then stops by itself) and kills it if it has not within five seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        await _script.CloseInputAndStopAsync(TimeSpan.FromSeconds(5));
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _script.DisposeAsync();
    }

    private static JsonObject? Parse(string line)
    {
        try
        {
            return string.IsNullOrWhiteSpace(line) ? null : JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<JsonObject> ReadHelloAsync(CancellationToken cancellationToken)
    {
        while (await _script.ReadLineAsync(cancellationToken) is { } line)
        {
            if (Parse(line) is { } message && message.ContainsKey("peerId") && !message.ContainsKey("id"))
            {
                return message;
            }
        }

        throw new InvalidOperationException($"js-libp2p closed its output before naming its peer id.\n{Stderr()}");
    }

    private async Task ReadAnswersAsync()
    {
        while (await _script.ReadLineAsync() is { } line)
        {
            if (Parse(line) is { } message && message["id"]?.GetValue<int>() is { } id && _pending.TryRemove(id, out var waiting))
            {
                waiting.TrySetResult(message);
            }
        }
    }
}
