using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Accounts;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Wallet;

/// <summary>
/// <c>tcr wallet import [name]</c>: stores an existing key in a new keystore, from a key file (or stdin) or from a
/// mnemonic account. The key is never taken as an argument.
/// </summary>
internal sealed class ImportCommand : TcrCommand
{
    private readonly Argument<string?> _name = new("name")
    {
        Description = "The keystore's name, used with --account [default: the address in hex]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _privateKeyFile = new("--private-key-file")
    {
        Description = "Read the private key (64 hex digits, 0x optional) from this file, or - for stdin",
        HelpName = "file",
    };

    private readonly Option<bool> _fromMnemonic = new("--from-mnemonic")
    {
        Description = "Derive the key from the mnemonic in TCR_MNEMONIC or --mnemonic-file, at m/44'/60'/0'/0/<index>",
    };

    private readonly Option<string?> _index = new("--index")
    {
        Description = "The mnemonic account index, 0 to 2147483647 [default: 0]",
        HelpName = "n",
    };

    public override string Noun => "wallet";

    public override string? Verb => "import";

    public override string Description => "Import a key from a file, stdin or a mnemonic into a new keystore";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr wallet import bob --private-key-file ./bob.key", "Import the key in bob.key (delete the file afterwards)"),
        new("pass show tcr/bob | tcr wallet import bob --private-key-file -", "Import a key piped on stdin"),
        new("TCR_MNEMONIC=\"…\" tcr wallet import dev1 --from-mnemonic --index 1", "Import account 1 of a mnemonic"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_name);
        command.Options.Add(_privateKeyFile);
        command.Options.Add(_fromMnemonic);
        command.Options.Add(_index);
        command.Options.Add(NewCommand.LightOption);
    }

    public override Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var name = context.Parse.GetValue(_name);
        var keyFile = context.Parse.GetValue(_privateKeyFile);
        var fromMnemonic = context.Parse.GetValue(_fromMnemonic);
        var indexText = context.Parse.GetValue(_index);
        var keystores = context.Keystores;
        NewCommand.CheckName(keystores, name);
        if ((keyFile is null) == !fromMnemonic)
        {
            throw CliException.Usage(
                "import-source",
                "Give exactly one key source: --private-key-file FILE (or - for stdin), or --from-mnemonic with TCR_MNEMONIC or --mnemonic-file; run `tcr wallet import --help`.");
        }

        if (indexText is not null && !fromMnemonic)
        {
            throw CliException.Usage("import-source", "--index only applies with --from-mnemonic; drop it or add --from-mnemonic.");
        }

        var index = indexText is null ? 0 : AccountResolver.ParseIndex(indexText, "--index");
        using var key = fromMnemonic
            ? context.Accounts.DeriveFromMnemonic(index, context.Parse.GetValue(GlobalOptions.MnemonicFile))
            : ReadKeyFile(context, keyFile!);

        if (keystores.FindByAddress(key.Address) is [var existing, ..])
        {
            throw CliException.Usage("keystore-exists", $"Keystore '{existing.Name}' already holds {key.Address}; use --account {existing.Name}.");
        }

        var light = NewCommand.IsLight(context);
        var entry = NewCommand.Save(context, keystores, name ?? Wallets.KeystoreDirectory.DefaultName(key.Address), key, light);
        var result = WalletResult.Of(entry, light);
        context.Output.Result(result, CliJsonContext.Default.WalletResult, view => result.Render(view, "Imported"));
        return Task.CompletedTask;
    }

    private static PrivateKey ReadKeyFile(CommandContext context, string path)
    {
        var text = context.Secrets.ReadFileText(path, "private key", "private-key-file-unreadable");
        try
        {
            return PrivateKey.ParseHex(text.Trim());
        }
        catch (FormatException)
        {
            // The message must not quote the file: it holds (part of) a key.
            var source = path == "-" ? "stdin" : path;
            throw CliException.Usage(
                "private-key-malformed",
                $"The private key from {source} is not a valid secp256k1 key; it should be 64 hex digits (0x optional) and nothing else.");
        }
    }
}
