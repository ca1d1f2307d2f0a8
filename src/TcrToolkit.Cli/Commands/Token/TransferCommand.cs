using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Token;

/// <summary>The <c>--json</c> result of <c>tcr token transfer</c> and <c>tcr token approve</c>.</summary>
/// <param name="From">The sending or approving account.</param>
/// <param name="To">The recipient or spender.</param>
/// <param name="Amount">The amount in base units.</param>
/// <param name="AmountFormatted">The same in whole tokens.</param>
/// <param name="TransactionHash">The transaction.</param>
internal sealed record TokenMoveResult(string From, string To, string Amount, string AmountFormatted, string TransactionHash);

/// <summary><c>tcr token transfer &lt;to&gt; &lt;amount&gt;</c>: send registry tokens.</summary>
internal sealed class TokenTransferCommand : TcrCommand
{
    private readonly Argument<Address> _to = CliArgs.Address("to", "The recipient");

    private readonly Argument<UInt256> _amount = CliArgs.TokenAmount("amount", "Whole tokens, up to 18 decimals");

    private readonly Option<bool> _toContract = new("--to-contract")
    {
        Description = "Allow a contract as the recipient (refused by default: tokens sent to a contract that does not expect them are lost)",
    };

    public override string Noun => "token";

    public override string? Verb => "transfer";

    public override bool SendsTransactions => true;

    public override string Description => "Send registry tokens to an address";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr token transfer 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC 250 --account alice", "Send 250 tokens"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_to);
        command.Arguments.Add(_amount);
        command.Options.Add(_toContract);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var to = context.Parse.GetValue(_to);
        var amount = context.Parse.GetValue(_amount);
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        if (!context.Parse.GetValue(_toContract) &&
            (await account.Connection.Client.GetCodeAsync(to, Ethereum.Rpc.BlockTag.Latest, cancellationToken).ConfigureAwait(false)).Length > 0)
        {
            var known = to == account.Connection.Token ? " (the token itself)"
                : to == account.Connection.Registry ? " (the registry)"
                : to == account.Connection.Voting ? " (the voting contract)"
                : to == account.Connection.Governor ? " (the governor)"
                : "";
            throw CliException.Refused(
                "recipient-is-contract",
                $"{to} is a contract{known}, and tokens transferred to a contract that does not expect them are lost; nothing was sent: check the address, or pass --to-contract if the contract is meant to receive them.");
        }

        var receipt = await new TokenAccount(account).TransferAsync(to, amount, cancellationToken).ConfigureAwait(false);
        var result = new TokenMoveResult(account.Address.ToString(), to.ToString(), RegistryDisplay.Units(amount), RegistryDisplay.Formatted(amount), receipt.TransactionHash.ToString());
        context.Output.Result(result, CliJsonContext.Default.TokenMoveResult, view =>
            view.Line($"Sent {result.AmountFormatted} tokens to {result.To} in {result.TransactionHash}"));
    }
}
