using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// Unicode NFKD and NFKC normalisation to UTF-8, as ethers applies it: NFKC to keystore passwords, NFKD to BIP-39
/// phrases and passphrases.
/// </summary>
/// <remarks>
/// .NET's <see cref="string.Normalize(NormalizationForm)"/> silently returns its input under
/// <c>InvariantGlobalization</c>, which this repository enables, so the data lives in an embedded table
/// (<c>normalization.txt</c>, generated from the ICU the ethers oracle runs on by
/// <c>scripts/ethers-oracle/normalization-table.mjs</c>). The algorithms are UAX #15's: full decomposition, canonical
/// ordering by combining class, and (for NFKC) canonical composition. Every intermediate buffer is zeroed, since the
/// input is usually a password.
/// </remarks>
internal static class UnicodeNormalization
{
    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28, HangulNCount = 588, HangulSCount = 11172;

    private static readonly Lazy<Table> s_table = new(Table.Load);

    /// <summary>Normalises <paramref name="text"/> to NFKD and encodes it as UTF-8 into a new array the caller zeroes.</summary>
    /// <exception cref="ArgumentException">The text holds an unpaired UTF-16 surrogate, which has no UTF-8 encoding.</exception>
    public static byte[] ToNfkdUtf8(ReadOnlySpan<char> text, string paramName) => ToUtf8(text, compose: false, paramName);

    /// <summary>Normalises <paramref name="text"/> to NFKC and encodes it as UTF-8 into a new array the caller zeroes.</summary>
    /// <exception cref="ArgumentException">The text holds an unpaired UTF-16 surrogate, which has no UTF-8 encoding.</exception>
    public static byte[] ToNfkcUtf8(ReadOnlySpan<char> text, string paramName) => ToUtf8(text, compose: true, paramName);

    private static byte[] ToUtf8(ReadOnlySpan<char> text, bool compose, string paramName)
    {
        if (Ascii.IsValid(text))
        {
            // ASCII is its own NFKD and NFKC form.
            var ascii = new byte[text.Length];
            Ascii.FromUtf16(text, ascii, out _);
            return ascii;
        }

        var table = s_table.Value;
        var codePoints = new int[CountDecomposed(text, table, paramName)];
        try
        {
            var count = 0;
            for (var i = 0; i < text.Length;)
            {
                Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed);
                i += consumed;
                count += Decompose(rune.Value, table, codePoints.AsSpan(count));
            }

            ReorderCanonically(codePoints, table);
            var result = compose ? codePoints.AsSpan(0, Compose(codePoints, table)) : codePoints;
            var length = 0;
            foreach (var cp in result)
            {
                length += new Rune(cp).Utf8SequenceLength;
            }

            var utf8 = new byte[length];
            var offset = 0;
            foreach (var cp in result)
            {
                offset += new Rune(cp).EncodeToUtf8(utf8.AsSpan(offset));
            }

            return utf8;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(codePoints.AsSpan()));
        }
    }

    private static int CountDecomposed(ReadOnlySpan<char> text, Table table, string paramName)
    {
        var count = 0;
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                throw new ArgumentException(
                    $"The text has an unpaired UTF-16 surrogate at position {i}; it cannot be encoded as UTF-8.", paramName);
            }

            i += consumed;
            count += Decompose(rune.Value, table, default);
        }

        return count;
    }

    // Writes the full decomposition of one code point into destination (when it is not empty); returns its length.
    private static int Decompose(int cp, Table table, Span<int> destination)
    {
        if (cp is >= HangulSBase and < HangulSBase + HangulSCount)
        {
            var s = cp - HangulSBase;
            var t = s % HangulTCount;
            if (!destination.IsEmpty)
            {
                destination[0] = HangulLBase + (s / HangulNCount);
                destination[1] = HangulVBase + (s % HangulNCount / HangulTCount);
                if (t != 0)
                {
                    destination[2] = HangulTBase + t;
                }
            }

            return t == 0 ? 2 : 3;
        }

        if (table.Decompositions.TryGetValue(cp, out var mapping))
        {
            if (!destination.IsEmpty)
            {
                mapping.CopyTo(destination);
            }

            return mapping.Length;
        }

        if (!destination.IsEmpty)
        {
            destination[0] = cp;
        }

        return 1;
    }

    // The canonical ordering algorithm: a stable sort of each run of non-starters by combining class.
    private static void ReorderCanonically(Span<int> codePoints, Table table)
    {
        for (var i = 1; i < codePoints.Length; i++)
        {
            var order = table.OrderOf(codePoints[i]);
            if (order == 0)
            {
                continue;
            }

            var cp = codePoints[i];
            var j = i;
            while (j > 0 && table.OrderOf(codePoints[j - 1]) > order)
            {
                codePoints[j] = codePoints[j - 1];
                j--;
            }

            codePoints[j] = cp;
        }
    }

    // The canonical composition algorithm (UAX #15): each character joins the last starter unless a character of the
    // same or higher class stands between them. Returns the composed length; composes in place.
    private static int Compose(Span<int> codePoints, Table table)
    {
        if (codePoints.IsEmpty)
        {
            return 0;
        }

        var starterPosition = 0;
        var starter = codePoints[0];
        var lastOrder = table.OrderOf(starter) == 0 ? 0 : int.MaxValue; // a leading non-starter blocks composition
        var length = 1;
        for (var i = 1; i < codePoints.Length; i++)
        {
            var cp = codePoints[i];
            var order = table.OrderOf(cp);
            if ((lastOrder < order || lastOrder == 0) && TryCompose(starter, cp, table, out var composite))
            {
                codePoints[starterPosition] = composite;
                starter = composite;
                continue;
            }

            if (order == 0)
            {
                starterPosition = length;
                starter = cp;
            }

            lastOrder = order;
            codePoints[length++] = cp;
        }

        codePoints[length..].Clear();
        return length;
    }

    private static bool TryCompose(int first, int second, Table table, out int composite)
    {
        if (first is >= HangulLBase and < HangulLBase + HangulLCount && second is >= HangulVBase and < HangulVBase + HangulVCount)
        {
            composite = HangulSBase + ((((first - HangulLBase) * HangulVCount) + (second - HangulVBase)) * HangulTCount);
            return true;
        }

        if (first is >= HangulSBase and < HangulSBase + HangulSCount && (first - HangulSBase) % HangulTCount == 0
            && second is > HangulTBase and < HangulTBase + HangulTCount)
        {
            composite = first + (second - HangulTBase);
            return true;
        }

        return table.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private sealed class Table
    {
        private readonly List<(int First, int Last, int Order)> _orders = [];

        public Dictionary<int, int[]> Decompositions { get; } = [];

        public Dictionary<long, int> Compositions { get; } = [];

        public int OrderOf(int cp)
        {
            int low = 0, high = _orders.Count - 1;
            while (low <= high)
            {
                var middle = (low + high) >>> 1;
                var (first, last, order) = _orders[middle];
                if (cp < first)
                {
                    high = middle - 1;
                }
                else if (cp > last)
                {
                    low = middle + 1;
                }
                else
                {
                    return order;
                }
            }

            return 0;
        }

        public static Table Load()
        {
            var table = new Table();
            using var reader = new StreamReader(EmbeddedResources.Open("normalization.txt"));
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "D":
                        table.Decompositions[ParseHex(parts[1])] = [.. parts.Skip(2).Select(ParseHex)];
                        break;
                    case "C":
                        var range = parts[1].Split('-');
                        var first = ParseHex(range[0]);
                        table._orders.Add((first, range.Length == 2 ? ParseHex(range[1]) : first, int.Parse(parts[2], CultureInfo.InvariantCulture)));
                        break;
                    case "P":
                        table.Compositions[((long)ParseHex(parts[1]) << 21) | (uint)ParseHex(parts[2])] = ParseHex(parts[3]);
                        break;
                    default:
                        throw new InvalidOperationException($"The embedded normalization table has an unknown line kind '{parts[0]}'; the build is broken.");
                }
            }

            table._orders.Sort((a, b) => a.First.CompareTo(b.First));
            return table;
        }

        private static int ParseHex(string text) => int.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
