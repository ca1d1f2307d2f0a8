namespace TcrToolkit.Ethereum.Wallets;

/// <summary>Opens the data files embedded under <c>Wallets/</c> (word list, Unicode normalisation table).</summary>
internal static class EmbeddedResources
{
    public static Stream Open(string name) =>
        typeof(EmbeddedResources).Assembly.GetManifestResourceStream($"TcrToolkit.Ethereum.Wallets.{name}")
        ?? throw new InvalidOperationException($"The embedded resource Wallets/{name} is missing from the assembly; the build is broken.");
}
