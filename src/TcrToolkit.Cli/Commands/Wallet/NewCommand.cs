using System.CommandLine;
using System.Security.Cryptography;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Wallets;

namespace TcrToolkit.Cli.Commands.Wallet;

/// <summary><c>tcr wallet new [name]</c>: creates a random key in a new password-protected keystore.</summary>
internal sealed class NewCommand : TcrCommand
{
    internal static readonly Option<bool> LightOption = new("--light")
    {
        Description = "Cheap scrypt (N=2^12) for throwaway test keys only [env: TCR_SCRYPT=light]",
    };

    private readonly Argument<string?> _name = new("name")
    {
        Description = "The keystore's name, used with --account [default: the address in hex]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public override string Noun => "wallet";

    public override string? Verb => "new";

    public override string Description => "Create a new key in a password-protected keystore (scrypt, keystore v3)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr wallet new alice", "Create keystore 'alice', asking for its password twice"),
        new("TCR_PASSWORD=… tcr wallet new ci-bot --json", "Create one in a script, password from the environment"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_name);
        command.Options.Add(LightOption);
    }

    public override Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var name = context.Parse.GetValue(_name);
        var keystores = context.Keystores;
        CheckName(keystores, name);
        var light = IsLight(context);

        using var key = PrivateKey.Generate();
        name ??= KeystoreDirectory.DefaultName(key.Address);
        var entry = Save(context, keystores, name, key, light);
        var result = WalletResult.Of(entry, light);
        context.Output.Result(result, CliJsonContext.Default.WalletResult, view => result.Render(view, "Created"));
        return Task.CompletedTask;
    }

    /// <summary>Refuses a malformed or taken name before any password is asked.</summary>
    internal static void CheckName(KeystoreDirectory keystores, string? name)
    {
        if (name is null)
        {
            return;
        }

        if (SecretGuard.LooksLikePrivateKey(name))
        {
            throw SecretGuard.RefuseKey();
        }

        if (!KeystoreDirectory.IsValidName(name))
        {
            throw CliException.Usage(
                "keystore-name-invalid",
                $"'{name}' cannot name a keystore; use letters, digits, '.', '_' or '-' (up to 64, not starting with '.').");
        }

        if (keystores.FindByName(name) is { } existing)
        {
            throw CliException.Usage("keystore-exists", $"A keystore named '{name}' already exists ({existing.Path}); choose another name.");
        }
    }

    /// <summary>Whether to use light scrypt: <c>--light</c>, or <c>TCR_SCRYPT</c> set to <c>light</c> (<c>standard</c> is the default).</summary>
    /// <exception cref="CliException"><c>TCR_SCRYPT</c> holds anything else (<see cref="ExitCode.Usage"/>): a typo must not silently pick a cost.</exception>
    internal static bool IsLight(CommandContext context)
    {
        var variable = context.Environment.GetNonBlank(CliEnvironment.ScryptVariable);
        if (variable is not null && !variable.Equals("light", StringComparison.OrdinalIgnoreCase) && !variable.Equals("standard", StringComparison.OrdinalIgnoreCase))
        {
            throw CliException.Usage(
                "scrypt-invalid",
                $"{CliEnvironment.ScryptVariable} is '{(variable.Length <= 20 ? variable : variable[..20] + "…")}', which is neither light nor standard; set it to light (cheap, for tests) or standard, or unset it.");
        }

        return context.Parse.GetValue(LightOption) || string.Equals(variable, "light", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Asks for the new password (twice on a terminal), encrypts and saves.</summary>
    internal static KeystoreEntry Save(CommandContext context, KeystoreDirectory keystores, string name, PrivateKey key, bool light)
    {
        CheckName(keystores, name);
        var password = context.Secrets.ReadPassword(context.Parse.GetValue(GlobalOptions.PasswordFile), $"new keystore {name}", confirm: true);
        string json;
        try
        {
            json = Keystore.Encrypt(key, password, light ? ScryptParameters.Light : ScryptParameters.Standard);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(password.AsSpan()));
        }

        try
        {
            return keystores.Save(name, json);
        }
        catch (IOException e)
        {
            throw CliException.Wallet("keystore-write-failed", $"Cannot write the keystore to {keystores.Path} ({e.Message.TrimEnd('.')}); check the directory or pass --keystore-dir.", e);
        }
    }
}
