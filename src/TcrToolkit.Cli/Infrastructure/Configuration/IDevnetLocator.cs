using System.Text.Json;
using TcrToolkit.Devnet;

namespace TcrToolkit.Cli.Infrastructure.Configuration;

/// <summary>Where a devnet lives: its state folder, manifest and the RPC URL it listens on.</summary>
/// <param name="ProjectDirectory">The directory holding the <c>.devnet/</c> folder.</param>
/// <param name="ManifestPath">The devnet's deployment manifest (which may not exist, for a devnet still starting).</param>
/// <param name="RpcUrl">Its JSON-RPC URL from the manifest's <c>rpc</c> field, or <c>null</c> when none is recorded.</param>
/// <param name="HasStateFile">
/// Whether <see cref="DevnetHost"/>'s state file is there: a devnet started by <c>tcr devnet up</c> and not stopped since.
/// A manifest without one comes from <c>scripts/demo</c> or was copied, so the node may or may not run.
/// </param>
public sealed record DevnetLocation(string ProjectDirectory, string ManifestPath, string? RpcUrl, bool HasStateFile);

/// <summary>
/// Finds the devnet's state. The seam between the CLI and <see cref="DevnetHost"/>, which writes
/// <c>.devnet/devnet.json</c> (the manifest, with an <c>rpc</c> field) and <c>.devnet/devnet.state.json</c> (the running
/// node) — as does <c>scripts/demo</c>, minus the state file.
/// </summary>
public interface IDevnetLocator
{
    /// <summary>The devnet found from <paramref name="startDirectory"/> (or its parents), or <c>null</c>.</summary>
    DevnetLocation? Find(string startDirectory);

    /// <summary>The RPC URL recorded for the devnet whose manifest is <paramref name="manifestPath"/>, or <c>null</c>.</summary>
    string? FindRpcUrl(string manifestPath);
}

/// <summary>
/// Looks for a <c>.devnet/</c> folder holding <see cref="DevnetHost"/>'s manifest or state file in the working directory
/// and its parents (as git looks for <c>.git</c>), and reads the RPC URL from the manifest's <c>rpc</c> field.
/// </summary>
public sealed class DotDevnetLocator : IDevnetLocator
{
    /// <summary>The folder the devnet keeps its state in, under the project directory.</summary>
    public const string StateDirectory = ".devnet";

    /// <summary>The <c>.devnet</c> folder of <paramref name="projectDirectory"/>: what <see cref="DevnetOptions.StateDirectory"/> takes.</summary>
    public static string StateDirectoryOf(string projectDirectory) => Path.Combine(Path.GetFullPath(projectDirectory), StateDirectory);

    /// <summary>The nearest directory from <paramref name="startDirectory"/> upwards with a devnet's <c>.devnet/</c> folder, or <c>null</c>.</summary>
    public static string? FindProjectDirectory(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            var state = Path.Combine(directory.FullName, StateDirectory);
            if (File.Exists(Path.Combine(state, DevnetHost.ManifestFileName)) || File.Exists(Path.Combine(state, DevnetHost.StateFileName)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public DevnetLocation? Find(string startDirectory)
    {
        if (FindProjectDirectory(startDirectory) is not { } project)
        {
            return null;
        }

        var state = StateDirectoryOf(project);
        var manifest = Path.Combine(state, DevnetHost.ManifestFileName);
        return new DevnetLocation(project, manifest, FindRpcUrl(manifest), File.Exists(Path.Combine(state, DevnetHost.StateFileName)));
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
