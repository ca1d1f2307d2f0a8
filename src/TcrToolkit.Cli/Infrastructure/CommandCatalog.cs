using TcrToolkit.Cli.Commands.Challenge;
using TcrToolkit.Cli.Commands.Deploy;
using TcrToolkit.Cli.Commands.Devnet;
using TcrToolkit.Cli.Commands.Listing;
using TcrToolkit.Cli.Commands.Token;
using TcrToolkit.Cli.Commands.Wallet;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// Every command of <c>tcr</c>, and the description of every noun. Adding a command is one line in <see cref="Create"/>
/// (and, for a new noun, one in <see cref="NounDescription"/>).
/// </summary>
public static class CommandCatalog
{
    /// <summary>Examples shown by <c>tcr --help</c>.</summary>
    public static IReadOnlyList<Example> RootExamples { get; } =
    [
        new("tcr devnet up", "Start a local chain with the registry deployed and five funded accounts"),
        new("tcr wallet new alice", "Create a password-protected key in ~/.tcr/keystore"),
        new("tcr token balance --account alice", "Show alice's token balance on the devnet"),
        new("tcr listing show 0x<node-id> --network sepolia --json", "Read a listing on Sepolia as JSON"),
    ];

    /// <summary>Creates one instance of every command. Constructors only declare options: no I/O, no heavy types.</summary>
    public static IReadOnlyList<TcrCommand> Create() =>
    [
        // In the order `tcr --help` lists them: set up, then keys and tokens, then the registry's lifecycle.
        new UpCommand(),
        new DownCommand(),
        new Commands.Devnet.StatusCommand(),
        new AdvanceCommand(),
        new FundCommand(),
        new DeployCommand(),
        new NewCommand(),
        new ImportCommand(),
        new ListCommand(),
        new AddressCommand(),
        new BalanceCommand(),
        new TokenTransferCommand(),
        new TokenApproveCommand(),
        new TokenDelegateCommand(),
        new ListingProofCommand(),
        new ListingApplyCommand(),
        new ListingDepositCommand(),
        new ListingWithdrawCommand(),
        new ListingExitCommand(),
        new ShowCommand(),
        new ListingListCommand(),
        new ListingStatusCommand(),
        new ChallengeOpenCommand(),
        new ChallengeResolveCommand(),
        new ChallengeClaimCommand(),
        new ChallengeShowCommand(),
        new Commands.Vote.SetupCommand(),
        new Commands.Vote.CommitCommand(),
        new Commands.Vote.RevealCommand(),
        new Commands.Vote.StatusCommand(),
        new Commands.Params.ShowCommand(),
        new Commands.Params.ProposeCommand(),
        new Commands.Params.ChallengeCommand(),
        new Commands.Params.ProcessCommand(),
        new Commands.Params.ClaimCommand(),
        new Commands.Watch.WatchCommand(),
        new Commands.Discovery.DiscoveryStartCommand(),
        new Commands.Discovery.DiscoveryPingCommand(),
        new Commands.Discovery.DiscoveryLookupCommand(),
        new Commands.Discovery.DiscoveryWalkCommand(),
        new Commands.Server.RunCommand(),
        new Commands.Message.PushCommand(),
        new Commands.Message.QueryCommand(),
        new Commands.MailServers.ServersCommand(),
        new Commands.Message.SendCommand(),
        new Commands.MailServers.HistoryCommand(),
    ];

    /// <summary>The help line of a noun.</summary>
    public static string NounDescription(string noun) => noun switch
    {
        "devnet" => "Start, stop and inspect the local development chain",
        "deploy" => "Deploy the TCR contracts and write the deployment manifest",
        "wallet" => "Create, import and list local keys (keystore v3 files)",
        "token" => "Read and move the registry's token",
        "listing" => "Apply for, fund, leave and inspect mail server listings",
        "challenge" => "Open, resolve and claim challenges against listings",
        "vote" => "Commit and reveal votes on challenges",
        "params" => "Show and govern the registry's parameters",
        "watch" => "Follow the registry's events as they happen",
        "discovery" => "Run a Discovery v5 node: show its record, ping, look up and random-walk the DHT",
        "server" => "Run a mail server: Waku Store and LightPush, advertised in Discovery v5",
        "servers" => "Discover mail servers and show which the registry lets you trust",
        "history" => "Fetch merged history from trusted mail servers",
        "message" => "Send messages through trusted mail servers, or push to and query one given store node",
        _ => noun,
    };
}
