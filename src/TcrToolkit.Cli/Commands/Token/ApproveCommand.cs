using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Token;

/// <summary><c>tcr token approve &lt;spender|registry|governor&gt; &lt;amount&gt;</c>: set an allowance.</summary>
internal sealed class TokenApproveCommand : TcrCommand
{
    private readonly Argument<string> _spender = new("spender")
    {
        Description = "An address, or 'registry' or 'governor' for the deployment's contracts",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (text is "registry" or "governor" || Address.TryParse(text, out _))
            {
                return text;
            }

            result.AddError($"<spender> '{(text.Length <= 70 ? text : text[..12] + "…")}' is neither 'registry', 'governor' nor a valid address; an address is 0x followed by 40 hex digits (EIP-55 checksum when mixed case).");
            return text;
        },
    };

    private readonly Argument<UInt256> _amount = CliArgs.TokenAmount("amount", "The allowance in whole tokens (replaces the current one; 0 revokes it)");

    public override string Noun => "token";

    public override string? Verb => "approve";

    public override bool SendsTransactions => true;

    public override string Description => "Let the registry, the governor or an address take up to an amount of your tokens";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr token approve registry 500 --account alice", "Let the registry take up to 500 tokens (deposits, stakes)"),
        new("tcr token approve governor 0 --account alice", "Revoke the governor's allowance"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_spender);
        command.Arguments.Add(_amount);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var spenderText = context.Parse.GetValue(_spender)!;
        var amount = context.Parse.GetValue(_amount);
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var spender = spenderText switch
        {
            "registry" => account.Connection.Registry,
            "governor" => account.Connection.Governor,
            _ => Address.Parse(spenderText),
        };
        var receipt = await new TokenAccount(account).ApproveAsync(spender, amount, cancellationToken).ConfigureAwait(false);
        var result = new TokenMoveResult(account.Address.ToString(), spender.ToString(), RegistryDisplay.Units(amount), RegistryDisplay.Formatted(amount), receipt.TransactionHash.ToString());
        context.Output.Result(result, CliJsonContext.Default.TokenMoveResult, view =>
            view.Line($"{result.To}{(spenderText is "registry" or "governor" ? $" ({spenderText})" : "")} may now take up to {result.AmountFormatted} tokens; transaction {result.TransactionHash}"));
    }
}
