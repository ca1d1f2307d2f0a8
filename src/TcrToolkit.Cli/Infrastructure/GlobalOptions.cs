using System.CommandLine;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// The options every command accepts (declared once on the root command, recursive). Commands read them through
/// <see cref="CommandContext"/> rather than directly.
/// </summary>
public static class GlobalOptions
{
    /// <summary><c>--network</c>: devnet (default), sepolia, holesky or hoodi; env <c>TCR_NETWORK</c>.</summary>
    public static Option<string?> Network { get; } = new("--network", "-n")
    {
        Description = "Network: devnet (default), sepolia, holesky, hoodi [env: TCR_NETWORK]",
        HelpName = "name",
        Recursive = true,
    };

    /// <summary><c>--rpc</c>: the node's JSON-RPC URL, overriding the network's; env <c>TCR_RPC_URL</c>.</summary>
    public static Option<string?> Rpc { get; } = new("--rpc")
    {
        Description = "JSON-RPC URL of the node, overriding the network's [env: TCR_RPC_URL]",
        HelpName = "url",
        Recursive = true,
    };

    /// <summary><c>--manifest</c>: the deployment manifest, overriding the network's default path; env <c>TCR_MANIFEST</c>.</summary>
    public static Option<string?> Manifest { get; } = new("--manifest")
    {
        Description = "Deployment manifest file [default: .devnet/devnet.json or deployments/<network>.json] [env: TCR_MANIFEST]",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary><c>--account</c>: a keystore name, address or file, or <c>mnemonic[:index]</c>; env <c>TCR_ACCOUNT</c>.</summary>
    public static Option<string?> Account { get; } = new("--account", "-a")
    {
        Description = "Signing account: keystore name, address or file, or mnemonic[:index] (phrase from TCR_MNEMONIC or --mnemonic-file) [env: TCR_ACCOUNT]",
        HelpName = "account",
        Recursive = true,
    };

    /// <summary><c>--json</c>: one JSON document on stdout instead of tables.</summary>
    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Write one JSON document to stdout instead of tables (errors too: {\"error\":{…}})",
        Recursive = true,
    };

    /// <summary><c>--keystore-dir</c>: where keystores live; default <c>$TCR_HOME/keystore</c>, <c>~/.tcr/keystore</c>.</summary>
    public static Option<string?> KeystoreDirectory { get; } = new("--keystore-dir")
    {
        Description = "Keystore directory [default: $TCR_HOME/keystore, ~/.tcr/keystore]",
        HelpName = "dir",
        Recursive = true,
    };

    /// <summary><c>--password-file</c>: read the keystore password from a file (first line) instead of prompting.</summary>
    public static Option<string?> PasswordFile { get; } = new("--password-file")
    {
        Description = "Read the keystore password from this file's first line (or set TCR_PASSWORD); otherwise tcr prompts",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary><c>--mnemonic-file</c>: read the BIP-39 phrase from a file instead of <c>TCR_MNEMONIC</c>.</summary>
    public static Option<string?> MnemonicFile { get; } = new("--mnemonic-file")
    {
        Description = "Read the BIP-39 mnemonic from this file (- for stdin) instead of TCR_MNEMONIC",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary><c>--salt-vault</c>: the vote-salt vault file instead of <c>$TCR_HOME/salts.db</c>.</summary>
    public static Option<string?> SaltVault { get; } = new("--salt-vault")
    {
        Description = "The vote-salt vault file (or set TCR_SALT_VAULT); default $TCR_HOME/salts.db",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary>All of them, in the order help lists them.</summary>
    public static IReadOnlyList<Option> All { get; } =
        [Network, Rpc, Manifest, Account, Json, KeystoreDirectory, PasswordFile, MnemonicFile, SaltVault];
}
