using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing deposit</c> and <c>tcr listing withdraw</c>.</summary>
/// <param name="NodeId">The entry.</param>
/// <param name="Amount">What was added or taken out, in base units.</param>
/// <param name="AmountFormatted">The same in whole tokens.</param>
/// <param name="Deposit">The entry's deposit afterwards, in base units.</param>
/// <param name="DepositFormatted">The same in whole tokens.</param>
/// <param name="TransactionHash">The transaction.</param>
internal sealed record ListingFundsResult(string NodeId, string Amount, string AmountFormatted, string Deposit, string DepositFormatted, string TransactionHash)
{
    public static async Task<ListingFundsResult> ReadAsync(TcrAccount account, Bytes32 nodeId, UInt256 amount, Bytes32 transaction, CancellationToken cancellationToken)
    {
        var listing = await new RegistryReader(account.Connection).GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        return new ListingFundsResult(
            nodeId.ToString(), RegistryDisplay.Units(amount), RegistryDisplay.Formatted(amount),
            RegistryDisplay.Units(listing.Deposit), RegistryDisplay.Formatted(listing.Deposit), transaction.ToString());
    }

    public void Render(HumanView view, string verb) => view.Properties(
        ("Node id", NodeId),
        (verb, AmountFormatted + " tokens"),
        ("Deposit now", DepositFormatted + " tokens"),
        ("Transaction", TransactionHash));
}

/// <summary><c>tcr listing deposit &lt;node-id&gt; &lt;amount&gt;</c>: add to the deposit of an entry the account owns.</summary>
internal sealed class ListingDepositCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    private readonly Argument<UInt256> _amount = CliArgs.TokenAmount("amount", "Whole tokens to add, up to 18 decimals");

    public override string Noun => "listing";

    public override string? Verb => "deposit";

    public override bool SendsTransactions => true;

    public override string Description => "Add tokens to the deposit of a listing you own";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing deposit 0x3f5a…c01d 50 --account alice", "Add 50 tokens (approved first when needed)"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_nodeId);
        command.Arguments.Add(_amount);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        var amount = context.Parse.GetValue(_amount);
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var receipt = await new MailServerOperator(account).DepositAsync(nodeId, amount, cancellationToken).ConfigureAwait(false);
        var result = await ListingFundsResult.ReadAsync(account, nodeId, amount, receipt.TransactionHash, cancellationToken).ConfigureAwait(false);
        context.Output.Result(result, CliJsonContext.Default.ListingFundsResult, view => result.Render(view, "Added"));
    }
}
