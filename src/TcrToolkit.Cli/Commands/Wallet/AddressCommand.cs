using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Accounts;
using TcrToolkit.Cli.Infrastructure.Output;

namespace TcrToolkit.Cli.Commands.Wallet;

/// <summary>The <c>--json</c> result of <c>tcr wallet address</c>.</summary>
/// <param name="Address">The account, EIP-55.</param>
/// <param name="Source"><c>keystore</c> or <c>mnemonic</c>.</param>
/// <param name="Name">The keystore's name, or <c>null</c> for a mnemonic account.</param>
/// <param name="File">The keystore file, or <c>null</c>.</param>
/// <param name="Index">The mnemonic account index, or <c>null</c>.</param>
internal sealed record WalletAddressResult(string Address, string Source, string? Name, string? File, int? Index);

/// <summary>
/// <c>tcr wallet address</c>: the address of <c>--account</c>, read without a password where the keystore says it (or
/// after unlocking, with <c>--unlock</c>).
/// </summary>
internal sealed class AddressCommand : TcrCommand
{
    private readonly Option<bool> _unlock = new("--unlock")
    {
        Description = "Decrypt the keystore too, to check the password and that the file holds the key of its address",
    };

    public override string Noun => "wallet";

    public override string? Verb => "address";

    public override string Description => "Print the address of --account (keystore name, address, file or mnemonic[:index])";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr wallet address --account alice", "Print alice's address"),
        new("TCR_MNEMONIC=\"test test … junk\" tcr wallet address --account mnemonic:1", "Print account 1 of a mnemonic"),
        new("tcr wallet address --account alice --unlock", "Check alice's password before a script relies on it"),
    ];

    public override void Configure(Command command) => command.Options.Add(_unlock);

    public override Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var accounts = context.Accounts;
        var reference = accounts.Find();
        Ethereum.Address address;
        if (reference is { Kind: AccountKind.Keystore, Keystore.Address: { } known } && !context.Parse.GetValue(_unlock))
        {
            address = known;
        }
        else
        {
            using var key = accounts.Unlock(reference);
            address = key.Address;
        }

        var result = reference.Kind == AccountKind.Keystore
            ? new WalletAddressResult(address.ToString(), "keystore", reference.Keystore!.Name, reference.Keystore.Path, null)
            : new WalletAddressResult(address.ToString(), "mnemonic", null, null, reference.MnemonicIndex);
        context.Output.Result(result, CliJsonContext.Default.WalletAddressResult, view => view.Line(result.Address));
        return Task.CompletedTask;
    }
}
