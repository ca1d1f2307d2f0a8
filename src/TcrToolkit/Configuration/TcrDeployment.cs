using TcrToolkit.Ethereum;

namespace TcrToolkit.Configuration;

/// <summary>
/// The deployment TcrToolkit talks to, resolved from <see cref="TcrToolkitOptions"/>: the registry always, the other
/// contracts when a manifest names them (otherwise they are read from the registry on chain).
/// </summary>
public sealed record TcrDeployment(ulong? ChainId, Address Registry, Address? Voting, Address? Token, Address? Governor)
{
    /// <summary>Resolves the deployment from validated options.</summary>
    /// <exception cref="DeploymentManifestException">The manifest changed since validation and is no longer usable.</exception>
    public static TcrDeployment From(TcrToolkitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ManifestPath))
        {
            var manifest = DeploymentManifest.Load(options.ManifestPath);
            return new TcrDeployment(
                manifest.ChainId, manifest.Registry.Address, manifest.Voting?.Address, manifest.Token?.Address, manifest.Governor?.Address);
        }

        return new TcrDeployment(options.ChainId, Address.Parse(options.RegistryAddress!), null, null, null);
    }
}
