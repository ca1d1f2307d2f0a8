using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TcrToolkit.Deployment;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum.Wallets;
using Generated = TcrToolkit.Generated;

namespace TcrToolkit.Devnet;

/// <summary>Settings of <see cref="DevnetHost"/>.</summary>
public sealed class DevnetOptions
{
    /// <summary>Where the state file, manifest and node log live; relative paths start at the current directory.</summary>
    public string StateDirectory { get; set; } = ".devnet";

    /// <summary>The loopback port; <c>null</c> picks a free one.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// The TcrToolkit repository whose <c>node_modules</c> hold Node and Hardhat; <c>null</c> searches upwards from
    /// the current directory and from the application's directory.
    /// </summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>How many test accounts (after the deployer, account 0) receive tokens and delegate to themselves.</summary>
    public int FundedAccounts { get; set; } = 5;

    /// <summary>Tokens each test account receives, in the smallest unit: a tenth of the default supply, so two voters make the 10% quorum.</summary>
    public UInt256 TokensPerAccount { get; set; } = EthUnits.ParseEther("1000000");

    /// <summary>What to deploy; the defaults of <c>scripts/lib/deploy.mjs</c> when <c>null</c>.</summary>
    public DeploymentConfig? Config { get; set; }

    /// <summary>How long the node may take to answer after starting.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);
}

/// <summary>A running devnet, as its state file records it.</summary>
/// <param name="ProcessId">The Hardhat node's process id (also its process group id when started with <c>setsid</c>).</param>
/// <param name="Port">The loopback port.</param>
/// <param name="RpcUrl">The JSON-RPC endpoint.</param>
/// <param name="ChainId">The chain id (31337).</param>
/// <param name="LogFile">The node's log.</param>
/// <param name="ManifestPath">The deployment manifest.</param>
/// <param name="StartedAt">When the node was started.</param>
/// <param name="Accounts">The deployer (account 0) and the funded test accounts of the published Hardhat mnemonic.</param>
public sealed record DevnetState(
    int ProcessId, int Port, Uri RpcUrl, ulong ChainId, string LogFile, string ManifestPath, DateTimeOffset StartedAt, IReadOnlyList<Address> Accounts);

/// <summary>The result of <see cref="DevnetHost.UpAsync"/>.</summary>
/// <param name="State">The running devnet.</param>
/// <param name="Deployment">Its deployment.</param>
/// <param name="AlreadyRunning">Whether it was already running (nothing was started or deployed).</param>
public sealed record DevnetUpResult(DevnetState State, DeploymentRecord Deployment, bool AlreadyRunning);

/// <summary>What <see cref="DevnetHost.StatusAsync"/> found.</summary>
/// <param name="Running">Whether the node runs and answers.</param>
/// <param name="State">The state file's contents, or <c>null</c> when there is none (or it was stale and removed).</param>
/// <param name="ChainId">The node's chain id, when running.</param>
/// <param name="BlockNumber">The latest block, when running.</param>
/// <param name="Registry">The registry's address, when deployed.</param>
/// <param name="ListingCount">How many servers are listed, when deployed.</param>
/// <param name="Message">One sentence for people.</param>
public sealed record DevnetStatus(bool Running, DevnetState? State, ulong? ChainId, ulong? BlockNumber, Address? Registry, UInt256? ListingCount, string Message);

/// <summary>
/// The embedded devnet: a Hardhat node on 127.0.0.1 started as a detached process (its own session, so it outlives
/// the caller, as <c>tcr devnet up</c> needs), with the TCR deployed by <see cref="TcrDeployer"/> and test accounts
/// funded and self-delegated. State, manifest and log go to <see cref="DevnetOptions.StateDirectory"/>. Unix only.
/// </summary>
public sealed class DevnetHost
{
    /// <summary>Hardhat's published development mnemonic; its accounts are funded with ether on every Hardhat node.</summary>
    public const string Mnemonic = "test test test test test test test test test test test junk";

    /// <summary>The name of the state file in the state directory.</summary>
    public const string StateFileName = "devnet.state.json";

    /// <summary>The name of the manifest in the state directory (the file <c>scripts/demo</c> also writes).</summary>
    public const string ManifestFileName = "devnet.json";

    /// <summary>The name of the node's log in the state directory.</summary>
    public const string LogFileName = "hardhat-node.log";

    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };
    private readonly DevnetOptions _options;

    /// <summary>Creates a host; nothing starts until <see cref="UpAsync"/>.</summary>
    public DevnetHost(DevnetOptions? options = null)
    {
        _options = options ?? new DevnetOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.FundedAccounts, nameof(options));
        StateDirectory = Path.GetFullPath(_options.StateDirectory);
    }

    /// <summary>The state directory, as a full path.</summary>
    public string StateDirectory { get; }

    /// <summary>The state file.</summary>
    public string StatePath => Path.Combine(StateDirectory, StateFileName);

    /// <summary>The deployment manifest.</summary>
    public string ManifestPath => Path.Combine(StateDirectory, ManifestFileName);

    /// <summary>The node's log.</summary>
    public string LogPath => Path.Combine(StateDirectory, LogFileName);

    /// <summary>
    /// Starts the node, deploys the TCR and funds the test accounts; when a devnet of this state directory already
    /// runs, returns it instead (<see cref="DevnetUpResult.AlreadyRunning"/>). A stale state file is replaced.
    /// </summary>
    /// <exception cref="DevnetException">The node did not start (the message points at its log) or the repository was not found.</exception>
    /// <exception cref="DeploymentException">The deployment failed; the node was stopped again.</exception>
    public async Task<DevnetUpResult> UpAsync(IProgress<DeploymentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The devnet host runs the Hardhat node in its own session, which needs Linux or macOS.");
        }

        var existing = await StatusAsync(cancellationToken).ConfigureAwait(false);
        if (existing.Running && File.Exists(ManifestPath))
        {
            return new DevnetUpResult(existing.State!, DeploymentRecord.Load(ManifestPath), AlreadyRunning: true);
        }

        if (existing.State is not null)
        {
            await StopAsync(cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(StateDirectory);
        // A new node is a new chain: a manifest from an earlier one would only fail its on-chain checks.
        File.Delete(ManifestPath);
        var root = FindRepository();
        var port = _options.Port ?? FreeLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var pid = await SpawnDetachedAsync(root, port, cancellationToken).ConfigureAwait(false);
        using var wallet = HdWallet.FromMnemonic(Mnemonic);
        var keys = Enumerable.Range(0, _options.FundedAccounts + 1).Select(wallet.DeriveAccount).ToList();
        try
        {
            var state = new DevnetState(pid, port, url, TcrNetworks.Devnet.ChainId, LogPath, ManifestPath, DateTimeOffset.UtcNow, keys.Select(k => k.Address).ToList());
            await WriteStateAsync(state).ConfigureAwait(false);
            await using var client = RpcClient.CreateHttp(url);
            await WaitUntilAnsweringAsync(url, pid, cancellationToken).ConfigureAwait(false);
            var deployer = new TcrDeployer(
                client,
                TcrNetworks.Devnet,
                _options.Config ?? DeploymentConfig.Default,
                ManifestPath,
                new TcrDeployerOptions { PollInterval = TimeSpan.FromMilliseconds(50), RecordRpcUrl = url.ToString().TrimEnd('/') });
            var deployment = await deployer.DeployAsync(keys[0], progress, cancellationToken).ConfigureAwait(false);
            await FundAsync(client, deployment.Token!.Address, keys, cancellationToken).ConfigureAwait(false);
            return new DevnetUpResult(state, deployment, AlreadyRunning: false);
        }
        catch
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    /// <summary>
    /// Whether the devnet runs, and if so its chain, block, registry and listing count. A state file whose process is
    /// gone (or is no Hardhat node: a reused pid) is stale: it is removed.
    /// </summary>
    public async Task<DevnetStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var state = ReadState();
        if (state is null)
        {
            return new DevnetStatus(false, null, null, null, null, null, $"No devnet runs from {StateDirectory}; start one with tcr devnet up.");
        }

        if (!IsHardhatProcess(state.ProcessId))
        {
            RemoveState();
            return new DevnetStatus(false, null, null, null, null, null, $"The devnet recorded in {StatePath} (pid {state.ProcessId}) is no longer running; its stale state was removed.");
        }

        await using var client = RpcClient.CreateHttp(state.RpcUrl, new RpcClientOptions { MaxReadRetries = 0 }, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        ulong chainId, block;
        try
        {
            chainId = await client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
            block = await client.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            return new DevnetStatus(false, state, null, null, null, null, $"The devnet process {state.ProcessId} runs but does not answer at {state.RpcUrl}; see {state.LogFile}, or stop it with tcr devnet down.");
        }

        if (!File.Exists(ManifestPath))
        {
            return new DevnetStatus(true, state, chainId, block, null, null, $"The devnet runs at {state.RpcUrl} (chain {chainId}, block {block}) without a deployment.");
        }

        var manifest = DeploymentRecord.Load(ManifestPath);
        if (manifest.Registry is not { } registry)
        {
            return new DevnetStatus(true, state, chainId, block, null, null, $"The devnet runs at {state.RpcUrl} (chain {chainId}, block {block}); its deployment is unfinished.");
        }

        var listed = await new Generated.MailServerRegistry(client, registry.Address).ListedCountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new DevnetStatus(true, state, chainId, block, registry.Address, listed, $"The devnet runs at {state.RpcUrl} (chain {chainId}, block {block}); registry {registry.Address} lists {listed} server(s).");
    }

    /// <summary>
    /// Stops the node (SIGTERM to its process group, SIGKILL after 5 seconds) and removes the state file. Idempotent:
    /// without a devnet, or with a stale state file, it only cleans up.
    /// </summary>
    /// <returns>Whether a running node was stopped.</returns>
    public async Task<bool> StopAsync(CancellationToken cancellationToken = default)
    {
        var state = ReadState();
        if (state is null)
        {
            return false;
        }

        var stopped = false;
        if (IsHardhatProcess(state.ProcessId))
        {
            await SignalAsync(state.ProcessId, "TERM").ConfigureAwait(false);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (IsAlive(state.ProcessId) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            if (IsAlive(state.ProcessId))
            {
                await SignalAsync(state.ProcessId, "KILL").ConfigureAwait(false);
            }

            stopped = true;
        }

        RemoveState();
        return stopped;
    }

    private DevnetState? ReadState()
    {
        try
        {
            return File.Exists(StatePath) ? JsonSerializer.Deserialize<StateFile>(File.ReadAllText(StatePath))?.ToState() : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            // An unreadable state file describes no devnet we could stop: treat it as stale.
            RemoveState();
            return null;
        }
    }

    private async Task WriteStateAsync(DevnetState state)
    {
        var temporary = StatePath + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(StateFile.From(state), StateJson)).ConfigureAwait(false);
        File.Move(temporary, StatePath, overwrite: true);
    }

    private void RemoveState() => File.Delete(StatePath);

    /// <summary>The state file's JSON shape: addresses as hex strings.</summary>
    private sealed record StateFile(int ProcessId, int Port, Uri RpcUrl, ulong ChainId, string LogFile, string ManifestPath, DateTimeOffset StartedAt, string[]? Accounts)
    {
        public static StateFile From(DevnetState state) =>
            new(state.ProcessId, state.Port, state.RpcUrl, state.ChainId, state.LogFile, state.ManifestPath, state.StartedAt, state.Accounts.Select(a => a.ToString()).ToArray());

        public DevnetState ToState() =>
            new(ProcessId, Port, RpcUrl, ChainId, LogFile, ManifestPath, StartedAt, (Accounts ?? []).Select(Address.Parse).ToList());
    }

    private string FindRepository()
    {
        static bool IsRepository(string directory) => File.Exists(Path.Combine(directory, "node_modules", "hardhat", "dist", "src", "cli.js"));
        if (_options.RepositoryRoot is { } given)
        {
            return IsRepository(given)
                ? Path.GetFullPath(given)
                : throw new DevnetException($"{given} has no node_modules/hardhat; run npm ci there, or point RepositoryRoot at the TcrToolkit repository.");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (IsRepository(directory.FullName))
                {
                    return directory.FullName;
                }
            }
        }

        throw new DevnetException("The devnet needs Hardhat from the TcrToolkit repository's node_modules; run from the repository (after npm ci) or set RepositoryRoot.");
    }

    private async Task<int> SpawnDetachedAsync(string root, int port, CancellationToken cancellationToken)
    {
        var node = Path.Combine(root, "node_modules", "node", "bin", "node");
        var cli = Path.Combine(root, "node_modules", "hardhat", "dist", "src", "cli.js");
        // A background job of a non-interactive shell is no process-group leader, so setsid(1) does not fork: $! is the
        // node's pid, and also its session and process group id. Output goes to the log, not to a pipe of ours, so
        // the node keeps running after this process exits.
        // Why a shell and not Process.Start(node, cli …) directly: .NET cannot point a child's stdout and stderr at a
        // file nor start it in a new session. Inherited, our stdout would stay open in the node, so a caller reading
        // `tcr devnet up` to its end (the demo's $(…)) would wait forever; piped to us, the node would lose its output
        // (EPIPE) when we exit; and without a session of its own, a terminal's hang-up would reach it. The shell exits
        // at once, so the node is also no child of ours: init reaps it when `devnet down` stops it.
        const string Script = """
            if command -v setsid >/dev/null 2>&1; then setsid "$@" >>"$TCR_DEVNET_LOG" 2>&1 </dev/null &
            else nohup "$@" >>"$TCR_DEVNET_LOG" 2>&1 </dev/null &
            fi
            echo $!
            """;
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Script, "sh", File.Exists(node) ? node : "node", cli, "node", "--hostname", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--chain-id", TcrNetworks.Devnet.ChainId.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TCR_DEVNET_LOG"] = LogPath;
        start.Environment["HARDHAT_DISABLE_TELEMETRY_PROMPT"] = "true";
        using var shell = Process.Start(start) ?? throw new DevnetException("Could not start /bin/sh to launch the Hardhat node.");
        var output = await shell.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await shell.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new DevnetException($"Launching the Hardhat node printed no process id (\"{output.Trim()}\"); see {LogPath}.");
    }

    private async Task WaitUntilAnsweringAsync(Uri url, int pid, CancellationToken cancellationToken)
    {
        await using var probe = RpcClient.CreateHttp(url, new RpcClientOptions { MaxReadRetries = 0 }, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        while (true)
        {
            if (!IsAlive(pid))
            {
                throw new DevnetException($"The Hardhat node exited before answering; see {LogPath}{Tail()}.");
            }

            try
            {
                await probe.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcUnavailableException e)
            {
                throw new DevnetException($"The Hardhat node did not answer at {url} within {_options.StartTimeout}; see {LogPath}.", e);
            }
        }
    }

    private string Tail()
    {
        try
        {
            var lines = File.ReadAllLines(LogPath);
            return lines.Length == 0 ? "" : ": " + string.Join(" | ", lines.TakeLast(5));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private async Task FundAsync(RpcClient client, Address token, List<PrivateKey> keys, CancellationToken cancellationToken)
    {
        var deployer = new TransactionSender(client, keys[0], new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var asDeployer = new Generated.TcrToken(client, token, deployer);
        foreach (var key in keys.Skip(1))
        {
            await asDeployer.SendTransferAsync(key.Address, _options.TokensPerAccount, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // Voting weight is the checkpointed votes at clock - 1, and ERC20Votes counts only delegated balances.
        foreach (var key in keys)
        {
            var sender = key == keys[0] ? deployer : new TransactionSender(client, key, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
            await new Generated.TcrToken(client, token, sender).SendDelegateAsync(key.Address, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsHardhatProcess(int pid)
    {
        if (!IsAlive(pid))
        {
            return false;
        }

        // Guard against a reused pid: where /proc exists, the command line must be a Hardhat node's.
        var cmdline = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline";
        try
        {
            return !File.Exists(cmdline) || File.ReadAllText(cmdline).Contains("hardhat", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        var id = pid.ToString(CultureInfo.InvariantCulture);
        // The whole process group first (setsid made the node its leader); the process alone if there is no such group.
        if (await RunKillAsync(signal, "-" + id).ConfigureAwait(false) != 0)
        {
            await RunKillAsync(signal, id).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunKillAsync(string signal, string target)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", "kill -s \"$1\" -- \"$2\"", "sh", signal, target })
        {
            start.ArgumentList.Add(argument);
        }

        using var kill = Process.Start(start)!;
        await kill.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await kill.WaitForExitAsync().ConfigureAwait(false);
        return kill.ExitCode;
    }
}

/// <summary>The devnet could not be started or found; the message says what to do.</summary>
public sealed class DevnetException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    public DevnetException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
