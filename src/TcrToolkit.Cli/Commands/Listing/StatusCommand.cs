using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>One element of the <c>--json</c> array of <c>tcr listing status</c>.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="Trusted">Whether the registry trusts it now (the contract's <c>isListed</c>).</param>
/// <param name="Stage">absent, applied, listed or exiting.</param>
/// <param name="Status">The status phrase.</param>
internal sealed record ListingStatusEntry(string NodeId, bool Trusted, string Stage, string Status);

/// <summary><c>tcr listing status &lt;node-id&gt;...</c>: whether each node is trusted, one line each.</summary>
internal sealed class ListingStatusCommand : TcrCommand
{
    private readonly Argument<Bytes32[]> _nodeIds = RegistryArgs.NodeIds("The node ids to check: 0x and 64 hex digits each");

    public override string Noun => "listing";

    public override string? Verb => "status";

    public override string Description => "Say for each node id whether it is trusted, and its status (exit 0 even when untrusted)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing status 0x3f5a…c01d 0x88b2…0e41", "One line per node: trusted yes/no and the status"),
        new("tcr listing status 0x3f5a…c01d --json | jq '.[0].trusted'", "Check one node in a script"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_nodeIds);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeIds = context.Parse.GetValue(_nodeIds) ?? [];
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var reader = new RegistryReader(connection);
        var entries = new ListingStatusEntry[nodeIds.Length];
        for (var i = 0; i < nodeIds.Length; i++)
        {
            var trusted = await reader.IsTrustedAsync(nodeIds[i], cancellationToken).ConfigureAwait(false);
            var view = await reader.GetListingAsync(nodeIds[i], null, cancellationToken).ConfigureAwait(false);
            entries[i] = new ListingStatusEntry(nodeIds[i].ToString(), trusted, view.Listing.Stage.ToString().ToLowerInvariant(), view.Status);
        }

        context.Output.Result(entries, CliJsonContext.Default.ListingStatusEntryArray, view =>
        {
            foreach (var entry in entries)
            {
                view.Line($"{entry.NodeId}  {(entry.Trusted ? "trusted    " : "not trusted")}  {entry.Status}");
            }
        });
    }
}
