using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Commands.Vote;

/// <summary><c>tcr vote setup</c>: delegates the account's votes to itself, unless they already are.</summary>
internal sealed class SetupCommand : TcrCommand
{
    public override string Noun => "vote";

    public override string? Verb => "setup";

    public override bool SendsTransactions => true;

    public override string Description => "Make the account's tokens count as its votes (delegate to itself), once";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr vote setup --account alice", "Let alice vote with her tokens in polls that start from now on"),
    ];

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var voter = new TcrVoter(account, context.SaltVault);
        var receipt = await voter.SetUpAsync(cancellationToken).ConfigureAwait(false);
        var power = await voter.GetVotingPowerAsync(cancellationToken).ConfigureAwait(false);

        var result = new VoteSetupResult(
            account.Address.ToString(), receipt is not null, receipt?.TransactionHash.ToString(), power.Votes.ToString(), EthUnits.FormatEther(power.Votes));
        context.Output.Result(result, CliJsonContext.Default.VoteSetupResult, view => view.Line(receipt is null
            ? $"Already set up: {result.Voter} votes with its own tokens ({result.VotesFormatted} votes)."
            : $"Set up: {result.Voter} now votes with its own tokens ({result.VotesFormatted} votes) in polls that start from now on."));
    }
}
