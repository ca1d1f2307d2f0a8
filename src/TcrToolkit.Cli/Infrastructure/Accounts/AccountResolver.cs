using System.Globalization;
using System.Security.Cryptography;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Wallets;

namespace TcrToolkit.Cli.Infrastructure.Accounts;

/// <summary>What <c>--account</c> points at, before any secret is read.</summary>
/// <param name="Kind">A keystore file, or an HD account of a mnemonic.</param>
/// <param name="Keystore">The keystore, for <see cref="AccountKind.Keystore"/>.</param>
/// <param name="MnemonicIndex">The account index, for <see cref="AccountKind.Mnemonic"/>.</param>
public sealed record AccountReference(AccountKind Kind, KeystoreEntry? Keystore, int MnemonicIndex)
{
    /// <summary>How messages name it: "keystore alice" or "mnemonic account 3".</summary>
    public string Describe() => Kind == AccountKind.Keystore
        ? $"keystore {Keystore!.Name}"
        : $"mnemonic account {MnemonicIndex.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Where a signing key comes from.</summary>
public enum AccountKind
{
    /// <summary>A keystore v3 file, unlocked with a password.</summary>
    Keystore,

    /// <summary>Account <c>m/44'/60'/0'/0/i</c> of a BIP-39 mnemonic.</summary>
    Mnemonic,
}

/// <summary>
/// Turns the global <c>--account</c> (or <c>TCR_ACCOUNT</c>) into an address or a signing key.
/// </summary>
/// <remarks>
/// <c>--account</c> takes a keystore name (<c>alice</c> for <c>alice.json</c> in the keystore directory), an address (the
/// keystore in the directory holding it), a path to a keystore file, or <c>mnemonic[:index]</c> (index 0 by default) with
/// the phrase from <c>--mnemonic-file</c> or <c>TCR_MNEMONIC</c>. Keystore passwords come from <c>--password-file</c>,
/// <c>TCR_PASSWORD</c> or a prompt (<see cref="SecretReader.ReadPassword"/>).
/// </remarks>
public sealed class AccountResolver
{
    /// <summary>The <c>--account</c> prefix selecting a mnemonic account.</summary>
    public const string MnemonicPrefix = "mnemonic";

    private readonly string? _account;
    private readonly string? _passwordFile;
    private readonly string? _mnemonicFile;
    private readonly SecretReader _secrets;
    private readonly CliEnvironment _environment;

    /// <summary>Creates the resolver for one invocation.</summary>
    /// <param name="keystores">The keystore directory.</param>
    /// <param name="account">The <c>--account</c> value (or <c>TCR_ACCOUNT</c>'s), or <c>null</c>.</param>
    /// <param name="passwordFile">The <c>--password-file</c> value, or <c>null</c>.</param>
    /// <param name="mnemonicFile">The <c>--mnemonic-file</c> value, or <c>null</c>.</param>
    /// <param name="secrets">Reads passwords and mnemonics.</param>
    /// <param name="environment">The working directory, for relative keystore paths.</param>
    public AccountResolver(KeystoreDirectory keystores, string? account, string? passwordFile, string? mnemonicFile, SecretReader secrets, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(keystores);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(environment);
        Keystores = keystores;
        _account = account;
        _passwordFile = passwordFile;
        _mnemonicFile = mnemonicFile;
        _secrets = secrets;
        _environment = environment;
    }

    /// <summary>The keystore directory.</summary>
    public KeystoreDirectory Keystores { get; }

    /// <summary>Whether an account was given at all.</summary>
    public bool HasAccount => _account is not null;

    /// <summary>Finds what <c>--account</c> names, reading no secret.</summary>
    /// <exception cref="CliException">No account was given (<see cref="ExitCode.Usage"/>), the index or address is
    /// malformed (<see cref="ExitCode.Usage"/>), or no keystore matches (<see cref="ExitCode.Wallet"/>).</exception>
    public AccountReference Find()
    {
        var account = _account ?? throw CliException.Usage(
            "account-missing",
            $"This command needs an account; pass --account NAME|ADDRESS|FILE|mnemonic[:index] or set {CliEnvironment.AccountVariable} (see `tcr wallet list`).");
        if (account.Equals(MnemonicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new AccountReference(AccountKind.Mnemonic, null, 0);
        }

        if (account.StartsWith(MnemonicPrefix + ":", StringComparison.OrdinalIgnoreCase))
        {
            return new AccountReference(AccountKind.Mnemonic, null, ParseIndex(account[(MnemonicPrefix.Length + 1)..], "--account " + account));
        }

        if (account.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !account.Contains('/', StringComparison.Ordinal))
        {
            if (!Address.TryParse(account, out var address))
            {
                throw CliException.Usage(
                    "address-malformed",
                    $"--account '{account}' is not a valid address (0x and 40 hex digits, mixed case only with a correct EIP-55 checksum); check it or use a keystore name.");
            }

            var matches = Keystores.FindByAddress(address);
            return matches.Count switch
            {
                1 => new AccountReference(AccountKind.Keystore, matches[0], 0),
                0 => throw CliException.Wallet(
                    "keystore-not-found",
                    $"No keystore for {address} in {Keystores.Path}; import its key with `tcr wallet import`, or pass the keystore file."),
                _ => throw CliException.Wallet(
                    "keystore-ambiguous",
                    $"{matches.Count} keystores in {Keystores.Path} hold {address} ({string.Join(", ", matches.Select(m => m.Name))}); pass one by name."),
            };
        }

        if (account.Contains('/', StringComparison.Ordinal) || account.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || (account.EndsWith(KeystoreDirectory.Extension, StringComparison.OrdinalIgnoreCase) && File.Exists(account)))
        {
            var path = Path.GetFullPath(account, _environment.CurrentDirectory);
            if (Directory.Exists(path))
            {
                throw CliException.Wallet(
                    "account-is-directory",
                    $"--account {path} is a directory, not a keystore file; give a keystore file's path, or --keystore-dir {path} with --account NAME (see `tcr wallet list`).");
            }

            return File.Exists(path)
                ? new AccountReference(AccountKind.Keystore, KeystoreDirectory.Read(path), 0)
                : throw CliException.Wallet("keystore-not-found", $"The keystore file {path} does not exist; check the path, or list keystores with `tcr wallet list`.");
        }

        return Keystores.FindByName(account) is { } entry
            ? new AccountReference(AccountKind.Keystore, entry, 0)
            : throw CliException.Wallet(
                "keystore-not-found",
                $"No keystore named '{account}' in {Keystores.Path}; list them with `tcr wallet list` or create one with `tcr wallet new {account}`.");
    }

    /// <summary>
    /// The account's address, without a password where possible: a keystore's public <c>address</c> field, or the
    /// mnemonic account's derived address. A keystore without that field is decrypted.
    /// </summary>
    /// <exception cref="CliException">See <see cref="Find"/> and <see cref="Unlock"/>.</exception>
    public Address GetAddress()
    {
        var reference = Find();
        if (reference is { Kind: AccountKind.Keystore, Keystore.Address: { } address })
        {
            return address;
        }

        using var key = Unlock(reference);
        return key.Address;
    }

    /// <summary>Unlocks the account's signing key. The caller disposes it.</summary>
    /// <exception cref="CliException">See <see cref="Find"/>; or no password or mnemonic is available, the password is
    /// wrong, or the keystore is damaged (<see cref="ExitCode.Wallet"/>); or the mnemonic is invalid
    /// (<see cref="ExitCode.Usage"/>).</exception>
    public PrivateKey GetSigningKey() => Unlock(Find());

    /// <summary>Unlocks the key of an account found with <see cref="Find"/>. The caller disposes it.</summary>
    /// <exception cref="CliException">See <see cref="GetSigningKey"/>.</exception>
    public PrivateKey Unlock(AccountReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Kind == AccountKind.Mnemonic ? DeriveFromMnemonic(reference.MnemonicIndex, _mnemonicFile) : UnlockKeystore(reference.Keystore!);
    }

    /// <summary>Derives account <paramref name="index"/> of the mnemonic from <paramref name="mnemonicFile"/> or <c>TCR_MNEMONIC</c>.</summary>
    /// <exception cref="CliException">No mnemonic is available (<see cref="ExitCode.Wallet"/>) or it is invalid (<see cref="ExitCode.Usage"/>).</exception>
    public PrivateKey DeriveFromMnemonic(int index, string? mnemonicFile)
    {
        var phrase = _secrets.ReadMnemonic(mnemonicFile, out var source);
        try
        {
            using var wallet = HdWallet.FromMnemonic(phrase);
            return wallet.DeriveAccount(index);
        }
        catch (MnemonicFormatException e)
        {
            throw CliException.Usage("mnemonic-invalid", $"{e.Message.TrimEnd('.')}; check the mnemonic in {source}.", e);
        }
    }

    /// <summary>Parses an HD account index: a whole number from 0 to 2^31 − 1.</summary>
    /// <param name="text">The index as typed.</param>
    /// <param name="where">Where it was typed, for the message.</param>
    /// <exception cref="CliException">It is not such a number (<see cref="ExitCode.Usage"/>).</exception>
    public static int ParseIndex(string text, string where)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index;
        }

        throw CliException.Usage(
            "account-index-invalid",
            $"Account index '{text}' in {where} is not a whole number from 0 to 2147483647; use for example mnemonic:0.");
    }

    private PrivateKey UnlockKeystore(KeystoreEntry keystore)
    {
        string json;
        try
        {
            json = File.ReadAllText(keystore.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Wallet("keystore-unreadable", $"Cannot read the keystore {keystore.Path}; check its permissions.", e);
        }

        var subject = keystore.Address is { } address ? $"keystore {keystore.Name} ({address})" : $"keystore {keystore.Name}";
        var password = _secrets.ReadPassword(_passwordFile, subject);
        try
        {
            return Keystore.Decrypt(json, password);
        }
        catch (KeystorePasswordException e)
        {
            throw CliException.Wallet(
                "password-wrong",
                $"Wrong password for {subject}; try again, or check {CliEnvironment.PasswordVariable} or --password-file.",
                e);
        }
        catch (KeystoreFormatException e)
        {
            throw CliException.Wallet("keystore-invalid", $"The keystore {keystore.Path} cannot be used: {e.Message.TrimEnd('.')}; restore it from a backup.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(password.AsSpan()));
        }
    }
}
