using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Token;

/// <summary>The <c>--json</c> result of <c>tcr token delegate</c>.</summary>
/// <param name="Account">The delegating account.</param>
/// <param name="Delegate">Whom its votes now go to.</param>
/// <param name="Votes">The votes the account itself can cast afterwards (base units).</param>
/// <param name="VotesFormatted">The same in whole tokens.</param>
/// <param name="TransactionHash">The transaction.</param>
internal sealed record TokenDelegateResult(string Account, string Delegate, string Votes, string VotesFormatted, string TransactionHash);

/// <summary><c>tcr token delegate [&lt;address&gt; | --self]</c>: choose who votes with the account's tokens.</summary>
internal sealed class TokenDelegateCommand : TcrCommand
{
    private readonly Argument<Address?> _delegatee = new("address")
    {
        Description = "The delegate [default with --self: the account itself]",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : CliArgs.Address("address", string.Empty).CustomParser!(result),
    };

    private readonly Option<bool> _self = new("--self")
    {
        Description = "Delegate to the account itself, to vote in person",
    };

    public override string Noun => "token";

    public override string? Verb => "delegate";

    public override bool SendsTransactions => true;

    public override string Description => "Delegate your votes (to yourself to vote in person); counts for polls that start afterwards";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr token delegate --self --account alice", "Make alice's tokens count as her own votes"),
        new("tcr token delegate 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --account alice", "Let another voter cast alice's votes"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_delegatee);
        command.Options.Add(_self);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var delegatee = context.Parse.GetValue(_delegatee);
        var self = context.Parse.GetValue(_self);
        if ((delegatee is null) == !self)
        {
            throw CliException.Usage("delegate-target", "Give either an address or --self, not both and not neither; run `tcr token delegate --help`.");
        }

        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var target = delegatee ?? account.Address;
        var receipt = await new TokenAccount(account).DelegateAsync(target, cancellationToken).ConfigureAwait(false);
        var after = await TokenAccount.GetBalanceAsync(account.Connection, account.Address, cancellationToken).ConfigureAwait(false);
        var result = new TokenDelegateResult(account.Address.ToString(), target.ToString(), RegistryDisplay.Units(after.Votes), RegistryDisplay.Formatted(after.Votes), receipt.TransactionHash.ToString());
        context.Output.Result(result, CliJsonContext.Default.TokenDelegateResult, view =>
            view.Line($"Votes of {result.Account} now go to {result.Delegate}{(target == account.Address ? " (itself)" : "")}; it can cast {result.VotesFormatted} votes; transaction {result.TransactionHash}"));
    }
}
