namespace TcrToolkit.Configuration;

/// <summary>
/// What TcrToolkit needs to reach one TCR deployment. Bind it from configuration (section <c>TcrToolkit</c>) or set it
/// in code with <c>services.AddTcrToolkit(options =&gt; …)</c>; it is validated when the host starts.
/// </summary>
public sealed class TcrToolkitOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "TcrToolkit";

    /// <summary>
    /// The node's JSON-RPC endpoint over HTTP(S), for example <c>http://127.0.0.1:8545</c>. Required unless
    /// <see cref="Transport"/> is set.
    /// </summary>
    public Uri? RpcUrl { get; set; }

    /// <summary>
    /// A transport to reach the node through instead of <see cref="RpcUrl"/> — for example a Nethereum client, set by
    /// TcrToolkit.Nethereum's <c>UseNethereum</c>. Set this or <see cref="RpcUrl"/>, not both. The transport stays the
    /// caller's (it is not disposed with the container). Not read from configuration.
    /// </summary>
    public Ethereum.Rpc.IRpcTransport? Transport { get; set; }

    /// <summary>
    /// The node's WebSocket endpoint for <c>newHeads</c>, which wakes the registry mirror and event stream as soon as a
    /// block arrives; without it (or once it fails), they poll.
    /// </summary>
    public Uri? WebSocketUrl { get; set; }

    /// <summary>The registry's address. Set this or <see cref="ManifestPath"/>, not both.</summary>
    public string? RegistryAddress { get; set; }

    /// <summary>A deployment manifest naming the registry (and its token, voting contract and governor).</summary>
    public string? ManifestPath { get; set; }

    /// <summary>The chain the deployment lives on; when set, it must match the manifest (and, at first use, the node).</summary>
    public ulong? ChainId { get; set; }

    /// <summary>
    /// How many blocks deep a registry event must be before the mirror adds what it lists and the event stream delivers
    /// it (<see cref="Events.RegistryMirrorOptions.ConfirmationDepth"/>, <see cref="Events.RegistryEventsOptions.ConfirmationDepth"/>).
    /// 0 to 128; default 2.
    /// </summary>
    public int Confirmations { get; set; } = 2;

    /// <summary>Timeout of one JSON-RPC request. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The vote-salt vault file (created owner-only). Default <c>~/.tcr/salts.db</c>.</summary>
    public string SaltVaultPath { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tcr", "salts.db");
}
