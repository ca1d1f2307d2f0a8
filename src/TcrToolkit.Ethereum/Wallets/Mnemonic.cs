using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// A BIP-39 mnemonic over the English word list: 12, 15, 18, 21 or 24 words encoding 128–256 bits of entropy and a
/// SHA-256 checksum. The words are held as indices in a pinned array that <see cref="Dispose"/> zeroes, and never appear
/// in <see cref="ToString"/>.
/// </summary>
public sealed class Mnemonic : IDisposable
{
    private const int SeedIterations = 2048;

    /// <summary>The size of the seed <see cref="ComputeSeed"/> returns, in bytes.</summary>
    public const int SeedSize = 64;

    private readonly short[] _words;
    private bool _disposed;

    private Mnemonic(short[] words)
    {
        _words = words;
    }

    /// <summary>The number of words: 12, 15, 18, 21 or 24.</summary>
    public int WordCount => _words.Length;

    /// <summary>Encodes entropy of 16, 20, 24, 28 or 32 bytes (128–256 bits) as a mnemonic.</summary>
    /// <exception cref="ArgumentException">The entropy has another length.</exception>
    public static Mnemonic FromEntropy(ReadOnlySpan<byte> entropy)
    {
        if (entropy.Length is < 16 or > 32 || entropy.Length % 4 != 0)
        {
            throw new ArgumentException($"BIP-39 entropy is 16, 20, 24, 28 or 32 bytes; got {entropy.Length}.", nameof(entropy));
        }

        var checksumBits = entropy.Length / 4;
        var wordCount = (entropy.Length * 8 + checksumBits) / 11;
        Span<byte> bits = stackalloc byte[33];
        try
        {
            entropy.CopyTo(bits);
            Sha256(entropy, out var checksumByte);
            bits[entropy.Length] = checksumByte;
            var words = NewWordArray(wordCount);
            for (var i = 0; i < wordCount; i++)
            {
                words[i] = (short)ReadBits(bits, i * 11);
            }

            return new Mnemonic(words);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bits);
        }
    }

    /// <summary>Creates a mnemonic from fresh operating-system randomness.</summary>
    /// <param name="wordCount">12, 15, 18, 21 or 24.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wordCount"/> is not one of those.</exception>
    public static Mnemonic Generate(int wordCount = 12)
    {
        if (wordCount is < 12 or > 24 || wordCount % 3 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(wordCount), wordCount, "A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words.");
        }

        Span<byte> entropy = stackalloc byte[wordCount * 4 / 3];
        try
        {
            RandomNumberGenerator.Fill(entropy);
            return FromEntropy(entropy);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(entropy);
        }
    }

    /// <summary>
    /// Parses a phrase: words separated by any whitespace, compared after NFKD normalisation and in any letter case
    /// (as ethers does), then the word count and checksum are checked.
    /// </summary>
    /// <exception cref="MnemonicFormatException">
    /// The word count is not 12, 15, 18, 21 or 24; a word is not in the English list (the message names it and its
    /// 1-based position); or the checksum does not match.
    /// </exception>
    public static Mnemonic Parse(ReadOnlySpan<char> phrase)
    {
        var ranges = new List<Range>();
        foreach (var range in phrase.SplitAny(WhiteSpace))
        {
            if (range.End.Value > range.Start.Value)
            {
                ranges.Add(range);
            }
        }

        var count = ranges.Count;
        if (count is < 12 or > 24 || count % 3 != 0)
        {
            throw new MnemonicFormatException($"A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words; this one has {count}.");
        }

        var words = NewWordArray(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var word = phrase[ranges[i]];
                if (!TryGetWordIndex(word, out var index))
                {
                    throw new MnemonicFormatException(
                        $"Word {i + 1} of {count} ('{word}') is not in the BIP-39 English word list; check its spelling.", i);
                }

                words[i] = (short)index;
            }

            var mnemonic = new Mnemonic(words);
            Span<byte> entropy = stackalloc byte[32];
            try
            {
                if (!mnemonic.TryGetEntropy(entropy, out _))
                {
                    throw new MnemonicFormatException(
                        "The mnemonic's checksum does not match its words: a word is wrong or the words are out of order.");
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(entropy);
            }

            return mnemonic;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
            throw;
        }
    }

    /// <summary>Returns the entropy the words encode (16–32 bytes) in a new array the caller should zero.</summary>
    /// <exception cref="ObjectDisposedException">The mnemonic has been disposed.</exception>
    public byte[] GetEntropy()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entropy = new byte[_words.Length * 4 / 3];
        TryGetEntropy(entropy, out _);
        return entropy;
    }

    /// <summary>
    /// Returns the phrase: the words in order, separated by single spaces. A string cannot be zeroed; show it to the
    /// user, do not keep it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The mnemonic has been disposed.</exception>
    public string GetPhrase()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var words = Bip39WordList.English;
        return string.Join(' ', _words.Select(w => words[w]));
    }

    /// <summary>
    /// Computes the 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512 with 2048 iterations over the NFKD phrase, salted with
    /// <c>"mnemonic"</c> + the NFKD passphrase. The caller should zero the returned array.
    /// </summary>
    /// <param name="passphrase">The optional passphrase ("25th word"); empty for none.</param>
    /// <exception cref="ArgumentException"><paramref name="passphrase"/> holds an unpaired UTF-16 surrogate.</exception>
    /// <exception cref="ObjectDisposedException">The mnemonic has been disposed.</exception>
    public byte[] ComputeSeed(ReadOnlySpan<char> passphrase = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var phrase = PhraseBytes(); // English words are ASCII, so already NFKD.
        var salted = new char[8 + passphrase.Length];
        byte[]? salt = null;
        try
        {
            "mnemonic".CopyTo(salted);
            passphrase.CopyTo(salted.AsSpan(8));
            salt = UnicodeNormalization.ToNfkdUtf8(salted, nameof(passphrase));
            var generator = new Pkcs5S2ParametersGenerator(new Sha512Digest());
            generator.Init(phrase, salt, SeedIterations);
            return ((KeyParameter)generator.GenerateDerivedMacParameters(SeedSize * 8)).GetKey();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(phrase);
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(salted.AsSpan()));
            if (salt is not null)
            {
                CryptographicOperations.ZeroMemory(salt);
            }
        }
    }

    /// <summary>Zeroes the word indices. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_words.AsSpan()));
            _disposed = true;
        }
    }

    /// <summary>Names the word count only; never reveals a word.</summary>
    public override string ToString() => _disposed ? "Mnemonic(disposed)" : $"Mnemonic({_words.Length} words)";

    private static readonly char[] WhiteSpace = [' ', '\t', '\n', '\r', '\v', '\f', '\u00A0', '\u1680', '\u2000', '\u2001',
        '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u2028', '\u2029',
        '\u202F', '\u205F', '\u3000', '\uFEFF'];

    private static short[] NewWordArray(int count) => GC.AllocateArray<short>(count, pinned: true);

    // Looks a word up after NFKD and lower-casing. ASCII words (all valid ones) are lower-cased on the stack and looked
    // up without allocating a string that could not be zeroed.
    private static bool TryGetWordIndex(ReadOnlySpan<char> word, out int index)
    {
        if (word.Length <= 16 && Ascii.IsValid(word))
        {
            Span<char> lower = stackalloc char[word.Length];
            Ascii.ToLower(word, lower, out _);
            var found = Bip39WordList.TryGetIndex(lower, out index);
            lower.Clear();
            return found;
        }

        var utf8 = UnicodeNormalization.ToNfkdUtf8(word, nameof(word));
        try
        {
            return Bip39WordList.TryGetIndex(Encoding.UTF8.GetString(utf8).ToLowerInvariant(), out index);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    // The phrase as ASCII bytes (words joined by single spaces), built without an intermediate string.
    private byte[] PhraseBytes()
    {
        var words = Bip39WordList.English;
        var length = _words.Length - 1;
        foreach (var w in _words)
        {
            length += words[w].Length;
        }

        var bytes = new byte[length];
        var offset = 0;
        for (var i = 0; i < _words.Length; i++)
        {
            if (i > 0)
            {
                bytes[offset++] = (byte)' ';
            }

            offset += Encoding.ASCII.GetBytes(words[_words[i]], bytes.AsSpan(offset));
        }

        return bytes;
    }

    // Writes the entropy into destination and reports whether the checksum bits match it.
    private bool TryGetEntropy(Span<byte> destination, out int length)
    {
        length = _words.Length * 4 / 3;
        Span<byte> bits = stackalloc byte[33];
        try
        {
            bits.Clear();
            for (var i = 0; i < _words.Length; i++)
            {
                WriteBits(bits, i * 11, _words[i]);
            }

            bits[..length].CopyTo(destination);
            Sha256(bits[..length], out var checksumByte);
            var checksumBits = length / 4;
            var mask = (byte)(0xFF << (8 - checksumBits));
            return (bits[length] & mask) == (checksumByte & mask);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bits);
        }
    }

    private static void Sha256(ReadOnlySpan<byte> data, out byte firstByte)
    {
        var digest = new Sha256Digest();
        digest.BlockUpdate(data);
        Span<byte> hash = stackalloc byte[32];
        digest.DoFinal(hash);
        firstByte = hash[0];
        CryptographicOperations.ZeroMemory(hash);
    }

    private static int ReadBits(ReadOnlySpan<byte> bits, int offset)
    {
        var value = 0;
        for (var i = 0; i < 11; i++)
        {
            var bit = offset + i;
            value = (value << 1) | ((bits[bit >> 3] >> (7 - (bit & 7))) & 1);
        }

        return value;
    }

    private static void WriteBits(Span<byte> bits, int offset, int value)
    {
        for (var i = 0; i < 11; i++)
        {
            if (((value >> (10 - i)) & 1) != 0)
            {
                var bit = offset + i;
                bits[bit >> 3] |= (byte)(0x80 >> (bit & 7));
            }
        }
    }
}
