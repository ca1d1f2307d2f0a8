using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Ethereum.Tests.Rpc;

/// <summary>
/// One Hardhat node per test run, on a free loopback port, started from the repository's pinned Node and Hardhat and
/// killed on dispose. Tests keep their independence with <c>evm_snapshot</c>/<c>evm_revert</c> (see <see cref="HardhatTest"/>).
/// </summary>
public sealed class HardhatNodeFixture : IAsyncLifetime
{
    /// <summary>Hardhat's default funded account 0 (a published development key).</summary>
    public const string Account0Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    /// <summary>Hardhat's default funded account 1.</summary>
    public const string Account1Key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    private const int KeptOutputLines = 200;
    private readonly Queue<string> _output = new();
    private Process? _process;

    public Uri HttpEndpoint { get; private set; } = null!;

    public Uri WebSocketEndpoint { get; private set; } = null!;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        var root = FindRepositoryRoot();
        var node = Path.Combine(root, "node_modules", "node", "bin", "node");
        var cli = Path.Combine(root, "node_modules", "hardhat", "dist", "src", "cli.js");
        if (!File.Exists(node) || !File.Exists(cli))
        {
            throw new InvalidOperationException($"The Hardhat node needs Node and Hardhat from node_modules under {root}; run 'npm ci' there first.");
        }

        Port = FreeLoopbackPort();
        HttpEndpoint = new Uri($"http://127.0.0.1:{Port}/");
        WebSocketEndpoint = new Uri($"ws://127.0.0.1:{Port}/");
        var start = new ProcessStartInfo(node, [cli, "node", "--hostname", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {node}.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await using var client = RpcClient.CreateHttp(HttpEndpoint, new RpcClientOptions { MaxReadRetries = 0 }, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Hardhat node exited with code {_process.ExitCode} before answering. Its output:\n{Output()}");
            }

            try
            {
                await client.GetChainIdAsync();
                return;
            }
            catch (RpcUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            finally
            {
                process.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The node's last output lines, for failure messages.</summary>
    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
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
            while (_output.Count > KeptOutputLines)
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

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No package.json found above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}

[CollectionDefinition(Name)]
public sealed class HardhatNodeGroup : ICollectionFixture<HardhatNodeFixture>
{
    public const string Name = "Hardhat node";
}

/// <summary>
/// Base of every integration test: an HTTP client, account 0's key, and an <c>evm_snapshot</c> taken before the test
/// and restored after it, so that no test sees another's blocks or nonces.
/// </summary>
[Collection(HardhatNodeGroup.Name)]
[Trait("Category", "Integration")]
public abstract class HardhatTest(HardhatNodeFixture node) : IAsyncLifetime
{
    private string? _snapshot;

    protected HardhatNodeFixture Node { get; } = node;

    protected RpcClient Client { get; private set; } = null!;

    protected PrivateKey Key { get; } = PrivateKey.ParseHex(HardhatNodeFixture.Account0Key);

    /// <summary>Fast polling: Hardhat mines on every transaction.</summary>
    protected static TransactionSenderOptions FastPolling(int confirmations = 1) => new()
    {
        Confirmations = confirmations,
        PollInterval = TimeSpan.FromMilliseconds(20),
        ReceiptTimeout = TimeSpan.FromSeconds(30),
    };

    public async Task InitializeAsync()
    {
        Client = RpcClient.CreateHttp(Node.HttpEndpoint);
        _snapshot = await Client.SnapshotAsync();
    }

    public async Task DisposeAsync()
    {
        if (_snapshot is not null)
        {
            (await Client.RevertToSnapshotAsync(_snapshot)).Should().BeTrue();
        }

        await Client.DisposeAsync();
        Key.Dispose();
    }

    /// <summary>Deploys <see cref="RpcProbeContract"/> from account 0 and returns its address.</summary>
    protected async Task<Address> DeployProbeAsync()
    {
        var sender = new TransactionSender(Client, Key, FastPolling());
        var receipt = await sender.SendAndWaitAsync(new TransactionRequest { Data = RpcProbeContract.CreationCode });
        return receipt.ContractAddress ?? throw new InvalidOperationException("The deployment receipt has no contract address.");
    }
}
