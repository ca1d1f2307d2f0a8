using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing exit</c>.</summary>
/// <param name="NodeId">The entry.</param>
/// <param name="Finalized">False when the exit was started, true when it was finalized (the entry is gone).</param>
/// <param name="ExitStart">When the exit window opens (Unix seconds; 0 after finalizing).</param>
/// <param name="ExitEnd">When it closes (Unix seconds; 0 after finalizing).</param>
/// <param name="Returned">After finalizing, the deposit paid back in base units; "0" when started.</param>
/// <param name="ReturnedFormatted">The same in whole tokens.</param>
/// <param name="TransactionHash">The transaction.</param>
internal sealed record ListingExitResult(string NodeId, bool Finalized, ulong ExitStart, ulong ExitEnd, string Returned, string ReturnedFormatted, string TransactionHash);

/// <summary><c>tcr listing exit &lt;node-id&gt; [--finalize]</c>: start leaving the registry, then finalize inside the exit window.</summary>
internal sealed class ListingExitCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    private readonly Option<bool> _finalize = new("--finalize")
    {
        Description = "Finalize a started exit inside its window and take the deposit back",
    };

    public override string Noun => "listing";

    public override string? Verb => "exit";

    public override bool SendsTransactions => true;

    public override string Description => "Leave the registry: start the exit, then --finalize it inside the exit window";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing exit 0x3f5a…c01d --account alice", "Start the exit; prints when the window opens and closes"),
        new("tcr listing exit 0x3f5a…c01d --finalize --account alice", "Finalize it and take the whole deposit back"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_nodeId);
        command.Options.Add(_finalize);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var owner = new MailServerOperator(account);
        var reader = new RegistryReader(account.Connection);
        ListingExitResult result;
        if (context.Parse.GetValue(_finalize))
        {
            var before = await reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var receipt = await owner.FinalizeExitAsync(nodeId, cancellationToken).ConfigureAwait(false);
            result = new ListingExitResult(
                nodeId.ToString(), true, 0, 0, RegistryDisplay.Units(before.Deposit), RegistryDisplay.Formatted(before.Deposit), receipt.TransactionHash.ToString());
        }
        else
        {
            var receipt = await owner.InitExitAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var after = await reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
            result = new ListingExitResult(
                nodeId.ToString(), false, RegistryDisplay.Unix(after.ExitStart), RegistryDisplay.Unix(after.ExitEnd), "0", "0", receipt.TransactionHash.ToString());
        }

        context.Output.Result(result, CliJsonContext.Default.ListingExitResult, view =>
        {
            if (result.Finalized)
            {
                view.Properties(
                    ("Node id", result.NodeId),
                    ("Exit", "finalized: the listing is gone"),
                    ("Returned", result.ReturnedFormatted + " tokens"),
                    ("Transaction", result.TransactionHash));
            }
            else
            {
                view.Properties(
                    ("Node id", result.NodeId),
                    ("Exit", "started: the listing stays trusted until finalized"),
                    ("Window", $"{RegistryDisplay.Time(result.ExitStart)} to {RegistryDisplay.Time(result.ExitEnd)} (`tcr listing exit {result.NodeId} --finalize`)"),
                    ("Transaction", result.TransactionHash));
            }
        });
    }
}
