using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Governance;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary>
/// <c>tcr params propose &lt;key&gt; &lt;value&gt;</c>: proposes a new value, in human units, checked against the
/// parameter's bounds before anything is read or sent; the governor's deposit is approved first when needed.
/// </summary>
internal sealed class ProposeCommand : TcrCommand
{
    private readonly Argument<string> _key = new("key") { Description = "The parameter, as `tcr params show` names it (minDeposit, commitStageLength…)" };
    private readonly Argument<string> _value = new("value")
    {
        Description = "The new value: tokens (250, 0.5), a duration (600, 90s, 10m, 1h30m, 2d) or a whole percent (60)",
    };

    public override string Noun => "params";

    public override string? Verb => "propose";

    public override bool SendsTransactions => true;

    public override string Description => "Propose a new value for a parameter (deposits the governor's minimum deposit)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr params propose minDeposit 250 --account alice", "Raise the minimum deposit to 250 tokens"),
        new("tcr params propose commitStageLength 2d --account alice", "Make registry votes' commit stage two days"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_key);
        command.Arguments.Add(_value);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parameter = ParameterValues.Parameter(context.Parse.GetValue(_key)!);
        var value = ParameterValues.Parse(parameter, context.Parse.GetValue(_value)!);
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);

        var proposal = await new ParameterGovernance(account).ProposeAsync(parameter.Name, value, cancellationToken).ConfigureAwait(false);

        var row = ProposalView.Row(proposal);
        context.Output.Result(new ParamsProposalResult(row, context.LastConfirmedTransaction?.ToString()), CliJsonContext.Default.ParamsProposalResult, view => view.Properties(ProposalView.Properties(row)));
        context.Output.Note(
            $"Anyone can challenge it until {HumanTime.Format(proposal.ChallengeEnd)}; then apply it with `tcr params process {row.ProposalId}` before {HumanTime.Format(proposal.ProcessBy)}.");
    }
}
