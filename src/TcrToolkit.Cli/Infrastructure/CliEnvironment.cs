namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// What tcr reads from its surroundings: environment variables, the working directory, the home directory, and whether
/// the standard streams are terminals. Environment variable names live here, in one place. Members are virtual so
/// that an in-process host can substitute them.
/// </summary>
public class CliEnvironment
{
    /// <summary><c>TCR_HOME</c>: tcr's own directory (keystores under <c>keystore/</c>); default <c>~/.tcr</c>.</summary>
    public const string HomeVariable = "TCR_HOME";

    /// <summary><c>TCR_NETWORK</c>: the default of <c>--network</c>.</summary>
    public const string NetworkVariable = "TCR_NETWORK";

    /// <summary><c>TCR_RPC_URL</c>: the default of <c>--rpc</c>, above the network's own URL.</summary>
    public const string RpcUrlVariable = "TCR_RPC_URL";

    /// <summary><c>TCR_MANIFEST</c>: the default of <c>--manifest</c>.</summary>
    public const string ManifestVariable = "TCR_MANIFEST";

    /// <summary><c>TCR_ACCOUNT</c>: the default of <c>--account</c>.</summary>
    public const string AccountVariable = "TCR_ACCOUNT";

    /// <summary><c>TCR_PASSWORD</c>: the keystore password for scripts and CI (no prompt).</summary>
    public const string PasswordVariable = "TCR_PASSWORD";

    /// <summary><c>TCR_MNEMONIC</c>: the BIP-39 phrase for <c>--account mnemonic[:index]</c>.</summary>
    public const string MnemonicVariable = "TCR_MNEMONIC";

    /// <summary><c>TCR_SALT_VAULT</c>: the vote-salt vault file.</summary>
    public const string SaltVaultVariable = "TCR_SALT_VAULT";

    /// <summary><c>TCR_SCRYPT</c>: <c>light</c> makes new keystores with cheap scrypt (tests and throwaway keys only).</summary>
    public const string ScryptVariable = "TCR_SCRYPT";

    /// <summary>The process's real surroundings.</summary>
    public static CliEnvironment System { get; } = new();

    /// <summary>The value of an environment variable, or <c>null</c> when unset.</summary>
    public virtual string? Get(string name) => Environment.GetEnvironmentVariable(name);

    /// <summary>The value of an environment variable, or <c>null</c> when unset or blank.</summary>
    public virtual string? GetNonBlank(string name) => Get(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>The working directory.</summary>
    public virtual string CurrentDirectory => Directory.GetCurrentDirectory();

    /// <summary>tcr's home: <c>TCR_HOME</c>, else <c>~/.tcr</c>.</summary>
    public virtual string TcrHome => GetNonBlank(HomeVariable)
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tcr");

    /// <summary>Whether stdin is a terminal a password can be asked on.</summary>
    public virtual bool IsInteractive => !Console.IsInputRedirected && !Console.IsErrorRedirected;

    /// <summary>Whether stdout is a terminal (spinners and colours only then).</summary>
    public virtual bool IsOutputTerminal => !Console.IsOutputRedirected;

    /// <summary>Whether stderr is a terminal.</summary>
    public virtual bool IsErrorTerminal => !Console.IsErrorRedirected;
}
