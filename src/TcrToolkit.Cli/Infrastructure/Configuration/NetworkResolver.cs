using TcrToolkit.Configuration;
using TcrToolkit.Deployment;
using TcrToolkit.Devnet;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Cli.Infrastructure.Configuration;

/// <summary>
/// Turns <c>--network</c>, <c>--rpc</c> and <c>--manifest</c> (and their environment variables) into a network, a manifest
/// path and an RPC URL. Precedence, highest first: the option, its <c>TCR_*</c> variable, the network's default.
/// </summary>
/// <remarks>
/// RPC URL: <c>--rpc</c>, <c>TCR_RPC_URL</c>, then for the devnet the URL its state records (<see cref="IDevnetLocator"/>),
/// for a testnet its own variable (<c>TCR_SEPOLIA_RPC_URL</c>…). Manifest: <c>--manifest</c>, <c>TCR_MANIFEST</c>, then
/// <c>.devnet/devnet.json</c> found in the working directory or a parent, or <c>deployments/&lt;network&gt;.json</c> in the
/// working directory.
/// </remarks>
public sealed class NetworkResolver
{
    private readonly CliEnvironment _environment;
    private readonly IDevnetLocator _devnet;

    /// <summary>Creates the resolver.</summary>
    public NetworkResolver(CliEnvironment environment, IDevnetLocator devnet)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(devnet);
        _environment = environment;
        _devnet = devnet;
    }

    /// <summary>Resolves the network name now (cheap; no file or network access), so a typo fails before anything else.</summary>
    /// <param name="network">The <c>--network</c> value, or <c>null</c>.</param>
    /// <param name="rpc">The <c>--rpc</c> value, or <c>null</c>.</param>
    /// <param name="manifest">The <c>--manifest</c> value, or <c>null</c>.</param>
    /// <exception cref="CliException">The network name is unknown (<see cref="ExitCode.Configuration"/>).</exception>
    public ResolvedNetwork Resolve(string? network, string? rpc, string? manifest)
    {
        var (name, source) = network is not null ? (network, "--network")
            : _environment.GetNonBlank(CliEnvironment.NetworkVariable) is { } fromEnv ? (fromEnv, CliEnvironment.NetworkVariable)
            : (TcrNetworks.Devnet.Name, "default");
        var known = TcrNetworks.All.FirstOrDefault(n => string.Equals(n.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw CliException.Configuration(
                "unknown-network",
                $"Unknown network '{name}' (from {source}); use one of {string.Join(", ", TcrNetworks.All.Select(n => n.Name))}.");
        return new ResolvedNetwork(known, this, rpc, manifest);
    }

    internal string ResolveManifestPath(TcrNetwork network, string? option)
    {
        if ((option ?? _environment.GetNonBlank(CliEnvironment.ManifestVariable)) is { } explicitPath)
        {
            return Path.GetFullPath(explicitPath, _environment.CurrentDirectory);
        }

        if (network.IsDevnet && _devnet.Find(_environment.CurrentDirectory) is { } devnet)
        {
            return devnet.ManifestPath;
        }

        return network.IsDevnet
            ? Path.Combine(_environment.CurrentDirectory, DotDevnetLocator.StateDirectory, DevnetHost.ManifestFileName)
            : TcrDeployer.DefaultManifestPath(network, _environment.CurrentDirectory);
    }

    internal (Uri Url, string Source) ResolveRpcUrl(TcrNetwork network, string? option, Func<string> manifestPath)
    {
        if (option is not null)
        {
            return (ParseUrl(option, "--rpc", echo: true), "--rpc");
        }

        if (_environment.GetNonBlank(CliEnvironment.RpcUrlVariable) is { } fromEnv)
        {
            return (ParseUrl(fromEnv, CliEnvironment.RpcUrlVariable, echo: false), CliEnvironment.RpcUrlVariable);
        }

        if (network.RpcUrlVariable is { } variable)
        {
            var value = _environment.GetNonBlank(variable) ?? throw CliException.Configuration(
                "rpc-url-missing",
                $"No RPC URL for {network.Name}: {variable} is not set; set it to a {network.Name} node's URL or pass --rpc URL.");
            return (ParseUrl(value, variable, echo: false), variable);
        }

        var manifest = manifestPath();
        if (!File.Exists(manifest))
        {
            throw CliException.Configuration(
                "devnet-not-running",
                $"No devnet is running here: {manifest} does not exist; start one with `tcr devnet up` (or scripts/demo --keep), or pass --rpc URL.");
        }

        var recorded = _devnet.FindRpcUrl(manifest) ?? throw CliException.Configuration(
            "rpc-url-missing",
            $"The devnet manifest {manifest} records no RPC URL; restart the devnet with `tcr devnet up`, or pass --rpc URL.");
        return (ParseUrl(recorded, manifest, echo: true), manifest);
    }

    // URLs from the environment often embed an API key: name where the URL came from, never echo it.
    private static Uri ParseUrl(string text, string source, bool echo)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" or "ws" or "wss")
        {
            return url;
        }

        var shown = echo ? $"'{text}' from {source}" : $"The value of {source}";
        throw CliException.Usage("rpc-url-malformed", $"{shown} is not an http(s) or ws(s) URL; give one like http://127.0.0.1:8545.");
    }
}

/// <summary>
/// One invocation's network: known by name at once, its manifest and RPC URL resolved (and checked) on first use, so
/// commands that never touch a node never fail for want of one.
/// </summary>
public sealed class ResolvedNetwork
{
    private readonly NetworkResolver _resolver;
    private readonly string? _rpcOption;
    private readonly string? _manifestOption;
    private string? _manifestPath;
    private DeploymentManifest? _manifest;
    private (Uri Url, string Source)? _rpc;

    internal ResolvedNetwork(TcrNetwork network, NetworkResolver resolver, string? rpcOption, string? manifestOption)
    {
        Network = network;
        _resolver = resolver;
        _rpcOption = rpcOption;
        _manifestOption = manifestOption;
    }

    /// <summary>The network.</summary>
    public TcrNetwork Network { get; }

    /// <summary>The manifest's full path (which may not exist).</summary>
    public string ManifestPath => _manifestPath ??= _resolver.ResolveManifestPath(Network, _manifestOption);

    /// <summary>The RPC URL.</summary>
    /// <exception cref="CliException">No URL is configured, or it is malformed.</exception>
    public Uri RpcUrl => (_rpc ??= _resolver.ResolveRpcUrl(Network, _rpcOption, () => ManifestPath)).Url;

    /// <summary>
    /// Where the RPC URL came from: <c>--rpc</c>, an environment variable's name, or the devnet manifest's path (for the
    /// devnet without either).
    /// </summary>
    public string RpcSource => (_rpc ??= _resolver.ResolveRpcUrl(Network, _rpcOption, () => ManifestPath)).Source;

    /// <summary>
    /// Whether the RPC URL, already resolved, is the one the devnet's manifest records (no <c>--rpc</c> or
    /// <c>TCR_RPC_URL</c>): nothing answering there means the devnet is not running, not that a URL is wrong.
    /// </summary>
    public bool IsRpcFromDevnetManifest => Network.IsDevnet && _rpc is { Source: var source } && source == ManifestPath;

    /// <summary>The RPC URL without credentials, path or query, for messages.</summary>
    public string RpcEndpointForDisplay => RpcEndpoint.Redact(RpcUrl);

    /// <summary>Loads the deployment manifest.</summary>
    /// <exception cref="CliException">It is missing or malformed (<see cref="ExitCode.Configuration"/>).</exception>
    public DeploymentManifest LoadManifest()
    {
        if (_manifest is not null)
        {
            return _manifest;
        }

        var path = ManifestPath;
        if (Directory.Exists(path))
        {
            throw CliException.Configuration(
                "manifest-is-directory",
                $"The deployment manifest {path} is a directory; pass the manifest file inside it, for example --manifest {Path.Combine(path, Network.IsDevnet ? DevnetHost.ManifestFileName : $"{Network.Name}.json")}.");
        }

        if (!File.Exists(path))
        {
            var hint = Network.IsDevnet
                ? "start a devnet with `tcr devnet up` (or scripts/demo --keep)"
                : $"deploy with `tcr deploy --network {Network.Name}`";
            throw CliException.Configuration(
                "manifest-not-found",
                $"No deployment manifest for {Network.Name} at {path}; {hint}, or pass --manifest FILE.");
        }

        try
        {
            return _manifest = DeploymentManifest.Load(path);
        }
        catch (DeploymentManifestException e)
        {
            throw CliException.Configuration("manifest-invalid", e.Message.TrimEnd('.') + "; fix or regenerate it, or pass --manifest FILE.", e);
        }
    }
}
