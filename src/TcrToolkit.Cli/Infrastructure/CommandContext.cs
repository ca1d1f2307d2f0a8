using System.CommandLine;
using TcrToolkit.Cli.Infrastructure.Accounts;
using TcrToolkit.Cli.Infrastructure.Configuration;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum;
using TcrToolkit.Votes;
using TcrToolkit.Wallets;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// What a command gets: its parsed values, the output, the network (manifest, RPC) and the account (address, key).
/// Everything is resolved on first use, so a command pays only for what it touches.
/// </summary>
public sealed class CommandContext : IAsyncDisposable
{
    private readonly NetworkResolver _networks;
    private ResolvedNetwork? _network;
    private AccountResolver? _accounts;
    private RpcClient? _rpc;
    private TcrConnection? _connection;
    private PrivateKey? _key;
    private SaltVault? _vault;
    private ServiceProgressBridge? _progress;

    /// <summary>Creates the context of one invocation.</summary>
    /// <param name="command">The command being run.</param>
    /// <param name="parse">The parse result.</param>
    /// <param name="environment">Environment variables, directories, terminals.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="devnet">Finds the devnet's state; <see cref="DotDevnetLocator"/> by default.</param>
    public CommandContext(TcrCommand command, ParseResult parse, CliEnvironment environment, TextWriter stdout, TextWriter stderr, IDevnetLocator? devnet = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(environment);
        Command = command;
        Parse = parse;
        Environment = environment;
        Stderr = stderr;
        Output = new CommandOutput(parse.GetValue(GlobalOptions.Json), environment, stdout, stderr);
        _networks = new NetworkResolver(environment, devnet ?? new DotDevnetLocator());
    }

    /// <summary>The command being run.</summary>
    public TcrCommand Command { get; }

    /// <summary>The parse result: <c>context.Parse.GetValue(_myOption)</c>.</summary>
    public ParseResult Parse { get; }

    /// <summary>Environment variables, directories and terminals.</summary>
    public CliEnvironment Environment { get; }

    /// <summary>Standard error, for prompts.</summary>
    public TextWriter Stderr { get; }

    /// <summary>Results (<c>--json</c> or tables), notes and transaction progress.</summary>
    public CommandOutput Output { get; }

    /// <summary>The network of <c>--network</c>; its manifest and RPC URL resolve on first use.</summary>
    /// <exception cref="CliException">The network name is unknown (<see cref="ExitCode.Configuration"/>).</exception>
    public ResolvedNetwork Network => _network ??= _networks.Resolve(
        Parse.GetValue(GlobalOptions.Network), Parse.GetValue(GlobalOptions.Rpc), Parse.GetValue(GlobalOptions.Manifest));

    /// <summary>The network if <see cref="Network"/> was resolved without error, else <c>null</c> (for error messages).</summary>
    public ResolvedNetwork? ResolvedNetworkOrNull => _network;

    /// <summary>The keystore directory: <c>--keystore-dir</c>, else <c>$TCR_HOME/keystore</c>, else <c>~/.tcr/keystore</c>.</summary>
    public KeystoreDirectory Keystores => Accounts.Keystores;

    /// <summary>Reads passwords, mnemonics and key files (never from the command line).</summary>
    public SecretReader Secrets => new(Environment, Stderr, () => Console.In);

    /// <summary>Resolves <c>--account</c> to an address or a signing key, with the password flow.</summary>
    public AccountResolver Accounts => _accounts ??= new AccountResolver(
        new KeystoreDirectory(Parse.GetValue(GlobalOptions.KeystoreDirectory) is { } directory
            ? Path.GetFullPath(directory, Environment.CurrentDirectory)
            : Path.Combine(Environment.TcrHome, "keystore")),
        Parse.GetValue(GlobalOptions.Account) ?? Environment.GetNonBlank(CliEnvironment.AccountVariable),
        Parse.GetValue(GlobalOptions.PasswordFile),
        Parse.GetValue(GlobalOptions.MnemonicFile),
        Secrets,
        Environment);

    /// <summary>The deployment manifest of the network.</summary>
    /// <exception cref="CliException">It is missing or malformed (<see cref="ExitCode.Configuration"/>).</exception>
    public DeploymentManifest Manifest => Network.LoadManifest();

    /// <summary>
    /// A JSON-RPC client for the network's node, connected on first use over HTTP(S) or, for a ws(s) URL, a WebSocket
    /// (reads retried once on transport faults; a command fails fast rather than hanging). Disposed with the context.
    /// </summary>
    /// <exception cref="CliException">No RPC URL is configured (<see cref="ExitCode.Configuration"/>).</exception>
    public async Task<RpcClient> GetRpcAsync(CancellationToken cancellationToken)
    {
        if (_rpc is not null)
        {
            return _rpc;
        }

        var url = Network.RpcUrl;
        var options = new RpcClientOptions { MaxReadRetries = 1, RevertDecoder = TcrConnection.RevertDecoder };
        return _rpc = url.Scheme is "ws" or "wss"
            ? await RpcClient.ConnectWebSocketAsync(
                url,
                options,
                new WebSocketRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(20), ConnectTimeout = TimeSpan.FromSeconds(10) },
                cancellationToken).ConfigureAwait(false)
            : RpcClient.CreateHttp(url, options, new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(20) });
    }

    /// <summary>
    /// The RPC client after checking that the node is on the manifest's chain, which catches a stale manifest or a wrong
    /// <c>--rpc</c> before any call is misread.
    /// </summary>
    /// <exception cref="CliException">The chain ids differ (<see cref="ExitCode.Configuration"/>).</exception>
    public async Task<RpcClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var manifest = Manifest;
        var rpc = await GetRpcAsync(cancellationToken).ConfigureAwait(false);
        var chainId = await rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (chainId != manifest.ChainId)
        {
            throw CliException.Configuration(
                "chain-mismatch",
                $"The node at {Network.RpcEndpointForDisplay} is on chain {chainId} but the manifest {Network.ManifestPath} is for chain {manifest.ChainId}; point --rpc and --manifest at the same network.");
        }

        return rpc;
    }

    /// <summary>
    /// The deployment through the service layer, after the same chain check as <see cref="ConnectAsync"/>; the token,
    /// voting contract and governor come from the manifest (or from the registry when the manifest omits them).
    /// </summary>
    /// <exception cref="CliException">The chain ids differ, or no registry is deployed at the manifest's address.</exception>
    public async Task<TcrConnection> ConnectTcrAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _connection = await TcrConnection.ConnectAsync(client, Manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (TcrConfigurationException e)
        {
            throw CliException.Configuration("deployment-missing", $"{e.Message.TrimEnd('.')} (manifest {Network.ManifestPath}).", e);
        }
    }

    /// <summary>
    /// The <c>--account</c> as a signing account on the deployment (password flow as needed), its transactions shown
    /// with a spinner and the hash. The key is disposed with the context.
    /// </summary>
    public async Task<TcrAccount> SigningAccountAsync(CancellationToken cancellationToken)
    {
        var policy = SendOptions.Policy(Parse);
        var connection = await ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        _key ??= Accounts.GetSigningKey();
        var account = connection.Account(_key, new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(250), WhenPending = policy });
        account.Progress = _progress ??= new ServiceProgressBridge(Output);
        return account;
    }

    /// <summary>
    /// The transaction this invocation sent (or was sending) whose receipt has not come yet, for the message after an
    /// interruption; <c>null</c> when nothing is in flight.
    /// </summary>
    public InFlightTransaction? InFlight => _progress?.InFlight;

    /// <summary>The hash of the last transaction of this invocation that was confirmed, or <c>null</c>.</summary>
    public Bytes32? LastConfirmedTransaction => _progress?.LastConfirmed;

    /// <summary>
    /// The vote-salt vault for commands that store votes: <c>--salt-vault</c>, else <c>$TCR_SALT_VAULT</c>, else
    /// <c>$TCR_HOME/salts.db</c> (created owner-only if missing).
    /// </summary>
    public SaltVault SaltVault => _vault ??= SaltVault.Open(SaltVaultPath);

    /// <summary>The same vault opened read-only, for commands that only list votes: nothing is created or changed.</summary>
    public SaltVault ReadOnlySaltVault => _vault ??= SaltVault.OpenReadOnly(SaltVaultPath);

    private string SaltVaultPath =>
        Parse.GetValue(GlobalOptions.SaltVault) is { } path ? Path.GetFullPath(path, Environment.CurrentDirectory)
        : Environment.GetNonBlank(CliEnvironment.SaltVaultVariable) is { } variable ? Path.GetFullPath(variable, Environment.CurrentDirectory)
        : Path.Combine(Environment.TcrHome, "salts.db");

    /// <summary>
    /// Sends a transaction with progress (spinner with the hash on a terminal) and waits for its receipt. A simulation
    /// revert before sending surfaces as exit code 5, a mined revert as 6, a missing receipt as 9.
    /// </summary>
    /// <param name="sender">The sending account (from <see cref="Accounts"/>' key and <see cref="GetRpcAsync"/>).</param>
    /// <param name="request">The transaction; generated bindings' <c>EncodeX</c> give the data.</param>
    /// <param name="action">What it does, for the progress line ("Approve 100 TCR for the registry").</param>
    /// <param name="cancellationToken">Cancels the wait (the transaction may still be mined).</param>
    public async Task<TransactionReceipt> SendTransactionAsync(TransactionSender sender, TransactionRequest request, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(request);
        using var progress = Output.BeginTransaction(action);
        progress.Report(new TransactionUpdate(TransactionStage.Preparing));
        var sent = await sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
        _progress ??= new ServiceProgressBridge(Output);
        _progress.InFlight = new InFlightTransaction(action, sent.Hash, sent.Nonce);
        progress.Report(new TransactionUpdate(TransactionStage.Sent, sent.Hash));
        var receipt = await sender.WaitForReceiptAsync(sent, cancellationToken).ConfigureAwait(false);
        _progress.InFlight = null;
        progress.Report(new TransactionUpdate(TransactionStage.Mined, sent.Hash, receipt));
        return receipt;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _vault?.Dispose();
        _key?.Dispose();
        if (_rpc is not null)
        {
            await _rpc.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Shows the service layer's transactions (<see cref="TcrAccount.Progress"/>) with the command's spinner or lines.</summary>
internal sealed class ServiceProgressBridge(CommandOutput output) : IProgress<TcrToolkit.TransactionProgress>
{
    private ITransactionProgress? _current;

    /// <summary>The transaction being sent or waited for; null once its receipt came.</summary>
    public InFlightTransaction? InFlight { get; set; }

    /// <summary>The last transaction confirmed.</summary>
    public Bytes32? LastConfirmed { get; private set; }

    public void Report(TcrToolkit.TransactionProgress value)
    {
        InFlight = value.Phase == TransactionPhase.Confirmed ? null : new InFlightTransaction(value.Action, value.TransactionHash, value.Nonce);
        if (value.Phase == TransactionPhase.Confirmed)
        {
            LastConfirmed = value.TransactionHash;
        }

        switch (value.Phase)
        {
            case TransactionPhase.Sending:
                _current?.Dispose();
                _current = output.BeginTransaction(Describe(value.Action));
                _current.Report(new TransactionUpdate(TransactionStage.Preparing));
                break;
            case TransactionPhase.Sent:
                _current?.Report(new TransactionUpdate(TransactionStage.Sent, value.TransactionHash));
                break;
            case TransactionPhase.Confirmed:
                _current?.Report(new TransactionUpdate(TransactionStage.Mined, value.TransactionHash, value.Receipt));
                _current?.Dispose();
                _current = null;
                break;
        }
    }

    private static string Describe(string action) => action switch
    {
        "apply" => "Apply",
        "approve" => "Approve tokens",
        "commitVote" => "Commit vote",
        "revealVote" => "Reveal vote",
        "updateStatus" or "updateStatuses" => "Update status",
        "claimReward" or "claimRewards" => "Claim reward",
        "initExit" => "Start exit",
        "finalizeExit" => "Finalize exit",
        "challengeProposal" => "Challenge proposal",
        "processProposal" => "Process proposal",
        _ => char.ToUpperInvariant(action[0]) + action[1..],
    };
}

/// <summary>A transaction sent (or being sent) whose receipt has not come, for the message after an interruption.</summary>
/// <param name="Action">What it does, for example "transfer".</param>
/// <param name="Hash">Its hash; null while it was still being signed and sent (the outcome is then unknown).</param>
/// <param name="Nonce">Its nonce; null while it was still being sent.</param>
public sealed record InFlightTransaction(string Action, Bytes32? Hash, ulong? Nonce);
