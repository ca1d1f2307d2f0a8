namespace TcrToolkit.Ethereum.Wallets;

/// <summary>The BIP-39 English word list (2048 words), embedded as <c>Wallets/english.txt</c>.</summary>
internal static class Bip39WordList
{
    public const int Count = 2048;

    private static readonly Lazy<(string[] Words, Dictionary<string, int> Indices)> s_english = new(Load);

    public static IReadOnlyList<string> English => s_english.Value.Words;

    public static bool TryGetIndex(string word, out int index) => s_english.Value.Indices.TryGetValue(word, out index);

    public static bool TryGetIndex(ReadOnlySpan<char> word, out int index) =>
        s_english.Value.Indices.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out index);

    private static (string[], Dictionary<string, int>) Load()
    {
        using var reader = new StreamReader(EmbeddedResources.Open("english.txt"));
        var words = new string[Count];
        var indices = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            words[i] = reader.ReadLine() ?? throw new InvalidOperationException("The embedded BIP-39 word list is truncated; the build is broken.");
            indices.Add(words[i], i);
        }

        return (words, indices);
    }
}
