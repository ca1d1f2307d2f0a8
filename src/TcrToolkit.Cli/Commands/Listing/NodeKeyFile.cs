using System.CommandLine;
using System.Text.Json;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>
/// The node's discovery key and node proofs as files: <c>--node-key FILE</c> holds the hex private key as geth writes
/// its <c>nodekey</c> (64 hex digits, 0x optional, surrounding whitespace ignored), never given on the command line;
/// <c>--proof FILE</c> holds a proof from <c>tcr listing proof</c>.
/// </summary>
internal static class NodeKeyFile
{
    /// <summary>A new <c>--node-key</c> option.</summary>
    public static Option<string?> Option(string description) => new("--node-key")
    {
        Description = description,
        HelpName = "file",
    };

    /// <summary>Reads the node key. The caller disposes it.</summary>
    /// <exception cref="CliException">The file cannot be read (exit 7) or holds no key (exit 2).</exception>
    public static PrivateKey Read(CommandContext context, string path)
    {
        var text = context.Secrets.ReadFileText(path, "node key", "node-key-file-unreadable");
        WarnIfReadableByOthers(context, path);
        try
        {
            return PrivateKey.ParseHex(text.Trim());
        }
        catch (FormatException)
        {
            // The message must not quote the file: it holds (part of) a key.
            throw CliException.Usage(
                "node-key-malformed",
                $"The node key file {path} does not hold a secp256k1 private key; it should be 64 hex digits (0x optional) and nothing else, like geth's nodekey file.");
        }
    }

    /// <summary>
    /// Warns, as ssh does for private keys, when the key file can be read by its group or by anyone: the node key is the
    /// server's identity. A warning on stderr, not a refusal, since the file may be shared on purpose (a container mount).
    /// </summary>
    private static void WarnIfReadableByOthers(CommandContext context, string path)
    {
        if (OperatingSystem.IsWindows() || path == "-")
        {
            return;
        }

        var fullPath = Path.GetFullPath(path, context.Environment.CurrentDirectory);
        var mode = File.GetUnixFileMode(fullPath);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((mode & others) != 0)
        {
            context.Stderr.WriteLine(
                $"warning: the node key file {path} can be read by others (mode {System.Convert.ToString((int)mode, 8).PadLeft(4, '0')}); anyone who reads it can impersonate the node, so restrict it with `chmod 600 {path}`.");
        }
    }

    /// <summary>Reads a proof file: the proof itself, or the <c>--json</c> output of <c>tcr listing proof</c> (its <c>proof</c>).</summary>
    /// <exception cref="CliException">The file cannot be read (exit 7) or holds no proof (exit 2).</exception>
    public static NodeProof ReadProof(CommandContext context, string path)
    {
        var text = context.Secrets.ReadFileText(path, "node proof", "proof-file-unreadable");
        try
        {
            using (var document = JsonDocument.Parse(text))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty("proof", out var inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    text = inner.GetRawText();
                }
            }

            return NodeProof.FromJson(text);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw CliException.Usage(
                "proof-malformed",
                $"The proof file {path} is not a node proof ({e.Message.TrimEnd('.')}); write it with `tcr listing proof --out FILE` on the node's machine.",
                e);
        }
    }
}
