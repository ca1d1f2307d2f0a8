using System.Security.Cryptography;
using System.Text;

namespace TcrToolkit.Cli.Infrastructure.Accounts;

/// <summary>
/// Reads secrets from where tcr accepts them: a file, stdin (<c>-</c>), an environment variable, or a prompt on the
/// terminal with echo off. Never from the command line, and never into a message.
/// </summary>
public sealed class SecretReader
{
    private readonly CliEnvironment _environment;
    private readonly TextWriter _prompt;
    private readonly Func<TextReader> _stdin;

    /// <summary>Creates the reader.</summary>
    /// <param name="environment">Environment variables and whether a terminal is attached.</param>
    /// <param name="prompt">Where prompts are written (stderr).</param>
    /// <param name="stdin">Opens standard input, for <c>-</c>.</param>
    public SecretReader(CliEnvironment environment, TextWriter prompt, Func<TextReader> stdin)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(stdin);
        _environment = environment;
        _prompt = prompt;
        _stdin = stdin;
    }

    /// <summary>
    /// The keystore password: the first line of <paramref name="passwordFile"/>, else <c>TCR_PASSWORD</c>, else a prompt
    /// on the terminal. The caller zeroes the array.
    /// </summary>
    /// <param name="passwordFile">The <c>--password-file</c> value, or <c>null</c>.</param>
    /// <param name="subject">What the password unlocks, for the prompt and messages ("keystore alice").</param>
    /// <param name="confirm">Ask twice when prompting (new keystores).</param>
    /// <exception cref="CliException">No source has a password (<see cref="ExitCode.Wallet"/>).</exception>
    public char[] ReadPassword(string? passwordFile, string subject, bool confirm = false)
    {
        if (passwordFile is not null)
        {
            var text = ReadFileText(passwordFile, "password", "password-file-unreadable");
            var end = text.IndexOfAny(['\r', '\n']);
            return (end < 0 ? text : text[..end]).ToCharArray();
        }

        if (_environment.Get(CliEnvironment.PasswordVariable) is { } fromEnvironment)
        {
            return fromEnvironment.ToCharArray();
        }

        if (!_environment.IsInteractive)
        {
            throw CliException.Wallet(
                "password-missing",
                $"The {subject} needs a password and there is no terminal to ask on; set {CliEnvironment.PasswordVariable} or pass --password-file FILE.");
        }

        var password = Prompt($"Password for {subject}: ");
        if (confirm)
        {
            var again = Prompt("Repeat the password: ");
            try
            {
                if (!password.AsSpan().SequenceEqual(again))
                {
                    CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(password.AsSpan()));
                    throw CliException.Wallet("password-mismatch", "The two passwords differ; run the command again and type the same password twice.");
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(again.AsSpan()));
            }
        }

        return password;
    }

    /// <summary>The BIP-39 phrase: from <paramref name="mnemonicFile"/> (or stdin for <c>-</c>), else <c>TCR_MNEMONIC</c>.</summary>
    /// <param name="mnemonicFile">The <c>--mnemonic-file</c> value, or <c>null</c>.</param>
    /// <param name="source">Says where the phrase came from, for messages.</param>
    /// <exception cref="CliException">Neither is set, or the file cannot be read (<see cref="ExitCode.Wallet"/>).</exception>
    public string ReadMnemonic(string? mnemonicFile, out string source)
    {
        if (mnemonicFile is not null)
        {
            source = mnemonicFile == "-" ? "stdin" : mnemonicFile;
            return ReadFileText(mnemonicFile, "mnemonic", "mnemonic-file-unreadable");
        }

        source = CliEnvironment.MnemonicVariable;
        return _environment.GetNonBlank(CliEnvironment.MnemonicVariable) ?? throw CliException.Wallet(
            "mnemonic-missing",
            $"No mnemonic given; set {CliEnvironment.MnemonicVariable} or pass --mnemonic-file FILE (or - for stdin).");
    }

    /// <summary>Reads a secret file's whole text, or stdin for <c>-</c>.</summary>
    /// <param name="path">The path, or <c>-</c>.</param>
    /// <param name="what">What the file holds, for messages ("private key").</param>
    /// <param name="code">The error code when it cannot be read.</param>
    /// <exception cref="CliException">The file cannot be read (<see cref="ExitCode.Wallet"/>).</exception>
    public string ReadFileText(string path, string what, string code)
    {
        if (path == "-")
        {
            if (!Console.IsInputRedirected)
            {
                _prompt.WriteLine($"Reading the {what} from stdin; end with Ctrl-D.");
            }

            return _stdin().ReadToEnd();
        }

        var fullPath = Path.GetFullPath(path, _environment.CurrentDirectory);
        if (Directory.Exists(fullPath))
        {
            throw CliException.Wallet(code, $"Cannot read the {what} file {path}: it is a directory; give the path of the file itself.");
        }

        if (!File.Exists(fullPath))
        {
            throw CliException.Wallet(code, $"Cannot read the {what} file {path}: it does not exist; check the path.");
        }

        try
        {
            return File.ReadAllText(fullPath, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Wallet(code, $"Cannot read the {what} file {path} ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}); check the path and its permissions.", e);
        }
    }

    private char[] Prompt(string prompt)
    {
        _prompt.Write(prompt);
        _prompt.Flush();
        var buffer = new List<char>();
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                {
                    break;
                }

                if (key.Key == ConsoleKey.Backspace)
                {
                    if (buffer.Count > 0)
                    {
                        buffer[^1] = '\0';
                        buffer.RemoveAt(buffer.Count - 1);
                    }
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    buffer.Add(key.KeyChar);
                }
            }

            return buffer.ToArray();
        }
        finally
        {
            for (var i = 0; i < buffer.Count; i++)
            {
                buffer[i] = '\0';
            }

            _prompt.WriteLine();
        }
    }
}
