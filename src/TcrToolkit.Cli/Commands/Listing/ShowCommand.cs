using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;
using TcrToolkit.Generated;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing show</c>.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="Stage">absent, applied, listed or exiting.</param>
/// <param name="Owner">The owner, EIP-55 (the zero address when absent).</param>
/// <param name="Deposit">The deposit in base units, as a decimal string.</param>
/// <param name="DepositFormatted">The deposit in whole tokens.</param>
/// <param name="ApplicationEnd">When the application stage ends (Unix seconds; 0 if none).</param>
/// <param name="ChallengeId">The open challenge's id (0 if none).</param>
/// <param name="Status">One phrase for the entry's situation, for example "applied, challengeable".</param>
/// <param name="Trusted">Whether clients trust it now (listed or exiting).</param>
/// <param name="ExitStart">When a started exit's window opens (Unix seconds; 0 if none).</param>
/// <param name="ExitEnd">When it closes (Unix seconds; 0 if none).</param>
/// <param name="Nonce">The entry's nonce, which node proofs are signed for.</param>
/// <param name="Now">The latest block's time, against which the verdicts were made (Unix seconds).</param>
/// <param name="NextDeadline">The next instant at which the entry changes or a waiting party can act (Unix seconds), or null.</param>
/// <param name="Challenge">The open challenge with its tallies, or null.</param>
/// <param name="Account">The account the actions were judged for (<c>--account</c>), or null for anyone.</param>
/// <param name="Actions">Each action with whether it is possible now and why not.</param>
internal sealed record ListingShowResult(
    string NodeId,
    string Stage,
    string Owner,
    string Deposit,
    string DepositFormatted,
    ulong ApplicationEnd,
    ulong ChallengeId,
    string Status,
    bool Trusted,
    ulong ExitStart,
    ulong ExitEnd,
    ulong Nonce,
    ulong Now,
    ulong? NextDeadline,
    ListingChallengeSummary? Challenge,
    string? Account,
    IReadOnlyList<ListingActionResult> Actions);

/// <summary>An open challenge as <c>tcr listing show</c> reports it.</summary>
/// <param name="Id">The challenge id (its poll id).</param>
/// <param name="Challenger">Who challenged.</param>
/// <param name="Stake">The challenger's stake in base units.</param>
/// <param name="StakeFormatted">The same in whole tokens.</param>
/// <param name="CommitEnd">End of the commit stage (Unix seconds).</param>
/// <param name="RevealEnd">End of the reveal stage; resolvable from then on (Unix seconds).</param>
/// <param name="VotesFor">Revealed weight upholding the challenge, base units.</param>
/// <param name="VotesAgainst">Revealed weight rejecting it, base units.</param>
internal sealed record ListingChallengeSummary(ulong Id, string Challenger, string Stake, string StakeFormatted, ulong CommitEnd, ulong RevealEnd, string VotesFor, string VotesAgainst);

/// <summary>One action's verdict.</summary>
/// <param name="Action">update-status, challenge, deposit, withdraw, init-exit or finalize-exit.</param>
/// <param name="Command">The tcr command that does it.</param>
/// <param name="Allowed">Whether it is possible now.</param>
/// <param name="Blocker">none, not-yet, funds, request or state.</param>
/// <param name="Reason">Why not, and what to do; null when allowed.</param>
/// <param name="AvailableAt">For not-yet, when it becomes possible (Unix seconds); otherwise null.</param>
/// <param name="Note">For an allowed action, what it will do that may surprise; otherwise null.</param>
internal sealed record ListingActionResult(string Action, string Command, bool Allowed, string Blocker, string? Reason, ulong? AvailableAt, string? Note)
{
    public static ListingActionResult Of(ListingAction action, ActionCheck check, Bytes32 nodeId) => new(
        Name(action), CommandOf(action, nodeId), check.IsAllowed, BlockerName(check.Blocker), check.Reason, RegistryDisplay.Unix(check.AvailableAt), check.Note);

    public static string Name(ListingAction action) => action switch
    {
        ListingAction.UpdateStatus => "update-status",
        ListingAction.InitExit => "init-exit",
        ListingAction.FinalizeExit => "finalize-exit",
        _ => action.ToString().ToLowerInvariant(),
    };

    private static string CommandOf(ListingAction action, Bytes32 nodeId) => action switch
    {
        ListingAction.UpdateStatus => $"tcr challenge resolve {nodeId}",
        ListingAction.Challenge => $"tcr challenge open {nodeId}",
        ListingAction.Deposit => $"tcr listing deposit {nodeId} <amount>",
        ListingAction.Withdraw => $"tcr listing withdraw {nodeId} <amount>",
        ListingAction.InitExit => $"tcr listing exit {nodeId}",
        _ => $"tcr listing exit {nodeId} --finalize",
    };

    private static string BlockerName(Blocker blocker) => blocker switch
    {
        Registry.Blocker.None => "none",
        Registry.Blocker.NotYet => "not-yet",
        _ => blocker.ToString().ToLowerInvariant(),
    };
}

/// <summary><c>tcr listing show &lt;node-id&gt;</c>: a listing's state, deadlines, open challenge and what can be done now.</summary>
internal sealed class ShowCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    public override string Noun => "listing";

    public override string? Verb => "show";

    public override string Description => "Show a listing: stage, status, owner, deposit, deadlines, challenge and possible actions";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing show 0x3f5a…c01d", "Show one listing on the devnet, with what anyone can do"),
        new("tcr listing show 0x3f5a…c01d --account alice", "Also judge the owner's actions (deposit, withdraw, exit) for alice"),
        new("tcr listing show 0x3f5a…c01d --json | jq -r .stage", "Print only its stage"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_nodeId);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        Address? account = context.Accounts.HasAccount ? context.Accounts.GetAddress() : null;
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var reader = new RegistryReader(connection);
        var view = await reader.GetListingAsync(nodeId, account, cancellationToken).ConfigureAwait(false);
        var listing = view.Listing;

        ListingChallengeSummary? challenge = null;
        if (listing.ChallengeId != 0 && view.Challenge is { } c)
        {
            var poll = await reader.GetPollResultAsync(c.ChallengeId, cancellationToken).ConfigureAwait(false);
            challenge = new ListingChallengeSummary(
                c.ChallengeId, c.Challenger.ToString(), RegistryDisplay.Units(c.Amount), RegistryDisplay.Formatted(c.Amount),
                RegistryDisplay.Unix(c.CommitEnd), RegistryDisplay.Unix(c.RevealEnd), RegistryDisplay.Units(poll.VotesFor), RegistryDisplay.Units(poll.VotesAgainst));
        }

        var result = new ListingShowResult(
            nodeId.ToString(),
            listing.Stage.ToString().ToLowerInvariant(),
            listing.Owner.ToString(),
            RegistryDisplay.Units(listing.Deposit),
            RegistryDisplay.Formatted(listing.Deposit),
            RegistryDisplay.Unix(listing.ApplicationEnd),
            listing.ChallengeId,
            view.Status,
            listing.IsTrusted,
            RegistryDisplay.Unix(listing.ExitStart),
            RegistryDisplay.Unix(listing.ExitEnd),
            listing.Nonce,
            RegistryDisplay.Unix(view.Now),
            RegistryDisplay.Unix(view.NextDeadline),
            challenge,
            account?.ToString(),
            [.. view.Actions.OrderBy(a => a.Key).Select(a => ListingActionResult.Of(a.Key, a.Value, nodeId))]);

        context.Output.Result(result, CliJsonContext.Default.ListingShowResult, human =>
        {
            var rows = new List<(string, string)>
            {
                ("Node id", result.NodeId),
                ("Stage", result.Stage),
                ("Status", result.Status),
                ("Trusted", result.Trusted ? "yes" : "no"),
            };
            if (listing.Stage != MailServerRegistry.Stage.Absent)
            {
                rows.Add(("Owner", result.Owner));
                rows.Add(("Deposit", RegistryDisplay.Tokens(listing.Deposit)));
                rows.Add(("Application end", RegistryDisplay.Time(result.ApplicationEnd)));
            }

            if (listing.Stage == MailServerRegistry.Stage.Exiting)
            {
                rows.Add(("Exit window", $"{RegistryDisplay.Time(result.ExitStart)} to {RegistryDisplay.Time(result.ExitEnd)}"));
            }

            if (challenge is not null)
            {
                rows.Add(("Challenge", $"{challenge.Id} by {challenge.Challenger}, stake {challenge.StakeFormatted} tokens"));
                rows.Add(("Commit end", RegistryDisplay.Time(challenge.CommitEnd)));
                rows.Add(("Reveal end", RegistryDisplay.Time(challenge.RevealEnd)));
                rows.Add(("Votes", $"{EthUnits.FormatEther(UInt256.Parse(challenge.VotesFor))} for, {EthUnits.FormatEther(UInt256.Parse(challenge.VotesAgainst))} against (revealed)"));
            }
            else
            {
                rows.Add(("Challenge", "none"));
            }

            rows.Add(("Next deadline", RegistryDisplay.Time(result.NextDeadline)));
            rows.Add(("Chain time", RegistryDisplay.Time(result.Now)));
            human.Properties(rows);
            human.Line(string.Empty);
            human.Table(
                [account is null ? "Action (for anyone)" : $"Action (for {account})", "Possible", "Why not / note"],
                result.Actions.Select(a => (IReadOnlyList<string>)[
                    a.Action,
                    a.Allowed ? "yes" : a.AvailableAt is { } at ? $"at {RegistryDisplay.Time(at)}" : "no",
                    a.Reason ?? a.Note ?? a.Command]));
        });
    }
}
