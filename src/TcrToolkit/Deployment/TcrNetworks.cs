using System.Collections;

namespace TcrToolkit.Deployment;

/// <summary>A network the TCR can be deployed to: its name, chain id and where its RPC URL comes from.</summary>
/// <param name="Name">The name used on the command line and in <c>deployments/&lt;name&gt;.json</c>.</param>
/// <param name="ChainId">The chain id a node of this network must report.</param>
/// <param name="RpcUrlVariable">The environment variable holding the RPC URL, or <c>null</c> for the embedded devnet.</param>
/// <param name="IsDevnet">Whether this is the embedded Hardhat devnet (its RPC URL comes from the devnet's state file).</param>
public sealed record TcrNetwork(string Name, ulong ChainId, string? RpcUrlVariable, bool IsDevnet)
{
    /// <summary>
    /// The RPC URL from <see cref="RpcUrlVariable"/> in <paramref name="environment"/> (the process environment when
    /// <c>null</c>).
    /// </summary>
    /// <exception cref="DeploymentException">The network is the devnet, or the variable is unset or not an http(s)/ws(s) URL.</exception>
    public Uri ResolveRpcUrl(IDictionary? environment = null)
    {
        if (RpcUrlVariable is null)
        {
            throw new DeploymentException($"The {Name} network has no RPC URL variable; start it with DevnetHost (tcr devnet up) and use the URL in its state file.", failure: DeploymentFailure.Configuration);
        }

        var value = environment is null ? Environment.GetEnvironmentVariable(RpcUrlVariable) : environment[RpcUrlVariable] as string;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DeploymentException($"{RpcUrlVariable} is not set; set it to the RPC URL of a {Name} node (chain {ChainId}).", failure: DeploymentFailure.Configuration);
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            // The URL often embeds an API key: name the variable, never echo its value.
            throw new DeploymentException($"{RpcUrlVariable} does not hold an http(s) or ws(s) URL; set it to the RPC URL of a {Name} node.", failure: DeploymentFailure.Configuration);
        }

        return url;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (chain {ChainId})";
}

/// <summary>The networks TcrToolkit knows: the embedded devnet and the public Ethereum testnets.</summary>
public static class TcrNetworks
{
    /// <summary>The embedded Hardhat devnet on 127.0.0.1 (chain 31337).</summary>
    public static TcrNetwork Devnet { get; } = new("devnet", 31337, null, IsDevnet: true);

    /// <summary>Sepolia (chain 11155111); RPC URL from <c>TCR_SEPOLIA_RPC_URL</c>.</summary>
    public static TcrNetwork Sepolia { get; } = new("sepolia", 11155111, "TCR_SEPOLIA_RPC_URL", IsDevnet: false);

    /// <summary>Holesky (chain 17000); RPC URL from <c>TCR_HOLESKY_RPC_URL</c>.</summary>
    public static TcrNetwork Holesky { get; } = new("holesky", 17000, "TCR_HOLESKY_RPC_URL", IsDevnet: false);

    /// <summary>Hoodi (chain 560048); RPC URL from <c>TCR_HOODI_RPC_URL</c>.</summary>
    public static TcrNetwork Hoodi { get; } = new("hoodi", 560048, "TCR_HOODI_RPC_URL", IsDevnet: false);

    /// <summary>Every known network.</summary>
    public static IReadOnlyList<TcrNetwork> All { get; } = [Devnet, Sepolia, Holesky, Hoodi];

    /// <summary>The network with this name (case-insensitive).</summary>
    /// <exception cref="DeploymentException">No network has this name; the message lists the known names.</exception>
    public static TcrNetwork Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(n => string.Equals(n.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new DeploymentException($"There is no network \"{name}\"; the known networks are {string.Join(", ", All.Select(n => n.Name))}.");
    }
}
