using Microsoft.Extensions.Options;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Configuration;

/// <summary>Checks <see cref="TcrToolkitOptions"/> and says, for each problem, what to set.</summary>
public sealed class TcrToolkitOptionsValidator : IValidateOptions<TcrToolkitOptions>
{
    /// <summary>The largest accepted <see cref="TcrToolkitOptions.Confirmations"/>.</summary>
    public const int MaxConfirmations = 128;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TcrToolkitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.RpcUrl is null && options.Transport is null)
        {
            failures.Add("RpcUrl is required: set it to the node's JSON-RPC endpoint, for example http://127.0.0.1:8545.");
        }
        else if (options.RpcUrl is not null && options.Transport is not null)
        {
            failures.Add("Set RpcUrl or Transport, not both: Transport (for example from UseNethereum) already says how to reach the node.");
        }
        else if (options.RpcUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            failures.Add($"RpcUrl must be an absolute http:// or https:// URL, not {Describe(options.RpcUrl)}; put a WebSocket endpoint in WebSocketUrl.");
        }

        if (options.WebSocketUrl is { } ws && (!ws.IsAbsoluteUri || ws.Scheme is not ("ws" or "wss")))
        {
            failures.Add($"WebSocketUrl must be an absolute ws:// or wss:// URL, not {Describe(ws)}.");
        }

        var hasAddress = !string.IsNullOrWhiteSpace(options.RegistryAddress);
        var hasManifest = !string.IsNullOrWhiteSpace(options.ManifestPath);
        if (hasAddress == hasManifest)
        {
            failures.Add("Set exactly one of RegistryAddress (the registry's 0x address) or ManifestPath (a deployment manifest).");
        }
        else if (hasAddress && !Address.TryParse(options.RegistryAddress, out _))
        {
            failures.Add($"RegistryAddress \"{options.RegistryAddress}\" is not an address: use 20 bytes as 0x-prefixed hex, with a valid EIP-55 checksum if mixed-case.");
        }
        else if (hasManifest)
        {
            try
            {
                var manifest = DeploymentManifest.Load(options.ManifestPath!);
                if (options.ChainId is { } chainId && chainId != manifest.ChainId)
                {
                    failures.Add($"ChainId {chainId} does not match chain {manifest.ChainId} of the manifest {options.ManifestPath}: fix one of them.");
                }
            }
            catch (DeploymentManifestException e)
            {
                failures.Add(e.Message);
            }
        }

        if (options.Confirmations is < 0 or > MaxConfirmations)
        {
            failures.Add($"Confirmations must be between 0 and {MaxConfirmations}, not {options.Confirmations}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"RequestTimeout must be positive, not {options.RequestTimeout}.");
        }

        if (string.IsNullOrWhiteSpace(options.SaltVaultPath))
        {
            failures.Add("SaltVaultPath is required: the file where vote salts are kept until they are revealed.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Never echo credentials a URL may carry.
    private static string Describe(Uri uri) =>
        uri.IsAbsoluteUri ? $"{uri.Scheme}://{uri.Host}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}" : $"the relative URL \"{uri.OriginalString}\"";
}
