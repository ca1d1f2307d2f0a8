using System.Text.Json.Nodes;
using TcrToolkit.Ethereum.Wallets;

namespace TcrToolkit.Ethereum.Tests.Wallets;

public sealed class KeystoreTests
{
    private const string Password = "testpassword";
    private const string Secret = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
    private const string VectorAddress = "008aeeda4d805471df9b2a5b0f38a0c3bcba786b";

    // The two test vectors of the Web3 Secret Storage Definition (ethereum/wiki, now ethereum.org).
    private const string Pbkdf2Vector = """
        {
            "crypto" : {
                "cipher" : "aes-128-ctr",
                "cipherparams" : { "iv" : "6087dab2f9fdbbfaddc31a909735c1e6" },
                "ciphertext" : "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
                "kdf" : "pbkdf2",
                "kdfparams" : {
                    "c" : 262144,
                    "dklen" : 32,
                    "prf" : "hmac-sha256",
                    "salt" : "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"
                },
                "mac" : "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
            },
            "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
            "version" : 3
        }
        """;

    private const string ScryptVector = """
        {
            "crypto" : {
                "cipher" : "aes-128-ctr",
                "cipherparams" : { "iv" : "83dbcc02d8ccb40e466191a123791e0e" },
                "ciphertext" : "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
                "kdf" : "scrypt",
                "kdfparams" : {
                    "dklen" : 32,
                    "n" : 262144,
                    "p" : 8,
                    "r" : 1,
                    "salt" : "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"
                },
                "mac" : "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
            },
            "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
            "version" : 3
        }
        """;

    private static readonly ScryptParameters Tiny = new(1 << 4, 8, 1);

    [Fact]
    public void Decrypt_Pbkdf2Vector_GivesPublishedKey()
    {
        using var key = Keystore.Decrypt(Pbkdf2Vector, Password);

        key.SecretForTests.ToArray().Should().Equal(Hex.Decode(Secret));
        key.Address.ToLowerHex().Should().Be("0x" + VectorAddress);
    }

    [Fact]
    public void Decrypt_ScryptVector_GivesPublishedKey()
    {
        using var key = Keystore.Decrypt(ScryptVector, Password);

        key.SecretForTests.ToArray().Should().Equal(Hex.Decode(Secret));
    }

    [Fact]
    public void Encrypt_ScryptVectorSaltAndIv_ReproducesPublishedCiphertextAndMac()
    {
        using var key = PrivateKey.ParseHex(Secret);
        var salt = Hex.Decode("ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19", HexPrefix.Forbidden);
        var iv = Hex.Decode("83dbcc02d8ccb40e466191a123791e0e", HexPrefix.Forbidden);

        var json = JsonNode.Parse(Keystore.Encrypt(key, Password, new ScryptParameters(262144, 1, 8), salt, iv, Guid.Parse("3198bc9c-6672-5ab3-d995-4942343ae5b6")))!;

        json["crypto"]!["ciphertext"]!.GetValue<string>().Should().Be("d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c");
        json["crypto"]!["mac"]!.GetValue<string>().Should().Be("2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097");
        json["address"]!.GetValue<string>().Should().Be(VectorAddress);
    }

    [Fact]
    public void Encrypt_ThenDecrypt_RoundTripsTheKey()
    {
        using var key = PrivateKey.Generate();

        var json = Keystore.Encrypt(key, "correct horse battery staple", Tiny);
        using var decrypted = Keystore.Decrypt(json, "correct horse battery staple");

        decrypted.SecretForTests.ToArray().Should().Equal(key.SecretForTests.ToArray());
    }

    [Fact]
    public void Encrypt_WritesGethLayout()
    {
        using var key = PrivateKey.Generate();

        var json = JsonNode.Parse(Keystore.Encrypt(key, "pw", Tiny))!.AsObject();

        json["version"]!.GetValue<int>().Should().Be(3);
        json["address"]!.GetValue<string>().Should().Be(key.Address.ToLowerHex()[2..]).And.MatchRegex("^[0-9a-f]{40}$");
        var id = Guid.Parse(json["id"]!.GetValue<string>());
        id.Version.Should().Be(4);
        json["id"]!.GetValue<string>().Should().Be(id.ToString("D"));
        var crypto = json["crypto"]!;
        crypto["cipher"]!.GetValue<string>().Should().Be("aes-128-ctr");
        crypto["kdf"]!.GetValue<string>().Should().Be("scrypt");
        crypto["kdfparams"]!["n"]!.GetValue<int>().Should().Be(16);
        crypto["kdfparams"]!["r"]!.GetValue<int>().Should().Be(8);
        crypto["kdfparams"]!["p"]!.GetValue<int>().Should().Be(1);
        crypto["kdfparams"]!["dklen"]!.GetValue<int>().Should().Be(32);
        crypto["kdfparams"]!["salt"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
        crypto["cipherparams"]!["iv"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{32}$");
        crypto["mac"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Encrypt_Twice_UsesFreshSaltIvAndId()
    {
        using var key = PrivateKey.Generate();

        var first = JsonNode.Parse(Keystore.Encrypt(key, "pw", Tiny))!;
        var second = JsonNode.Parse(Keystore.Encrypt(key, "pw", Tiny))!;

        second["id"]!.GetValue<string>().Should().NotBe(first["id"]!.GetValue<string>());
        second["crypto"]!["kdfparams"]!["salt"]!.GetValue<string>().Should().NotBe(first["crypto"]!["kdfparams"]!["salt"]!.GetValue<string>());
        second["crypto"]!["cipherparams"]!["iv"]!.GetValue<string>().Should().NotBe(first["crypto"]!["cipherparams"]!["iv"]!.GetValue<string>());
    }

    [Fact]
    public void Decrypt_WrongPassword_ThrowsPasswordExceptionWithoutEchoingIt()
    {
        using var key = PrivateKey.Generate();
        var json = Keystore.Encrypt(key, "the right one", Tiny);

        var act = () => Keystore.Decrypt(json, "hunter2-wrong");

        act.Should().Throw<KeystorePasswordException>()
            .WithMessage("The password is wrong*")
            .Which.Message.Should().NotContain("hunter2");
    }

    [Fact]
    public void Decrypt_ComposedAndDecomposedPassword_OpenTheSameKeystore()
    {
        using var key = PrivateKey.Generate();
        var json = Keystore.Encrypt(key, "caf\u00e9 \uff21", Tiny); // é precomposed, full-width A

        using var decrypted = Keystore.Decrypt(json, "cafe\u0301 A");

        decrypted.Address.Should().Be(key.Address);
    }

    [Fact]
    public void Decrypt_UppercaseCryptoAndPrefixedHex_AreAccepted()
    {
        var json = JsonNode.Parse(Pbkdf2Vector)!.AsObject();
        var crypto = json["crypto"]!;
        json.Remove("crypto");
        json["Crypto"] = crypto;
        crypto["mac"] = "0x" + crypto["mac"]!.GetValue<string>();
        json["address"] = "0x" + VectorAddress;

        using var key = Keystore.Decrypt(json.ToJsonString(), Password);

        key.Address.ToLowerHex().Should().Be("0x" + VectorAddress);
    }

    [Fact]
    public void Decrypt_AddressFieldOfAnotherKey_ThrowsFormatException()
    {
        var json = JsonNode.Parse(Pbkdf2Vector)!.AsObject();
        json["address"] = "0000000000000000000000000000000000000001";

        var act = () => Keystore.Decrypt(json.ToJsonString(), Password);

        act.Should().Throw<KeystoreFormatException>().WithMessage("*address field*does not match*");
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "JSON object; got a JSON array")]
    [InlineData("""{"version":3}""", "no 'crypto' object")]
    [InlineData("""{"crypto":{}}""", "no 'version' field")]
    [InlineData("""{"version":"3","crypto":{}}""", "'version' must be a JSON number; got a JSON string")]
    [InlineData("""{"version":1,"crypto":{}}""", "version 1")]
    [InlineData("""{"version":3,"crypto":[]}""", "'crypto' must be a JSON object")]
    public void Decrypt_MalformedDocument_ThrowsFormatException(string json, string expected)
    {
        var act = () => Keystore.Decrypt(json, Password);

        act.Should().Throw<KeystoreFormatException>().WithMessage($"*{expected}*");
    }

    [Theory]
    [InlineData("cipher", "aes-128-cbc", "Unsupported cipher 'aes-128-cbc'")]
    [InlineData("kdf", "argon2", "Unsupported key derivation function 'argon2'")]
    [InlineData("kdfparams.prf", "hmac-sha512", "Unsupported PBKDF2 PRF 'hmac-sha512'")]
    [InlineData("kdfparams.c", 0, "crypto.kdfparams.c must be between 1")]
    [InlineData("kdfparams.c", 2.5, "'crypto.kdfparams.c' must be an integer")]
    [InlineData("kdfparams.dklen", 16, "dklen must be 32; got 16")]
    [InlineData("kdfparams.salt", "zz", "'crypto.kdfparams.salt' is not valid hex: Invalid hex digit 'z'")]
    [InlineData("cipherparams.iv", "00", "'crypto.cipherparams.iv' must be 16 bytes (32 hex digits); got 1 bytes")]
    [InlineData("cipherparams.iv", "abc", "'crypto.cipherparams.iv' is not valid hex: Hex text has an odd number of digits")]
    [InlineData("ciphertext", "00ff", "'crypto.ciphertext' must be 32 bytes")]
    [InlineData("mac", "", "'crypto.mac' must be 32 bytes")]
    [InlineData("mac", 5, "'crypto.mac' must be a JSON string; got a JSON number")]
    [InlineData("cipherparams", "x", "'crypto.cipherparams' must be a JSON object")]
    public void Decrypt_BadPbkdf2Field_ThrowsFormatExceptionNamingIt(string path, object value, string expected)
    {
        var json = WithField(Pbkdf2Vector, path, value);

        var act = () => Keystore.Decrypt(json, Password);

        act.Should().Throw<KeystoreFormatException>().WithMessage($"*{expected}*");
    }

    [Theory]
    [InlineData("kdfparams.n", 1000, "must be a power of two")]
    [InlineData("kdfparams.n", 1, "must be a power of two")]
    [InlineData("kdfparams.r", 0, "Unusable scrypt parameters")]
    [InlineData("kdfparams.p", -1, "Unusable scrypt parameters")]
    [InlineData("kdfparams.n", 1 << 30, "more than 1 GiB")]
    public void Decrypt_BadScryptParameters_ThrowsFormatException(string path, object value, string expected)
    {
        var json = WithField(ScryptVector, path, value);

        var act = () => Keystore.Decrypt(json, Password);

        act.Should().Throw<KeystoreFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Decrypt_MissingField_NamesThePath()
    {
        var json = JsonNode.Parse(ScryptVector)!;
        json["crypto"]!["kdfparams"]!.AsObject().Remove("salt");

        var act = () => Keystore.Decrypt(json.ToJsonString(), Password);

        act.Should().Throw<KeystoreFormatException>().WithMessage("The keystore has no 'crypto.kdfparams.salt' field.");
    }

    [Fact]
    public void Encrypt_DefaultScryptParameters_IsRejected()
    {
        using var key = PrivateKey.Generate();

        var act = () => Keystore.Encrypt(key, "pw", default(ScryptParameters));

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Encrypt_UnpairedSurrogateInPassword_Throws()
    {
        using var key = PrivateKey.Generate();

        var act = () => Keystore.Encrypt(key, "ab\ud800", Tiny);

        act.Should().Throw<ArgumentException>().WithMessage("*unpaired UTF-16 surrogate at position 2*");
    }

    [Fact]
    public void ScryptParameters_Profiles_MatchEthersAndGeth()
    {
        ScryptParameters.Standard.Should().Be(new ScryptParameters(1 << 17, 8, 1));
        ScryptParameters.Light.Should().Be(new ScryptParameters(1 << 12, 8, 6));
    }

    [Theory]
    [InlineData(0, 8, 1)]
    [InlineData(3, 8, 1)]
    [InlineData(16, 0, 1)]
    [InlineData(16, 8, 0)]
    [InlineData(1 << 24, 128, 1)]
    [InlineData(16, 8, 1 << 20)]
    public void ScryptParameters_Invalid_Throw(int n, int r, int p)
    {
        var act = () => new ScryptParameters(n, r, p);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static string WithField(string json, string path, object value)
    {
        var node = JsonNode.Parse(json)!["crypto"]!;
        var parts = path.Split('.');
        foreach (var part in parts[..^1])
        {
            node = node[part]!;
        }

        node[parts[^1]] = value switch
        {
            string s => JsonValue.Create(s),
            int i => JsonValue.Create(i),
            double d => JsonValue.Create(d),
            _ => throw new ArgumentException("Unsupported value.", nameof(value)),
        };
        return node.Root.ToJsonString();
    }
}
