using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Governance;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary><c>tcr params show [--proposals]</c>: every governable parameter with its bounds, and the proposals.</summary>
internal sealed class ShowCommand : TcrCommand
{
    private readonly Option<bool> _proposals = new("--proposals") { Description = "Also list every parameter proposal with its status and deadlines" };

    public override string Noun => "params";

    public override string? Verb => "show";

    public override string Description => "Show every parameter's value and bounds, and optionally the proposals";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr params show", "The registry's and the governor's parameters"),
        new("tcr params show --proposals --json | jq '.proposals[] | select(.status == \"pending\")'", "Proposals still open to a challenge"),
    ];

    public override void Configure(Command command) => command.Options.Add(_proposals);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var governance = new ParameterGovernance(connection);
        var parameters = (await governance.GetAllAsync(cancellationToken).ConfigureAwait(false)).Select(p => new ParameterRow(
            p.Parameter.Key,
            (int)p.Parameter.Name,
            p.Parameter.IsGovernance ? "governor" : "registry",
            p.Parameter.Unit.ToString().ToLowerInvariant(),
            p.Value.ToString(),
            p.Parameter.Describe(p.Value),
            p.Parameter.Min.ToString(),
            p.Parameter.Max.ToString(),
            p.Parameter.Describe(p.Parameter.Min),
            p.Parameter.Describe(p.Parameter.Max))).ToList();

        List<ProposalRow>? proposals = null;
        if (context.Parse.GetValue(_proposals))
        {
            proposals = [];
            var count = await governance.GetProposalCountAsync(cancellationToken).ConfigureAwait(false);
            for (ulong id = 1; id <= count; id++)
            {
                var proposal = await governance.GetProposalAsync(id, cancellationToken).ConfigureAwait(false);
                proposals.Add(ProposalView.Row(proposal!));
            }
        }

        var result = new ParamsShowResult(parameters, proposals);
        context.Output.Result(result, CliJsonContext.Default.ParamsShowResult, view =>
        {
            view.Table(
                ["Parameter", "Value", "Allowed", "Scope"],
                parameters.Select(p => (IReadOnlyList<string>)[p.Key, p.Formatted, $"{p.MinFormatted} to {p.MaxFormatted}", p.Scope]));
            if (proposals is null)
            {
                return;
            }

            if (proposals.Count == 0)
            {
                view.Line("No proposals.");
                return;
            }

            view.Table(
                ["Proposal", "Parameter", "Value", "Status", "Next"],
                proposals.Select(p => (IReadOnlyList<string>)
                    [p.ProposalId.ToString(CultureInfo.InvariantCulture), p.Key, p.Formatted, p.Status, ProposalView.Deadline(p)]));
        });
    }
}
