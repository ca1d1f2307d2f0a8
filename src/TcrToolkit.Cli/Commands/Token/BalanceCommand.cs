using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Generated;

namespace TcrToolkit.Cli.Commands.Token;

/// <summary>The <c>--json</c> result of <c>tcr token balance</c>.</summary>
/// <param name="Account">The holder, EIP-55.</param>
/// <param name="Token">The token contract, EIP-55.</param>
/// <param name="Symbol">The token's symbol.</param>
/// <param name="Balance">The balance in base units, as a decimal string.</param>
/// <param name="Formatted">The balance in whole tokens (18 decimals).</param>
/// <param name="Network">The network name.</param>
/// <param name="ChainId">The chain id.</param>
internal sealed record TokenBalanceResult(string Account, string Token, string Symbol, string Balance, string Formatted, string Network, ulong ChainId);

/// <summary><c>tcr token balance [address]</c>: an account's balance of the registry token named in the manifest.</summary>
internal sealed class BalanceCommand : TcrCommand
{
    private readonly Argument<Address?> _account = new("address")
    {
        Description = "The holder [default: the address of --account]",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : CliArgs.Address("address", string.Empty).CustomParser!(result),
    };

    public override string Noun => "token";

    public override string? Verb => "balance";

    public override string Description => "Show an account's balance of the registry token";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr token balance --account alice", "Alice's balance on the devnet"),
        new("tcr token balance 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --network sepolia --json", "Any address on Sepolia, as JSON"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_account);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var holder = context.Parse.GetValue(_account) ?? context.Accounts.GetAddress();
        var manifest = context.Manifest;
        var tokenAddress = manifest.Token?.Address ?? throw CliException.Configuration(
            "manifest-no-token",
            $"The manifest {context.Network.ManifestPath} names no token contract; redeploy, or add contracts.token to it.");
        var rpc = await context.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var token = new TcrToken(rpc, tokenAddress);
        var balance = await token.BalanceOfAsync(holder, cancellationToken: cancellationToken).ConfigureAwait(false);
        var symbol = await token.SymbolAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

        var result = new TokenBalanceResult(
            holder.ToString(), tokenAddress.ToString(), symbol, balance.ToString(), EthUnits.FormatEther(balance), context.Network.Network.Name, manifest.ChainId);
        context.Output.Result(result, CliJsonContext.Default.TokenBalanceResult, view => view.Line($"{result.Formatted} {symbol}"));
    }
}
