using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Commands.Vote;

/// <summary>
/// <c>tcr vote reveal &lt;poll-id&gt;</c> reveals one vote with the salt from the vault; <c>--all</c> reveals every
/// pending vote that can be revealed now and reports the others.
/// </summary>
internal sealed class RevealCommand : TcrCommand
{
    private readonly PollSelection _poll = new();
    private readonly Option<bool> _all = new("--all") { Description = "Reveal every vote of the account in the salt vault that can be revealed now" };

    public override string Noun => "vote";

    public override string? Verb => "reveal";

    public override bool SendsTransactions => true;

    public override string Description => "Reveal committed votes with their salts from the salt vault";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr vote reveal 7 --account alice", "Reveal alice's vote in poll 7"),
        new("tcr vote reveal --all --account alice --salt-vault backup/salts.db", "Reveal every revealable vote with a restored vault"),
    ];

    public override void Configure(Command command)
    {
        _poll.AddTo(command);
        command.Options.Add(_all);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var all = context.Parse.GetValue(_all);
        if (all && _poll.IsGiven(context))
        {
            throw CliException.Usage("reveal-ambiguous", "`tcr vote reveal --all` reveals every pending vote, so it takes no poll id or --proposal; leave one of them out.");
        }

        if (!all)
        {
            _poll.Validate(context, " (or --all)");
        }

        var revealed = new List<RevealedVote>();
        var skipped = new List<SkippedReveal>();
        TcrVoter voter;
        if (all)
        {
            voter = new TcrVoter(await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false), context.SaltVault);
            foreach (var pending in await voter.GetPendingRevealsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!pending.CanReveal.IsAllowed)
                {
                    var at = pending.CanReveal.AvailableAt;
                    skipped.Add(new SkippedReveal(pending.PollId, pending.CanReveal.Reason!, at is { } instant ? HumanTime.Unix(instant) : null));
                    continue;
                }

                var (vote, receipt) = await voter.RevealAsync(pending.PollId, cancellationToken).ConfigureAwait(false);
                revealed.Add(new RevealedVote(pending.PollId, PollSelection.OptionName(vote.Option), receipt.TransactionHash.ToString()));
            }
        }
        else
        {
            var (pollId, _) = await _poll.ResolveAsync(context, cancellationToken).ConfigureAwait(false);
            voter = new TcrVoter(await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false), context.SaltVault);
            var (vote, receipt) = await voter.RevealAsync(pollId, cancellationToken).ConfigureAwait(false);
            revealed.Add(new RevealedVote(pollId, PollSelection.OptionName(vote.Option), receipt.TransactionHash.ToString()));
        }

        var result = new VoteRevealResult(voter.Account.Address.ToString(), revealed, skipped);
        context.Output.Result(result, CliJsonContext.Default.VoteRevealResult, view =>
        {
            foreach (var vote in revealed)
            {
                view.Line($"Revealed {vote.Option} in poll {vote.PollId} ({vote.TransactionHash})");
            }

            foreach (var skip in skipped)
            {
                view.Line($"Not revealed: poll {skip.PollId}: {skip.Reason}");
            }

            if (revealed.Count == 0 && skipped.Count == 0)
            {
                view.Line($"Nothing to reveal: the salt vault {context.SaltVault.Path} holds no committed, unrevealed vote of {result.Voter}.");
            }
        });
    }
}
