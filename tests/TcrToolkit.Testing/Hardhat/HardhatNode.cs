using System.Globalization;
using System.Text.RegularExpressions;
using TcrToolkit.Testing.Node;

namespace TcrToolkit.Testing.Hardhat;

/// <summary>
/// A Hardhat node (<c>hardhat node</c> from the repository's pinned Hardhat) on a free loopback port, ready once it
/// says it serves JSON-RPC; killed on dispose.
/// </summary>
public sealed partial class HardhatNode : IAsyncDisposable
{
    /// <summary>Hardhat's CLI below the repository root.</summary>
    public const string Cli = "node_modules/hardhat/dist/src/cli.js";

    private readonly NodeScript _script;

    private HardhatNode(NodeScript script)
    {
        _script = script;
        HttpEndpoint = new Uri($"http://127.0.0.1:{script.Port}/");
        WebSocketEndpoint = new Uri($"ws://127.0.0.1:{script.Port}/");
    }

    /// <summary>The node's TCP port on 127.0.0.1.</summary>
    public int Port => _script.Port;

    /// <summary>The JSON-RPC endpoint over HTTP.</summary>
    public Uri HttpEndpoint { get; }

    /// <summary>The JSON-RPC endpoint over WebSocket (the same port).</summary>
    public Uri WebSocketEndpoint { get; }

    /// <summary>Starts a node and waits until it serves JSON-RPC.</summary>
    /// <param name="chainId">A chain id other than Hardhat's 31337 (a testnet's, to test network checks).</param>
    /// <param name="port">
    /// The port of a node just stopped, for a new chain behind the same endpoint (chain-replacement tests); a free port
    /// when <see langword="null"/>.
    /// </param>
    /// <param name="cancellationToken">Stops waiting (and the node).</param>
    public static async Task<HardhatNode> StartAsync(ulong? chainId = null, int? port = null, CancellationToken cancellationToken = default)
    {
        string[] arguments = ["node", "--hostname", "127.0.0.1", "--port", NodeScriptOptions.PortPlaceholder];
        if (chainId is { } id)
        {
            // Hardhat 3's node takes the chain id as an option: no config change, so builds and tests are unaffected.
            arguments = [.. arguments, "--chain-id", id.ToString(CultureInfo.InvariantCulture)];
        }

        var script = await NodeScript.StartAsync(
            new NodeScriptOptions { Script = Cli, Arguments = arguments, Port = LoopbackPortKind.Tcp, ListenPort = port, ReadyLine = ReadyLine() },
            cancellationToken);
        return new HardhatNode(script);
    }

    /// <summary>The node's last output lines, for failure messages.</summary>
    public string Output() => _script.Output();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _script.DisposeAsync();

    [GeneratedRegex("Started HTTP and WebSocket JSON-RPC server at")]
    private static partial Regex ReadyLine();
}
