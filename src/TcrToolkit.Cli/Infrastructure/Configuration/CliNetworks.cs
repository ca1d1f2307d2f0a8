namespace TcrToolkit.Cli.Infrastructure.Configuration;

/// <summary>A network tcr knows by name.</summary>
/// <param name="Name">The name given to <c>--network</c>.</param>
/// <param name="ChainId">The chain id its nodes report.</param>
/// <param name="RpcUrlVariable">The environment variable with its RPC URL, or <c>null</c> for the devnet (whose URL the
/// devnet itself records).</param>
/// <param name="IsDevnet">Whether this is the embedded devnet (<c>tcr devnet up</c>).</param>
public sealed record CliNetwork(string Name, ulong ChainId, string? RpcUrlVariable, bool IsDevnet)
{
    /// <summary>The default manifest path, relative to the project directory: <c>.devnet/devnet.json</c> or <c>deployments/&lt;name&gt;.json</c>.</summary>
    public string DefaultManifest => IsDevnet ? Path.Combine(".devnet", "devnet.json") : Path.Combine("deployments", Name + ".json");
}

/// <summary>
/// The networks tcr knows. The same names, chain ids and variables as <c>TcrToolkit.Deployment.TcrNetworks</c> on the
/// deploy branch; when that lands, this table should read from it.
/// </summary>
public static class CliNetworks
{
    /// <summary>The embedded Hardhat devnet (chain 31337); the default.</summary>
    public static CliNetwork Devnet { get; } = new("devnet", 31337, null, IsDevnet: true);

    /// <summary>Every known network.</summary>
    public static IReadOnlyList<CliNetwork> All { get; } =
    [
        Devnet,
        new("sepolia", 11155111, "TCR_SEPOLIA_RPC_URL", IsDevnet: false),
        new("holesky", 17000, "TCR_HOLESKY_RPC_URL", IsDevnet: false),
        new("hoodi", 560048, "TCR_HOODI_RPC_URL", IsDevnet: false),
    ];

    /// <summary>The network called <paramref name="name"/> (case-insensitive), or <c>null</c>.</summary>
    public static CliNetwork? Find(string name) =>
        All.FirstOrDefault(n => string.Equals(n.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
}
