using System.Text.Json;

namespace TcrToolkit.Cli.Infrastructure.Configuration;

/// <summary>Where a running devnet is: its manifest and the RPC URL it listens on.</summary>
/// <param name="ManifestPath">The devnet's deployment manifest.</param>
/// <param name="RpcUrl">Its JSON-RPC URL, or <c>null</c> when the state does not record one.</param>
public sealed record DevnetLocation(string ManifestPath, string? RpcUrl);

/// <summary>
/// Finds the devnet's state. The seam between the CLI and whatever starts the devnet: today <c>scripts/demo</c> writes
/// <c>.devnet/devnet.json</c> with an <c>rpc</c> field; the DevnetHost being built in <c>TcrToolkit.Deployment</c>
/// writes its state under <c>.devnet/</c> too. Swap the implementation in <see cref="NetworkResolver"/> if its state
/// file moves.
/// </summary>
public interface IDevnetLocator
{
    /// <summary>The devnet found from <paramref name="startDirectory"/> (or its parents), or <c>null</c>.</summary>
    DevnetLocation? Find(string startDirectory);

    /// <summary>The RPC URL recorded for the devnet whose manifest is <paramref name="manifestPath"/>, or <c>null</c>.</summary>
    string? FindRpcUrl(string manifestPath);
}

/// <summary>
/// Looks for <c>.devnet/devnet.json</c> in the working directory and its parents (as git looks for <c>.git</c>), and reads
/// the RPC URL from its <c>rpc</c> field.
/// </summary>
public sealed class DotDevnetLocator : IDevnetLocator
{
    /// <summary>The folder the devnet keeps its state in.</summary>
    public const string StateDirectory = ".devnet";

    /// <summary>The manifest file inside it.</summary>
    public const string ManifestFile = "devnet.json";

    /// <inheritdoc/>
    public DevnetLocation? Find(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            var manifest = Path.Combine(directory.FullName, StateDirectory, ManifestFile);
            if (File.Exists(manifest))
            {
                return new DevnetLocation(manifest, FindRpcUrl(manifest));
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public string? FindRpcUrl(string manifestPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("rpc", out var rpc)
                && rpc.ValueKind == JsonValueKind.String
                ? rpc.GetString()
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // The manifest reader reports an unreadable or malformed file with its own, better message.
            return null;
        }
    }
}
