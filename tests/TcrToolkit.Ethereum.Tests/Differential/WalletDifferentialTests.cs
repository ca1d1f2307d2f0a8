using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TcrToolkit.Ethereum.Wallets;
using Xunit.Abstractions;
using static TcrToolkit.Testing.Differential.DifferentialRun;

namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>
/// Compares the wallets (keystore v3, BIP-39, BIP-32/44, NFKC/NFKD of passwords) with ethers v6 on seeded random inputs.
/// Every failure message carries the seed and the case; rerun with <c>TCR_DIFF_SEED</c> to reproduce it. scrypt is
/// slow in both implementations, so keystore cases are few and use cheap parameters; HD and mnemonic cases scale
/// with <c>TCR_DIFF_CASES</c> (3% each of the total, at least 200).
/// </summary>
[Trait("Category", "Differential")]
public sealed class WalletDifferentialTests(EthersOracle oracle, ITestOutputHelper output) : IClassFixture<EthersOracle>
{
    private const int MaxReportedMismatches = DifferentialRun.MaxReportedMismatches;
    private const int ScryptCases = 32;
    private const int Pbkdf2Cases = 40;

    private static readonly int HdCases = Math.Max(200, DifferentialSettings.TotalCases * 3 / 100);

    // Password characters: ASCII, precomposed and decomposed accents, compatibility forms (ligatures, full-width,
    // circled digits, fractions, Hangul syllables and jamo) and astral emoji, so that NFKD matters.
    private static readonly string[] PasswordAlphabet =
    [
        "a", "Z", "0", " ", "!", "\"", "\\", "é", "e\u0301", "\u0301", "\u0308", "\u0323", "\u0334", "ß", "ﬁ", "Ａ", "①", "½",
        "ẛ\u0323", "한", "\u1100\u1161", "ｶﾞ", "Ω", "Å", "中", "😀", "🦄", "\u00A0", "\u2126", "\u1E9B",
    ];

    [Theory]
    [InlineData("NFKD")]
    [InlineData("NFKC")]
    public void Normalization_EveryCodePointInFourContexts_MatchesEthers(string form)
    {
        var stopwatch = Stopwatch.StartNew();
        var mismatches = new List<string>();
        const int chunk = 0x11000;
        var requests = new List<JsonObject>();
        for (var from = 0; from < 0x110000; from += chunk)
        {
            requests.Add(new JsonObject { ["op"] = "normalizeRange", ["form"] = form, ["from"] = from, ["to"] = Math.Min(from + chunk, 0x110000) });
        }

        var answers = oracle.Ask(requests);
        var checkedCount = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            var theirs = new Dictionary<(int Context, int CodePoint), string>();
            foreach (var entry in answers[r].Value.GetProperty("changed").EnumerateArray())
            {
                theirs[(entry[0].GetInt32(), entry[1].GetInt32())] = entry[2].GetString()!;
            }

            var from = requests[r]["from"]!.GetValue<int>();
            var to = requests[r]["to"]!.GetValue<int>();
            for (var cp = from; cp < to && mismatches.Count < MaxReportedMismatches; cp++)
            {
                if (cp is >= 0xD800 and <= 0xDFFF)
                {
                    continue;
                }

                var s = char.ConvertFromUtf32(cp);
                string[] contexts = [s, s + "\u0334", "\u0345" + s, "A" + s];
                for (var context = 0; context < contexts.Length; context++)
                {
                    checkedCount++;
                    var raw = Encoding.UTF8.GetBytes(contexts[context]);
                    var ours = Normalize(contexts[context], form);
                    var expected = theirs.TryGetValue((context, cp), out var hex) ? Hex.Decode(hex) : raw;
                    if (!ours.AsSpan().SequenceEqual(expected))
                    {
                        mismatches.Add($"{form} U+{cp:X4} context {context}: ethers {Hex.Encode(expected)}, ours {Hex.Encode(ours)}");
                    }
                }
            }
        }

        output.WriteLine($"{form}: {checkedCount} code point contexts against ethers {oracle.EthersVersion} ({stopwatch.ElapsedMilliseconds} ms)");
        mismatches.Should().BeEmpty("{0} must match ethers (Node's ICU) for every code point; the first mismatches are:\n{1}", form, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("NFKD")]
    [InlineData("NFKC")]
    public void Normalization_RandomPasswords_EncodeLikeEthers(string form)
    {
        Run("wallet-" + form, HdCases, inputs =>
        {
            var text = Password(inputs, 30);
            return (new JsonObject { ["op"] = "normalize", ["form"] = form, ["texts"] = new JsonArray(text) }, text);
        }, (text, answer) => Expect("utf8", answer.Value.GetProperty("utf8")[0].GetString(), Hex.Encode(Normalize(text, form))));
    }

    [Fact]
    public void Mnemonic_RandomEntropy_EncodesAndDecodesLikeEthers()
    {
        Run("wallet-mnemonic", HdCases, inputs =>
        {
            var entropy = inputs.Bytes(4 * inputs.Random.Next(4, 9));
            using var mnemonic = Mnemonic.FromEntropy(entropy);
            var phrase = Corrupt(inputs, mnemonic.GetPhrase());
            return (new JsonObject { ["op"] = "mnemonic", ["phrase"] = phrase }, (entropy, phrase));
        }, (input, answer) =>
        {
            string ours;
            try
            {
                using var parsed = Mnemonic.Parse(input.phrase);
                ours = Hex.Encode(parsed.GetEntropy());
            }
            catch (MnemonicFormatException)
            {
                ours = "rejected";
            }

            Expect("entropy of phrase", answer.Error is null ? answer.Get("entropy") : "rejected", ours);
        });
    }

    [Fact]
    public void Mnemonic_EntropyToPhrase_MatchesEthers()
    {
        Run("wallet-entropy", HdCases, inputs =>
        {
            var entropy = inputs.Bytes(4 * inputs.Random.Next(4, 9));
            return (new JsonObject { ["op"] = "mnemonic", ["entropy"] = Hex.Encode(entropy) }, entropy);
        }, (entropy, answer) =>
        {
            using var mnemonic = Mnemonic.FromEntropy(entropy);
            Expect("phrase", answer.Get("phrase"), mnemonic.GetPhrase());
        });
    }

    [Fact]
    public void HdWallet_RandomMnemonicsAndPaths_DeriveLikeEthers()
    {
        Run("wallet-hd", HdCases, inputs =>
        {
            var entropy = inputs.Bytes(4 * inputs.Random.Next(4, 9));
            var passphrase = inputs.Random.Next(3) == 0 ? "" : Password(inputs, 12);
            var path = inputs.Random.Next(4) == 0 ? HdPath.Ethereum(inputs.Random.Next(0, 20)) : RandomPath(inputs, hardenedShare: 2);
            var request = new JsonObject { ["op"] = "hd", ["entropy"] = Hex.Encode(entropy), ["passphrase"] = passphrase, ["path"] = path.ToString() };
            return (request, (entropy, passphrase, path));
        }, (input, answer) =>
        {
            using var mnemonic = Mnemonic.FromEntropy(input.entropy);
            Expect("phrase", answer.Get("phrase"), mnemonic.GetPhrase());
            var seed = mnemonic.ComputeSeed(input.passphrase);
            Expect("seed", answer.Get("seed"), Hex.Encode(seed));
            using var wallet = HdWallet.FromSeed(seed);
            using var key = wallet.Derive(input.path);
            Expect("xprv", answer.Get("xprv"), key.ToBase58());
            Expect("xpub", answer.Get("xpub"), key.ToExtendedPublicKey().ToBase58());
            Expect("address", answer.Get("address"), key.Address.ToString());
            Expect("fingerprint", answer.Get("fingerprint"), $"0x{key.Fingerprint:x8}");
            Expect("parent fingerprint", answer.Get("parentFingerprint"), $"0x{key.ParentFingerprint:x8}");
            Expect("depth", answer.Get("depth"), key.Depth.ToString(CultureInfo.InvariantCulture));
            Expect("index", answer.Get("index"), key.ChildNumber.ToString(CultureInfo.InvariantCulture));
            using var privateKey = key.ToPrivateKey();
            Expect("private key", answer.Get("privateKey"), Hex.Encode(privateKey.SecretForTests));
            using var parsed = ExtendedPrivateKey.Parse(answer.Get("xprv"));
            Expect("our re-serialization of ethers' xprv", answer.Get("xprv"), parsed.ToBase58());
            Expect("our re-serialization of ethers' xpub", answer.Get("xpub"), ExtendedPublicKey.Parse(answer.Get("xpub")).ToBase58());
            if (input.path.Depth == 5 && input.path.Indices.Take(4).SequenceEqual(HdPath.EthereumAccounts.Indices))
            {
                using var account = wallet.DeriveAccount((int)input.path.Indices[4]);
                Expect("DeriveAccount address", answer.Get("address"), account.Address.ToString());
            }
        });
    }

    [Fact]
    public void ExtendedPublicKey_RandomNormalPaths_DeriveLikeEthers()
    {
        Run("wallet-xpub", HdCases / 2, inputs =>
        {
            using var master = ExtendedPrivateKey.FromSeed(inputs.Bytes(inputs.Random.Next(16, 65)));
            using var parent = master.Derive(RandomPath(inputs, hardenedShare: 2, maxDepth: 3));
            var xpub = parent.ToExtendedPublicKey().ToBase58();
            var path = RandomPath(inputs, hardenedShare: 0, maxDepth: 4, minDepth: 1);
            var relative = path.ToString()[2..];
            return (new JsonObject { ["op"] = "hdPublic", ["xpub"] = xpub, ["path"] = relative }, (xpub, path));
        }, (input, answer) =>
        {
            var child = ExtendedPublicKey.Parse(input.xpub).Derive(input.path);
            Expect("xpub", answer.Get("xpub"), child.ToBase58());
            Expect("address", answer.Get("address"), child.Address.ToString());
        });
    }

    [Fact]
    public void Keystore_EthersScryptKeystores_DecryptLikeEthers()
    {
        Run("wallet-keystore-read", ScryptCases, inputs =>
        {
            var key = inputs.Key();
            var (n, r, p) = ScryptCost(inputs);
            var password = Password(inputs, 16);
            var request = new JsonObject
            {
                ["op"] = "keystoreEncrypt",
                ["key"] = Hex.Encode(key.SecretForTests),
                ["password"] = password,
                ["n"] = n,
                ["r"] = r,
                ["p"] = p,
                ["salt"] = Hex.Encode(inputs.Bytes(inputs.Random.Next(1, 40))),
                ["iv"] = Hex.Encode(inputs.Bytes(16)),
            };
            return (request, (key, password, wrong: inputs.Random.Next(4) == 0 ? Password(inputs, 16) : null));
        }, (input, answer) =>
        {
            using var key = input.key;
            var json = answer.Get("json");
            if (input.wrong is { } wrong && wrong != input.password)
            {
                var outcome = "opened";
                try
                {
                    Keystore.Decrypt(json, wrong).Dispose();
                }
                catch (KeystorePasswordException)
                {
                    outcome = "wrong password";
                }

                Expect("wrong-password outcome", "wrong password", outcome);
                return;
            }

            using var decrypted = Keystore.Decrypt(json, input.password);
            Expect("private key", Hex.Encode(key.SecretForTests), Hex.Encode(decrypted.SecretForTests));
        });
    }

    [Fact]
    public void Keystore_OurScryptKeystores_EthersDecryptsAndAgreesByteForByte()
    {
        var ours = new List<(string Json, string Password, string Key, string Address, bool Wrong)>();
        Run("wallet-keystore-write", ScryptCases, inputs =>
        {
            using var key = inputs.Key();
            var (n, r, p) = ScryptCost(inputs);
            var password = Password(inputs, 16);
            var salt = inputs.Bytes(32);
            var iv = inputs.Bytes(16);
            var json = Keystore.Encrypt(key, password, new ScryptParameters(n, r, p), salt, iv, Guid.NewGuid());
            ours.Add((json, password, Hex.Encode(key.SecretForTests), key.Address.ToString(), false));
            var request = new JsonObject
            {
                ["op"] = "keystoreEncrypt",
                ["key"] = Hex.Encode(key.SecretForTests),
                ["password"] = password,
                ["n"] = n,
                ["r"] = r,
                ["p"] = p,
                ["salt"] = Hex.Encode(salt),
                ["iv"] = Hex.Encode(iv),
            };
            return (request, json);
        }, (json, answer) =>
        {
            // Same key, password, salt and IV: the encrypted fields must be identical.
            var theirs = JsonNode.Parse(answer.Get("json"))!;
            var mine = JsonNode.Parse(json)!;
            Expect("address field", theirs["address"]!.GetValue<string>(), mine["address"]!.GetValue<string>());
            foreach (var field in new[] { "ciphertext", "mac" })
            {
                Expect(field, theirs["Crypto"]![field]!.GetValue<string>(), mine["crypto"]![field]!.GetValue<string>());
            }
        });

        Run("wallet-keystore-write-open", ours.Count, inputs =>
        {
            var (json, password, key, address, _) = ours[inputs.Random.Next(ours.Count)];
            var wrong = inputs.Random.Next(4) == 0;
            var tried = wrong ? password + "x" : password;
            return (new JsonObject { ["op"] = "keystoreDecrypt", ["json"] = json, ["password"] = tried }, (key, address, wrong));
        }, (input, answer) =>
        {
            if (input.wrong)
            {
                Expect("ethers on a wrong password", true, answer.Error?.Contains("incorrect password", StringComparison.Ordinal) == true);
                return;
            }

            Expect("private key", input.key, answer.Get("privateKey"));
            Expect("address", input.address, answer.Get("address"));
        });
    }

    [Fact]
    public void Keystore_LightProfile_RoundTripsWithEthers()
    {
        using var key = PrivateKey.Generate();
        const string password = "light ☕ profile";
        var json = Keystore.Encrypt(key, password, ScryptParameters.Light);

        var answer = oracle.Ask([new JsonObject { ["op"] = "keystoreDecrypt", ["json"] = json, ["password"] = password }])[0];

        answer.Get("privateKey").Should().Be(Hex.Encode(key.SecretForTests));
        JsonNode.Parse(json)!["crypto"]!["kdfparams"]!["n"]!.GetValue<int>().Should().Be(4096);
    }

    [Fact]
    public void Keystore_ScryptBeyondRfc7914Limit_EthersRefusesWeReadLikeGeth()
    {
        // r = 1 with N >= 2^16 breaks RFC 7914's N < 2^(16 r). ethers (and BouncyCastle's public API) refuse it; geth
        // does not, and the Web3 Secret Storage scrypt vector uses it (N = 2^18, r = 1), so we read it but never write it.
        using var key = PrivateKey.Generate();
        const string password = "r=1 Å";
        var json = Keystore.Encrypt(key, password, new ScryptParameters(1 << 16, 1, 1), new byte[32], new byte[16], Guid.NewGuid());

        var answer = oracle.Ask([new JsonObject { ["op"] = "keystoreDecrypt", ["json"] = json, ["password"] = password }])[0];

        answer.Error.Should().Contain("N must be");
        using var decrypted = Keystore.Decrypt(json, password);
        decrypted.Address.Should().Be(key.Address);
        var write = () => Keystore.Encrypt(key, password, new ScryptParameters(1 << 16, 1, 1));
        write.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*RFC 7914*");
    }

    [Fact]
    public void Keystore_Pbkdf2Keystores_DecryptLikeEthers()
    {
        Run("wallet-keystore-pbkdf2", Pbkdf2Cases, inputs =>
        {
            var key = inputs.Key();
            var password = Password(inputs, 16);
            var request = new JsonObject
            {
                ["op"] = "keystorePbkdf2",
                ["key"] = Hex.Encode(key.SecretForTests),
                ["password"] = password,
                ["c"] = inputs.Random.Next(1, 2000),
                ["salt"] = Hex.Encode(inputs.Bytes(inputs.Random.Next(1, 40))),
                ["iv"] = Hex.Encode(inputs.Bytes(16)),
            };
            return (request, (key, password));
        }, (input, answer) =>
        {
            using var key = input.key;
            Expect("ethers' own decryption", Hex.Encode(key.SecretForTests), answer.Get("privateKey"));
            using var decrypted = Keystore.Decrypt(answer.Get("json"), input.password);
            Expect("private key", Hex.Encode(key.SecretForTests), Hex.Encode(decrypted.SecretForTests));
        });
    }

    private static byte[] Normalize(string text, string form) =>
        form == "NFKC" ? UnicodeNormalization.ToNfkcUtf8(text, nameof(text)) : UnicodeNormalization.ToNfkdUtf8(text, nameof(text));

    private static (int N, int R, int P) ScryptCost(RandomInputs inputs) =>
        (1 << inputs.Random.Next(1, 11), inputs.Random.Next(1, 9), inputs.Random.Next(1, 3));

    private static string Password(RandomInputs inputs, int maxLength)
    {
        var builder = new StringBuilder();
        var length = inputs.Random.Next(0, maxLength + 1);
        for (var i = 0; i < length; i++)
        {
            builder.Append(inputs.Random.Next(2) == 0
                ? PasswordAlphabet[inputs.Random.Next(PasswordAlphabet.Length)]
                : ((char)inputs.Random.Next(0x20, 0x7f)).ToString());
        }

        return builder.ToString();
    }

    private static HdPath RandomPath(RandomInputs inputs, int hardenedShare, int maxDepth = 6, int minDepth = 0)
    {
        uint[] edges = [0, 1, 2, 44, 60, 0x7FFF_FFFE, 0x7FFF_FFFF];
        var path = HdPath.Master;
        var depth = inputs.Random.Next(minDepth, maxDepth + 1);
        for (var i = 0; i < depth; i++)
        {
            var index = inputs.Random.Next(3) == 0 ? edges[inputs.Random.Next(edges.Length)] : (uint)inputs.Random.Next(0, int.MaxValue);
            var hardened = hardenedShare > 0 && inputs.Random.Next(hardenedShare) == 0;
            path = path.Append(hardened ? index | HdPath.HardenedBit : index);
        }

        return path;
    }

    // Half the phrases stay valid; the others get a changed word or two swapped words (checksum failures, mostly).
    private static string Corrupt(RandomInputs inputs, string phrase)
    {
        var words = phrase.Split(' ');
        switch (inputs.Random.Next(4))
        {
            case 0:
                words[inputs.Random.Next(words.Length)] = Bip39WordList.English[inputs.Random.Next(Bip39WordList.Count)];
                break;
            case 1:
                var (a, b) = (inputs.Random.Next(words.Length), inputs.Random.Next(words.Length));
                (words[a], words[b]) = (words[b], words[a]);
                break;
        }

        return string.Join(' ', words);
    }

    private void Run<TInput>(string category, int count, Func<RandomInputs, (JsonObject Request, TInput Input)> generate, Action<TInput, OracleAnswer> compare) =>
        new DifferentialRun(oracle, output).Run(category, count, seed => new RandomInputs(seed), generate, compare);
}
