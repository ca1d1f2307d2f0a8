using System.CommandLine;
using System.Text;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Governance;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary><c>tcr params challenge &lt;proposal-id&gt; [--evidence TEXT]</c>: stakes the proposal's deposit against it and opens a vote.</summary>
internal sealed class ChallengeCommand : TcrCommand
{
    private readonly Argument<ulong?> _proposal = IdArgs.Id("proposal-id", "The proposal to challenge", "a proposal id");
    private readonly Option<string?> _evidence = new("--evidence") { Description = "Why, published with the challenge (not stored)", HelpName = "text" };

    public override string Noun => "params";

    public override string? Verb => "challenge";

    public override bool SendsTransactions => true;

    public override string Description => "Challenge a pending parameter proposal, putting it to a vote";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr params challenge 2 --evidence \"250 tokens shuts out small operators\" --account bob", "Challenge proposal 2"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_proposal);
        command.Options.Add(_evidence);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var proposalId = context.Parse.GetValue(_proposal)!.Value;
        var evidence = context.Parse.GetValue(_evidence) is { } text ? Encoding.UTF8.GetBytes(text) : null;
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);

        var proposal = await new ParameterGovernance(account).ChallengeAsync(proposalId, evidence, cancellationToken).ConfigureAwait(false);

        var row = ProposalView.Row(proposal);
        context.Output.Result(new ParamsProposalResult(row, context.LastConfirmedTransaction?.ToString()), CliJsonContext.Default.ParamsProposalResult, view => view.Properties(ProposalView.Properties(row)));
        context.Output.Note(
            $"Vote with `tcr vote commit --proposal {proposalId} --uphold|--reject` until {HumanTime.Format(proposal.Challenge!.CommitEnd)}, reveal until {HumanTime.Format(proposal.Challenge.RevealEnd)}, then `tcr params process {proposalId}`.");
    }
}
