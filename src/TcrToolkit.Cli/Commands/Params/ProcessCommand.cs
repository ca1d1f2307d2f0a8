using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Governance;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary><c>tcr params process &lt;proposal-id&gt;</c>: applies an unchallenged proposal, or settles its ended vote.</summary>
internal sealed class ProcessCommand : TcrCommand
{
    private readonly Argument<ulong?> _proposal = IdArgs.Id("proposal-id", "The proposal to process", "a proposal id");

    public override string Noun => "params";

    public override string? Verb => "process";

    public override bool SendsTransactions => true;

    public override string Description => "Apply a proposal whose challenge stage ended, or settle its ended vote";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr params process 2 --account alice", "Apply proposal 2 (anyone may process it)"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_proposal);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var proposalId = context.Parse.GetValue(_proposal)!.Value;
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var governance = new ParameterGovernance(account);

        var processed = await governance.ProcessAsync(proposalId, cancellationToken).ConfigureAwait(false);
        var proposal = await governance.GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);

        var row = ProposalView.Row(proposal!);
        var result = new ParamsProposalResult(row, processed.Receipt.TransactionHash.ToString());
        context.Output.Result(result, CliJsonContext.Default.ParamsProposalResult, view => view.Line(processed.Status switch
        {
            ProposalStatus.Applied => $"Proposal {proposalId} applied: {row.Key} is now {row.Formatted}.",
            ProposalStatus.Rejected => $"Proposal {proposalId} rejected by its challenge: {row.Key} is unchanged.",
            _ => $"Proposal {proposalId} {row.Status}: {row.Key} is unchanged.",
        }));
    }
}
