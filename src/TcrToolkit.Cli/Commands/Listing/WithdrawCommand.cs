using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary><c>tcr listing withdraw &lt;node-id&gt; [&lt;amount&gt; | --all]</c>: take tokens out of a deposit, keeping the minimum and any open stake.</summary>
internal sealed class ListingWithdrawCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    private readonly Argument<UInt256?> _amount = new("amount")
    {
        Description = "Whole tokens to take out, up to 18 decimals",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : CliArgs.TokenAmount("amount", string.Empty).CustomParser!(result),
    };

    private readonly Option<bool> _all = new("--all")
    {
        Description = "Take out everything that can be withdrawn now",
    };

    public override string Noun => "listing";

    public override string? Verb => "withdraw";

    public override bool SendsTransactions => true;

    public override string Description => "Take tokens out of a listing's deposit (the minimum deposit and any open stake stay)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing withdraw 0x3f5a…c01d 25 --account alice", "Take 25 tokens out"),
        new("tcr listing withdraw 0x3f5a…c01d --all --account alice", "Take out all that exceeds the minimum deposit"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_nodeId);
        command.Arguments.Add(_amount);
        command.Options.Add(_all);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        var amount = context.Parse.GetValue(_amount);
        var all = context.Parse.GetValue(_all);
        if ((amount is null) == !all)
        {
            throw CliException.Usage("withdraw-amount", "Give either an amount or --all, not both and not neither; run `tcr listing withdraw --help`.");
        }

        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var owner = new MailServerOperator(account);
        if (all)
        {
            // Nothing withdrawable: ask for one unit, so the refusal explains what must stay (or who the owner is).
            var available = await owner.GetWithdrawableAsync(nodeId, cancellationToken).ConfigureAwait(false);
            amount = available.IsZero ? UInt256.One : available;
        }

        var receipt = await owner.WithdrawAsync(nodeId, amount!.Value, cancellationToken).ConfigureAwait(false);
        var result = await ListingFundsResult.ReadAsync(account, nodeId, amount.Value, receipt.TransactionHash, cancellationToken).ConfigureAwait(false);
        context.Output.Result(result, CliJsonContext.Default.ListingFundsResult, view => result.Render(view, "Withdrew"));
    }
}
