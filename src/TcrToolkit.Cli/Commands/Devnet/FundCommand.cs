using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Devnet;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Devnet;

/// <summary>The <c>--json</c> result of <c>tcr devnet fund</c>.</summary>
/// <param name="Account">The funded account, EIP-55.</param>
/// <param name="Ether">Its ether balance afterwards, in wei.</param>
/// <param name="EtherFormatted">The same in ether.</param>
/// <param name="Tokens">Its token balance afterwards, in base units.</param>
/// <param name="TokensFormatted">The same in whole tokens.</param>
/// <param name="TransactionHash">The deployer's token transfer, or null when no tokens were sent.</param>
internal sealed record DevnetFundReport(string Account, string Ether, string EtherFormatted, string Tokens, string TokensFormatted, string? TransactionHash);

/// <summary>
/// <c>tcr devnet fund [address]</c>: gives a devnet account ether (for gas) and registry tokens (from the deployer), so a
/// new keystore wallet can act on the devnet.
/// </summary>
internal sealed class FundCommand : TcrCommand
{
    private readonly Argument<Address?> _address = new("address")
    {
        Description = "The account to fund [default: the --account's address]",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : CliArgs.ParseAddressArgument(result, "<address>"),
    };

    private readonly Option<UInt256?> _ether = new("--ether")
    {
        Description = "Ether to add, for gas [default: 10]",
        HelpName = "amount",
        CustomParser = result => ParseAmount(result, "--ether"),
    };

    private readonly Option<UInt256?> _tokens = new("--tokens")
    {
        Description = "Registry tokens to send from the deployer [default: 1000]",
        HelpName = "amount",
        CustomParser = result => ParseAmount(result, "--tokens"),
    };

    public override string Noun => "devnet";

    public override string? Verb => "fund";

    public override string Description => "Give a devnet account ether for gas and registry tokens (for a new wallet)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr devnet fund --account alice", "10 ether and 1000 tokens for the keystore alice"),
        new("tcr devnet fund 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --ether 1 --tokens 0", "Only ether, for an address"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_address);
        command.Options.Add(_ether);
        command.Options.Add(_tokens);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (!context.Network.Network.IsDevnet)
        {
            throw CliException.Usage("not-devnet", $"`tcr devnet fund` funds devnet accounts only, not {context.Network.Network.Name}; use a faucet there, or drop --network.");
        }

        var account = context.Parse.GetValue(_address) ?? context.Accounts.GetAddress();
        var ether = context.Parse.GetValue(_ether) ?? EthUnits.ParseEther("10");
        var tokens = context.Parse.GetValue(_tokens) ?? EthUnits.ParseEther("1000");
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var funded = await DevnetFunding.FundAsync(connection.Client, connection.Token, account, ether, tokens, cancellationToken).ConfigureAwait(false);

        var result = new DevnetFundReport(
            funded.Account.ToString(),
            funded.Ether.ToString(),
            EthUnits.FormatEther(funded.Ether),
            funded.Tokens.ToString(),
            EthUnits.FormatEther(funded.Tokens),
            funded.TokenTransaction?.ToString());
        context.Output.Result(result, CliJsonContext.Default.DevnetFundReport, view => view.Properties(
            ("Account", result.Account),
            ("Ether", result.EtherFormatted),
            ("Tokens", result.TokensFormatted)));
    }

    private static UInt256? ParseAmount(System.CommandLine.Parsing.ArgumentResult result, string option)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        try
        {
            return EthUnits.ParseEther(text);
        }
        catch (FormatException)
        {
            result.AddError($"{option} '{(text.Length <= 40 ? text : text[..12] + "…")}' is not an amount; give whole units with up to 18 decimals, like 10 or 0.5.");
            return null;
        }
    }
}
