using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Commands.Vote;

/// <summary>
/// <c>tcr vote commit &lt;poll-id&gt; (--uphold | --reject)</c>: stores a fresh salt in the salt vault (on disk before
/// anything is sent), then commits the vote's hash.
/// </summary>
internal sealed class CommitCommand : TcrCommand
{
    private readonly PollSelection _poll = new();
    private readonly Option<bool> _uphold = new("--uphold") { Description = "Vote for the challenge: the challenged listing or proposal should lose" };
    private readonly Option<bool> _reject = new("--reject") { Description = "Vote against the challenge: the challenged listing or proposal should stay" };

    public override string Noun => "vote";

    public override string? Verb => "commit";

    public override bool SendsTransactions => true;

    public override string Description => "Commit a secret vote in a challenge's poll (the salt is kept in the salt vault)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr vote commit 7 --uphold --account alice", "Vote to uphold challenge 7"),
        new("tcr vote commit --proposal 2 --reject --account alice", "Vote against the challenge of parameter proposal 2"),
    ];

    public override void Configure(Command command)
    {
        _poll.AddTo(command);
        command.Options.Add(_uphold);
        command.Options.Add(_reject);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var uphold = context.Parse.GetValue(_uphold);
        if (uphold == context.Parse.GetValue(_reject))
        {
            throw CliException.Usage(
                "vote-option",
                uphold
                    ? "`tcr vote commit` got both --uphold and --reject; give exactly one of them."
                    : "`tcr vote commit` needs the vote: --uphold (the challenge should succeed) or --reject (it should fail); add one of them.");
        }

        _poll.Validate(context);
        var option = uphold ? VoteCommitment.Uphold : VoteCommitment.Reject;
        var (pollId, proposalId) = await _poll.ResolveAsync(context, cancellationToken).ConfigureAwait(false);
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var voter = new TcrVoter(account, context.SaltVault);

        var (vote, receipt) = await voter.CommitAsync(pollId, option, cancellationToken).ConfigureAwait(false);
        var pending = (await voter.GetPendingRevealsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.PollId == pollId);

        var result = new VoteCommitResult(
            pollId,
            proposalId,
            account.Address.ToString(),
            PollSelection.OptionName(option),
            vote.Commitment.ToString(),
            receipt.TransactionHash.ToString(),
            pending is null ? 0 : HumanTime.Unix(pending.CommitEnd),
            pending is null ? 0 : HumanTime.Unix(pending.RevealEnd),
            context.SaltVault.Path);
        context.Output.Result(result, CliJsonContext.Default.VoteCommitResult, view => view.Properties(
            ("Poll", pollId + (proposalId is { } id ? $" (proposal {id})" : string.Empty)),
            ("Option", result.Option),
            ("Commitment", result.Commitment),
            ("Transaction", result.TransactionHash),
            ("Reveal window", pending is null ? "-" : $"{HumanTime.Format(pending.CommitEnd)} to {HumanTime.Format(pending.RevealEnd)}"),
            ("Salt vault", result.SaltVault)));
        if (pending is not null)
        {
            context.Output.Note(
                $"Reveal between {HumanTime.Format(pending.CommitEnd)} and {HumanTime.Format(pending.RevealEnd)} with `tcr vote reveal {pollId}`; an unrevealed vote does not count, and only {result.SaltVault} can reveal it.");
        }
    }
}
