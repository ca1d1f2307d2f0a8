using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Server;

/// <summary>The node's libp2p identity: a secp256k1 key in a file readable only by its owner, created on first run.</summary>
internal static class NodeKeyFile
{
    public static PrivateKey LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            try
            {
                return PrivateKey.ParseHex(text);
            }
            catch (KeyFormatException ex)
            {
                throw CliException.Wallet("node-key-invalid", $"The node key file {path} does not hold a 32-byte hex key; move it away to create a new one.", ex);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = PrivateKey.Generate();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            Span<byte> secret = stackalloc byte[32];
            key.ExportSecret(secret);
            writer.Write(Convert.ToHexStringLower(secret));
            secret.Clear();
            writer.Flush();
            writer.BaseStream.Flush();
        }

        return key;
    }
}
