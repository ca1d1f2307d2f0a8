using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Tests.Events;

/// <summary>
/// A Hardhat node on a free loopback port, from the repository's pinned Node and Hardhat; killed on dispose. Shared by
/// the CLI tests (linked into their project).
/// </summary>
public sealed class HardhatNode : IAsyncDisposable
{
    private readonly Queue<string> _output = new();
    private readonly Process _process;

    private HardhatNode(Process process, int port)
    {
        _process = process;
        Port = port;
        HttpEndpoint = new Uri($"http://127.0.0.1:{port}/");
        WebSocketEndpoint = new Uri($"ws://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri HttpEndpoint { get; }

    public Uri WebSocketEndpoint { get; }

    /// <summary>Starts a node; on <paramref name="port"/> when given (for a node that replaces one just stopped), else on a free port.</summary>
    public static async Task<HardhatNode> StartAsync(ulong? chainId = null, int? port = null)
    {
        var root = RepositoryRoot();
        var node = Path.Combine(root, "node_modules", "node", "bin", "node");
        var cli = Path.Combine(root, "node_modules", "hardhat", "dist", "src", "cli.js");
        if (!File.Exists(node) || !File.Exists(cli))
        {
            throw new InvalidOperationException($"The Hardhat node needs Node and Hardhat from node_modules under {root}; run 'npm ci' there first.");
        }

        var listenPort = port ?? FreeLoopbackPort();
        string[] arguments = [cli, "node", "--hostname", "127.0.0.1", "--port", listenPort.ToString(CultureInfo.InvariantCulture)];
        if (chainId is { } id)
        {
            // Hardhat 3's node takes the chain id as an option: no config change, so builds and tests are unaffected.
            arguments = [.. arguments, "--chain-id", id.ToString(CultureInfo.InvariantCulture)];
        }

        var start = new ProcessStartInfo(node, arguments)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {node}.");
        var hardhat = new HardhatNode(process, listenPort);
        process.OutputDataReceived += (_, e) => hardhat.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => hardhat.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await using var client = RpcClient.CreateHttp(hardhat.HttpEndpoint, new RpcClientOptions { MaxReadRetries = 0 }, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Hardhat node exited with code {process.ExitCode} before answering. Its output:\n{hardhat.Output()}");
            }

            try
            {
                await client.GetChainIdAsync();
                return hardhat;
            }
            catch (RpcUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "hardhat.config.js")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No hardhat.config.js above {AppContext.BaseDirectory}.");
    }
}
