namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// Refuses secrets on the command line, where shell history and process lists would keep them: options named like a
/// key, password or mnemonic, and (when the command line fails to parse) any bare 32-byte hex token, which is shown to
/// no one in case it is a private key.
/// </summary>
public static class SecretGuard
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly string[] KeyOptions = ["--private-key", "--privatekey", "--key", "--secret", "--secret-key", "--pk"];
    private static readonly string[] PasswordOptions = ["--password", "--passphrase", "--pass"];
    private static readonly string[] MnemonicOptions = ["--mnemonic", "--seed", "--phrase"];

    /// <summary>The refusal for a secret-carrying option in <paramref name="args"/>, or <c>null</c>.</summary>
    public static CliException? CheckOptions(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break;
            }

            var name = arg.Split('=', 2)[0].ToLowerInvariant();
            if (KeyOptions.Contains(name))
            {
                return RefuseKey();
            }

            if (PasswordOptions.Contains(name))
            {
                return CliException.Usage(
                    "secret-on-command-line",
                    $"tcr never takes a password on the command line, where shell history would keep it; set {CliEnvironment.PasswordVariable} or pass --password-file FILE.");
            }

            if (MnemonicOptions.Contains(name))
            {
                return CliException.Usage(
                    "secret-on-command-line",
                    $"tcr never takes a mnemonic on the command line, where shell history would keep it; set {CliEnvironment.MnemonicVariable} or pass --mnemonic-file FILE (or - for stdin).");
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="token"/> looks like a raw private key: 64 hex digits, with or without <c>0x</c>.</summary>
    public static bool LooksLikePrivateKey(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hex = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token.AsSpan(2) : token.AsSpan();
        return hex.Length == 64 && !hex.ContainsAnyExcept(HexDigits);
    }

    /// <summary>The refusal of a private key given on the command line.</summary>
    public static CliException RefuseKey() => CliException.Usage(
        "secret-on-command-line",
        "tcr never takes a private key on the command line, where shell history would keep it; put it in a file and run `tcr wallet import --private-key-file FILE` (or - to read stdin).");
}
