namespace TcrToolkit.Testing;

/// <summary>
/// The repository the tests run from: the first folder above the test binaries that holds <c>TcrToolkit.sln</c> and
/// <c>package.json</c>. Node, Hardhat, ethers and the peers' packages are found below it.
/// </summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository's root folder.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The pinned Node 22 binary, <c>node_modules/node/bin/node</c> (installed by <c>scripts/bootstrap</c>).</summary>
    public static string NodeBinary => PathOf("node_modules", "node", "bin", "node");

    /// <summary>A path below the repository root.</summary>
    /// <param name="parts">The path's parts, from the root down.</param>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A contract's Hardhat artifact, <c>artifacts/contracts/&lt;name&gt;.sol/&lt;name&gt;.json</c>.</summary>
    /// <param name="contract">The contract's name, which is also its source file's.</param>
    public static string ArtifactPath(string contract) => PathOf("artifacts", "contracts", contract + ".sol", contract + ".json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TcrToolkit.sln")) && File.Exists(Path.Combine(directory.FullName, "package.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder with TcrToolkit.sln and package.json above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
