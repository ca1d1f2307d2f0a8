using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing list</c>.</summary>
/// <param name="Source">"entries" (every present entry, from the Applied events) or "trusted" (the registry's enumeration view).</param>
/// <param name="FromBlock">For entries, the first block searched; null for trusted.</param>
/// <param name="Now">The chain time the statuses are judged at (Unix seconds).</param>
/// <param name="Listings">The entries, in order of application (entries) or enumeration (trusted).</param>
internal sealed record ListingListResult(string Source, ulong? FromBlock, ulong Now, IReadOnlyList<ListingListEntry> Listings);

/// <summary>One row of <c>tcr listing list</c>.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="Owner">The owner, EIP-55.</param>
/// <param name="Deposit">The deposit in base units.</param>
/// <param name="DepositFormatted">The same in whole tokens.</param>
/// <param name="Stage">applied, listed or exiting.</param>
/// <param name="Status">The status phrase, as <c>tcr listing show</c> gives it.</param>
/// <param name="Trusted">Whether clients trust it (listed or exiting).</param>
/// <param name="ChallengeId">The open challenge's id, 0 if none.</param>
/// <param name="NextDeadline">The next deadline (Unix seconds), or null.</param>
internal sealed record ListingListEntry(string NodeId, string Owner, string Deposit, string DepositFormatted, string Stage, string Status, bool Trusted, ulong ChallengeId, ulong? NextDeadline);

/// <summary><c>tcr listing list</c>: the registry as a table.</summary>
internal sealed class ListingListCommand : TcrCommand
{
    private const ulong PageSize = 100;

    private readonly Option<bool> _trusted = new("--trusted")
    {
        Description = "Only trusted entries (listed or exiting), from the registry's enumeration view; no event search",
    };

    private readonly Option<ulong?> _fromBlock = new("--from-block")
    {
        Description = "Search Applied events from this block [default: the registry's deployment block in the manifest, else 0]",
        HelpName = "block",
    };

    public override string Noun => "listing";

    public override string? Verb => "list";

    public override string Description => "List the registry: every present entry (applications too), or --trusted ones only";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing list", "Every application and listing, with status and next deadline"),
        new("tcr listing list --trusted --network sepolia --json", "The trusted entries on Sepolia, as JSON"),
        new("tcr listing list --from-block 6500000 --network sepolia", "Search events from a later block (for nodes that limit log ranges)"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_trusted);
        command.Options.Add(_fromBlock);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var trusted = context.Parse.GetValue(_trusted);
        var fromBlockOption = context.Parse.GetValue(_fromBlock);
        if (trusted && fromBlockOption is not null)
        {
            throw CliException.Usage("list-options", "--from-block searches events, which --trusted does not; drop one of them.");
        }

        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var reader = new RegistryReader(connection);
        List<Bytes32> ids;
        ulong? fromBlock = null;
        if (trusted)
        {
            var all = new List<Bytes32>();
            ulong total;
            do
            {
                (var page, total) = await reader.GetTrustedPageAsync((ulong)all.Count, PageSize, cancellationToken).ConfigureAwait(false);
                all.AddRange(page);
                if (page.Count == 0)
                {
                    break;
                }
            }
            while ((ulong)all.Count < total);
            ids = all;
        }
        else
        {
            fromBlock = fromBlockOption ?? context.Manifest.Registry.BlockNumber ?? 0;
            var entries = await reader.GetEntriesAsync(fromBlock.Value, cancellationToken).ConfigureAwait(false);
            ids = [.. entries.Select(e => e.NodeId)];
        }

        var rows = new List<ListingListEntry>(ids.Count);
        var now = DateTimeOffset.UnixEpoch;
        foreach (var id in ids)
        {
            var view = await reader.GetListingAsync(id, null, cancellationToken).ConfigureAwait(false);
            now = view.Now;
            var l = view.Listing;
            rows.Add(new ListingListEntry(
                id.ToString(), l.Owner.ToString(), RegistryDisplay.Units(l.Deposit), RegistryDisplay.Formatted(l.Deposit),
                l.Stage.ToString().ToLowerInvariant(), view.Status, l.IsTrusted, l.ChallengeId, RegistryDisplay.Unix(view.NextDeadline)));
        }

        if (rows.Count == 0)
        {
            now = await connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        }

        var result = new ListingListResult(trusted ? "trusted" : "entries", fromBlock, RegistryDisplay.Unix(now), rows);
        context.Output.Result(result, CliJsonContext.Default.ListingListResult, view =>
        {
            if (rows.Count == 0)
            {
                view.Line(trusted ? "No trusted listings." : $"No entries (Applied events searched from block {fromBlock}).");
                return;
            }

            view.Table(
                ["Node id", "Owner", "Deposit", "Status", "Next deadline"],
                rows.Select(r => (IReadOnlyList<string>)[r.NodeId, r.Owner, r.DepositFormatted, r.Status, RegistryDisplay.Time(r.NextDeadline)]));
            view.Line(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} {(trusted ? "trusted" : "present")} entries; chain time {RegistryDisplay.Time(now)}."));
        });
    }
}
