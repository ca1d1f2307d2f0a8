using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Wallets;

namespace TcrToolkit.Cli.Commands.Wallet;

/// <summary>The <c>--json</c> result of <c>tcr wallet new</c> and <c>tcr wallet import</c>: the keystore written.</summary>
/// <param name="Name">The keystore's name (for <c>--account</c>).</param>
/// <param name="Address">The account, EIP-55.</param>
/// <param name="File">The keystore file's full path.</param>
/// <param name="Scrypt">The scrypt cost it was encrypted with: <c>standard</c> or <c>light</c>.</param>
internal sealed record WalletResult(string Name, string Address, string File, string Scrypt)
{
    public static WalletResult Of(KeystoreEntry entry, bool light) =>
        new(entry.Name, entry.Address?.ToString() ?? string.Empty, entry.Path, light ? "light" : "standard");

    public void Render(HumanView view, string verb)
    {
        view.Properties(("Name", Name), ("Address", Address), ("File", File));
        view.Line($"{verb}; keep a backup of the file and the password: neither can be recovered.");
    }
}
