using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Governance;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary><c>tcr params claim &lt;proposal-id&gt;</c>: the account's voter reward from a proposal's resolved challenge.</summary>
internal sealed class ClaimCommand : TcrCommand
{
    private readonly Argument<ulong?> _proposal = IdArgs.Id("proposal-id", "The proposal whose challenge was resolved", "a proposal id");

    public override string Noun => "params";

    public override string? Verb => "claim";

    public override bool SendsTransactions => true;

    public override string Description => "Claim the voter reward of a proposal's resolved challenge";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr params claim 2 --account carol", "Claim carol's share for voting on the winning side of proposal 2's challenge"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_proposal);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var proposalId = context.Parse.GetValue(_proposal)!.Value;
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);

        var claim = await new ParameterGovernance(account).ClaimRewardAsync(proposalId, cancellationToken).ConfigureAwait(false);

        var result = new ParamsClaimResult(proposalId, account.Address.ToString(), claim.Amount.ToString(), EthUnits.FormatEther(claim.Amount), claim.Receipt.TransactionHash.ToString());
        context.Output.Result(result, CliJsonContext.Default.ParamsClaimResult, view => view.Line($"Claimed {result.Formatted} tokens for proposal {proposalId} ({result.TransactionHash})."));
    }
}
