using System.Text.RegularExpressions;

namespace TcrToolkit.Testing.Node;

/// <summary>Which free loopback port a <see cref="NodeScript"/> reserves for its process.</summary>
public enum LoopbackPortKind
{
    /// <summary>None: the script needs no port (a pipe-driven oracle).</summary>
    None,

    /// <summary>A TCP port (an RPC server, a libp2p or Waku peer).</summary>
    Tcp,

    /// <summary>A UDP port (a discovery v5 peer).</summary>
    Udp,
}

/// <summary>
/// How to start a Node script from the repository's pinned Node 22 (<see cref="Repository.NodeBinary"/>): the script,
/// its arguments (<c>{port}</c> stands for the reserved port), and the output line that says it is ready.
/// </summary>
public sealed record NodeScriptOptions
{
    /// <summary>The placeholder replaced by the reserved port in <see cref="Arguments"/> and <see cref="Environment"/> values.</summary>
    public const string PortPlaceholder = "{port}";

    /// <summary>
    /// The script: absolute, or relative to the repository root (<c>node_modules/hardhat/dist/src/cli.js</c>,
    /// <c>tests/peers/&lt;name&gt;/peer.mjs</c>).
    /// </summary>
    public required string Script { get; init; }

    /// <summary>The script's arguments; <c>{port}</c> is replaced by the reserved port.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Which free loopback port to reserve; <see cref="LoopbackPortKind.None"/> by default.</summary>
    public LoopbackPortKind Port { get; init; } = LoopbackPortKind.None;

    /// <summary>
    /// A port to use instead of reserving a free one (with <see cref="Port"/> naming its kind): for a script that
    /// replaces one just stopped, on the same endpoint.
    /// </summary>
    public int? ListenPort { get; init; }

    /// <summary>
    /// The line (on stdout or stderr) that says the script is ready; <see langword="null"/> means ready once started.
    /// Its match is kept in <see cref="NodeScript.Ready"/>, so a script can announce what it chose (an ENR, a peer id).
    /// </summary>
    public Regex? ReadyLine { get; init; }

    /// <summary>How long the script may take to print <see cref="ReadyLine"/>; 90 seconds by default (a loaded machine).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The working directory; the repository root by default.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables; <c>{port}</c> in a value is replaced by the reserved port.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Paths (relative to the repository root or absolute) that must exist before starting, such as a package the script
    /// imports; a missing one fails with "run scripts/bootstrap".
    /// </summary>
    public IReadOnlyList<string> RequiredPaths { get; init; } = [];

    /// <summary>
    /// When set, stdin stays open for <see cref="NodeScript.StandardInput"/> and stdout lines are handed to
    /// <see cref="NodeScript.ReadLineAsync"/> instead of the kept output (a JSON-lines oracle).
    /// </summary>
    public bool Piped { get; init; }

    /// <summary>How many recent output lines are kept for failure messages.</summary>
    public int KeptOutputLines { get; init; } = 200;
}
