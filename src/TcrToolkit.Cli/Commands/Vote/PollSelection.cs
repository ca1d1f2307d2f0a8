using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Governance;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Commands.Vote;

/// <summary>
/// Which poll a vote command acts on: <c>&lt;poll-id&gt;</c> (a registry challenge id is its poll id) or
/// <c>--proposal &lt;id&gt;</c>, the poll of a parameter proposal's challenge.
/// </summary>
internal sealed class PollSelection
{
    private readonly Argument<ulong?> _pollId = IdArgs.Id(
        "poll-id", "The poll: a registry challenge's id, or a proposal challenge's poll id", "a poll id", optional: true);

    private readonly Option<ulong?> _proposal = IdArgs.IdOption(
        "--proposal", "Vote on the challenge of this parameter proposal (resolves its poll id)", "a proposal id");

    /// <summary>Adds the argument and the option.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(_pollId);
        command.Options.Add(_proposal);
    }

    /// <summary>Whether the command line names a poll or a proposal.</summary>
    public bool IsGiven(CommandContext context) =>
        context.Parse.GetValue(_pollId) is not null || context.Parse.GetValue(_proposal) is not null;

    /// <summary>Checks that exactly one of the two is given, without touching the network.</summary>
    /// <exception cref="CliException">Neither or both (exit code 2).</exception>
    public void Validate(CommandContext context, string alternative = "")
    {
        var poll = context.Parse.GetValue(_pollId);
        var proposal = context.Parse.GetValue(_proposal);
        var name = context.Command.DisplayName;
        if (poll is not null && proposal is not null)
        {
            throw CliException.Usage("poll-ambiguous", $"`{name}` got both a poll id and --proposal; give one of them.");
        }

        if (poll is null && proposal is null)
        {
            throw CliException.Usage("poll-missing", $"`{name}` needs a poll id or --proposal <id>{alternative}; run `{name} --help` for usage.");
        }
    }

    /// <summary>The poll id, reading the proposal's challenge when <c>--proposal</c> was given.</summary>
    /// <returns>The poll, and the proposal when one was given.</returns>
    /// <exception cref="CliException">No such proposal, or it was never challenged (exit code 5).</exception>
    public async Task<(ulong PollId, ulong? ProposalId)> ResolveAsync(CommandContext context, CancellationToken cancellationToken)
    {
        Validate(context);
        if (context.Parse.GetValue(_pollId) is { } pollId)
        {
            return (pollId, null);
        }

        var proposalId = context.Parse.GetValue(_proposal)!.Value;
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var proposal = await new ParameterGovernance(connection).GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false)
            ?? throw CliException.Refused("proposal-not-found", $"There is no proposal {proposalId}; list the proposals with `tcr params show --proposals`.");
        if (proposal.PollId == 0)
        {
            throw CliException.Refused(
                "proposal-not-challenged",
                $"Proposal {proposalId} is {proposal.Status.ToString().ToLowerInvariant()} and was never challenged, so there is no vote on it; challenge it first with `tcr params challenge {proposalId}`.");
        }

        return (proposal.PollId, proposalId);
    }

    /// <summary>"uphold" or "reject".</summary>
    public static string OptionName(byte option) => option == VoteCommitment.Uphold ? "uphold" : "reject";
}
