using System.Diagnostics;

namespace TcrToolkit.Waku.TestKit;

/// <summary>Runs a script of tests/peers/waku under the repository's Node 22 (node_modules/node/bin/node).</summary>
public static class NodePeer
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PeerDirectory => Path.Combine(RepositoryRoot, "tests", "peers", "waku");

    public static string NodeBinary => Path.Combine(RepositoryRoot, "node_modules", "node", "bin", "node");

    /// <summary>Why the peer cannot run here, or null when it can.</summary>
    public static string? MissingReason =>
        !File.Exists(NodeBinary) ? $"Node 22 is missing at {NodeBinary}; run scripts/bootstrap."
        : !Directory.Exists(Path.Combine(PeerDirectory, "node_modules", "@waku", "sdk")) ? "tests/peers/waku is not installed; run scripts/bootstrap."
        : null;

    public static Process Start(string script, params string[] arguments)
    {
        if (MissingReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var info = new ProcessStartInfo(NodeBinary)
        {
            WorkingDirectory = PeerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start node {script}.");
    }

    /// <summary>Runs a script to its end and returns its stdout; throws with stderr when it fails or runs too long.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, string script, params string[] arguments)
    {
        using var process = Start(script, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} ran longer than {timeout}: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TcrToolkit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with TcrToolkit.sln) is not above the test binaries.");
    }
}
