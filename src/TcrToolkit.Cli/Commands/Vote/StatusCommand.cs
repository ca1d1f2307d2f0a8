using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Commands.Vote;

/// <summary><c>tcr vote status</c>: the account's voting power and its votes still to reveal, with their deadlines.</summary>
internal sealed class StatusCommand : TcrCommand
{
    public override string Noun => "vote";

    public override string? Verb => "status";

    public override string Description => "Show voting power and the committed votes still to reveal, with deadlines";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr vote status --account alice", "What alice has to reveal, and when"),
        new("tcr vote status --account alice --json | jq '.pending[] | select(.revealableNow)'", "Only the votes revealable now"),
    ];

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var voter = new TcrVoter(account, context.ReadOnlySaltVault);
        var power = await voter.GetVotingPowerAsync(cancellationToken).ConfigureAwait(false);
        var pending = await voter.GetPendingRevealsAsync(cancellationToken).ConfigureAwait(false);

        var items = pending.Select(p => new PendingRevealItem(
            p.PollId,
            PollSelection.OptionName(p.Option),
            p.Commitment.ToString(),
            HumanTime.Unix(p.CommitEnd),
            HumanTime.Unix(p.RevealEnd),
            p.CanReveal.IsAllowed,
            p.CanReveal.Reason,
            p.CanReveal.AvailableAt is { } at ? HumanTime.Unix(at) : null)).ToList();
        var selfDelegated = power.Delegate == account.Address;
        var result = new VoteStatusResult(
            account.Address.ToString(),
            power.Balance.ToString(),
            EthUnits.FormatEther(power.Balance),
            power.Votes.ToString(),
            EthUnits.FormatEther(power.Votes),
            power.Delegate.ToString(),
            selfDelegated,
            context.ReadOnlySaltVault.Path,
            items);

        context.Output.Result(result, CliJsonContext.Default.VoteStatusResult, view =>
        {
            view.Properties(
                ("Voter", result.Voter),
                ("Balance", result.BalanceFormatted),
                ("Votes", result.VotesFormatted),
                ("Delegate", selfDelegated ? "itself" : power.Delegate == Address.Zero ? "nobody" : result.Delegate),
                ("Salt vault", result.SaltVault));
            if (items.Count == 0)
            {
                view.Line("No votes to reveal.");
                return;
            }

            view.Table(
                ["Poll", "Option", "Reveal opens", "Reveal ends", "Revealable now"],
                pending.Select(p => (IReadOnlyList<string>)
                [
                    p.PollId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    PollSelection.OptionName(p.Option),
                    HumanTime.Format(p.CommitEnd),
                    HumanTime.Format(p.RevealEnd),
                    p.CanReveal.IsAllowed ? "yes" : "no: " + p.CanReveal.Reason,
                ]));
        });

        if (!selfDelegated)
        {
            context.Output.Note(power.Delegate == Address.Zero
                ? "warning: this account has not delegated its votes, so its tokens count in no poll; run `tcr vote setup` before the polls you want to vote in start."
                : $"warning: this account's votes are delegated to {power.Delegate}, not to itself; run `tcr vote setup` to vote with them yourself.");
        }
    }
}
