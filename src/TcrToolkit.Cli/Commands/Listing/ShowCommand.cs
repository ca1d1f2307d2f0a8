using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Generated;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing show</c>.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="Stage">absent, applied, listed or exiting.</param>
/// <param name="Owner">The owner, EIP-55 (the zero address when absent).</param>
/// <param name="Deposit">The deposit in base units, as a decimal string.</param>
/// <param name="DepositFormatted">The deposit in whole tokens.</param>
/// <param name="ApplicationEnd">When the application stage ends (Unix seconds; 0 if none).</param>
/// <param name="ChallengeId">The open or last challenge's id (0 if none).</param>
internal sealed record ListingShowResult(string NodeId, string Stage, string Owner, string Deposit, string DepositFormatted, ulong ApplicationEnd, ulong ChallengeId);

/// <summary><c>tcr listing show &lt;node-id&gt;</c>: a listing as the registry stores it.</summary>
internal sealed class ShowCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    public override string Noun => "listing";

    public override string? Verb => "show";

    public override string Description => "Show a listing: stage, owner, deposit, challenge";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing show 0x3f5a…c01d", "Show one listing on the devnet"),
        new("tcr listing show 0x3f5a…c01d --json | jq -r .stage", "Print only its stage"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_nodeId);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        var manifest = context.Manifest;
        var rpc = await context.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var registry = new MailServerRegistry(rpc, manifest.Registry.Address);
        var listing = await registry.ListingAsync(nodeId, cancellationToken: cancellationToken).ConfigureAwait(false);

        var result = new ListingShowResult(
            nodeId.ToString(),
            listing.Stage.ToString().ToLowerInvariant(),
            listing.Owner.ToString(),
            listing.Deposit.ToString(),
            EthUnits.FormatEther(listing.Deposit),
            listing.ApplicationEnd,
            listing.ChallengeId);
        context.Output.Result(result, CliJsonContext.Default.ListingShowResult, view => view.Properties(
            ("Node id", result.NodeId),
            ("Stage", result.Stage),
            ("Owner", result.Owner),
            ("Deposit", result.DepositFormatted),
            ("Application end", result.ApplicationEnd == 0 ? "-" : DateTimeOffset.FromUnixTimeSeconds((long)result.ApplicationEnd).ToString("u", CultureInfo.InvariantCulture)),
            ("Challenge", result.ChallengeId == 0 ? "none" : result.ChallengeId.ToString(CultureInfo.InvariantCulture))));
    }
}
