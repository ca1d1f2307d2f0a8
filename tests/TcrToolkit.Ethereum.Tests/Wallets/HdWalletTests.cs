using TcrToolkit.Ethereum.Wallets;

namespace TcrToolkit.Ethereum.Tests.Wallets;

public sealed class HdWalletTests
{
    private const string HardhatMnemonic = "test test test test test test test test test test test junk";
    private const string Vector1Seed = "000102030405060708090a0b0c0d0e0f";
    private const string Vector2Seed = "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542";
    private const string Vector3Seed = "4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be";

    /// <summary>BIP-32 test vectors 1, 2 and 3 (leading zeros): seed, path, xpub, xprv at every listed chain.</summary>
    public static TheoryData<string, string, string, string> Bip32Vectors => new()
    {
        { Vector1Seed, "m", "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8", "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi" },
        { Vector1Seed, "m/0'", "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw", "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7" },
        { Vector1Seed, "m/0'/1", "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ", "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs" },
        { Vector1Seed, "m/0'/1/2'", "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5", "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM" },
        { Vector1Seed, "m/0'/1/2'/2", "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV", "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334" },
        { Vector1Seed, "m/0'/1/2'/2/1000000000", "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy", "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76" },
        { Vector2Seed, "m", "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB", "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U" },
        { Vector2Seed, "m/0", "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH", "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt" },
        { Vector2Seed, "m/0/2147483647'", "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a", "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9" },
        { Vector2Seed, "m/0/2147483647'/1", "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon", "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef" },
        { Vector2Seed, "m/0/2147483647'/1/2147483646'", "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL", "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc" },
        { Vector2Seed, "m/0/2147483647'/1/2147483646'/2", "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt", "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j" },
        { Vector3Seed, "m", "xpub661MyMwAqRbcEZVB4dScxMAdx6d4nFc9nvyvH3v4gJL378CSRZiYmhRoP7mBy6gSPSCYk6SzXPTf3ND1cZAceL7SfJ1Z3GC8vBgp2epUt13", "xprv9s21ZrQH143K25QhxbucbDDuQ4naNntJRi4KUfWT7xo4EKsHt2QJDu7KXp1A3u7Bi1j8ph3EGsZ9Xvz9dGuVrtHHs7pXeTzjuxBrCmmhgC6" },
        { Vector3Seed, "m/0'", "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y", "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L" },
    };

    /// <summary>BIP-32 test vector 5: serialized keys that must be rejected, with the reason the BIP gives.</summary>
    public static TheoryData<string, string> Bip32InvalidKeys => new()
    {
        { "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6LBpB85b3D2yc8sfvZU521AAwdZafEz7mnzBBsz4wKY5fTtTQBm", "starting with 0x02 or 0x03; got 0x00" }, // pubkey version / prvkey mismatch
        { "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFGTQQD3dC4H2D5GBj7vWvSQaaBv5cxi9gafk7NF3pnBju6dwKvH", "key field starts with 0x00; got 0x03" }, // prvkey version / pubkey mismatch
        { "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Txnt3siSujt9RCVYsx4qHZGc62TG4McvMGcAUjeuwZdduYEvFn", "got 0x04" }, // invalid pubkey prefix 04
        { "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFGpWnsj83BHtEy5Zt8CcDr1UiRXuWCmTQLxEK9vbz5gPstX92JQ", "got 0x04" }, // invalid prvkey prefix 04
        { "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6N8ZMMXctdiCjxTNq964yKkwrkBJJwpzZS4HS2fxvyYUA4q2Xe4", "got 0x01" }, // invalid pubkey prefix 01
        { "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFAzHGBP2UuGCqWLTAPLcMtD9y5gkZ6Eq3Rjuahrv17fEQ3Qen6J", "got 0x01" }, // invalid prvkey prefix 01
        { "xprv9s2SPatNQ9Vc6GTbVMFPFo7jsaZySyzk7L8n2uqKXJen3KUmvQNTuLh3fhZMBoG3G4ZW1N2kZuHEPY53qmbZzCHshoQnNf4GvELZfqTUrcv", "depth 0*parent fingerprint 0" },
        { "xpub661no6RGEX3uJkY4bNnPcw4URcQTrSibUZ4NqJEw5eBkv7ovTwgiT91XX27VbEXGENhYRCf7hyEbWrR3FewATdCEebj6znwMfQkhRYHRLpJ", "depth 0*parent fingerprint 0" },
        { "xprv9s21ZrQH4r4TsiLvyLXqM9P7k1K3EYhA1kkD6xuquB5i39AU8KF42acDyL3qsDbU9NmZn6MsGSUYZEsuoePmjzsB3eFKSUEh3Gu1N3cqVUN", "depth 0*child number 0" },
        { "xpub661MyMwAuDcm6CRQ5N4qiHKrJ39Xe1R1NyfouMKTTWcguwVcfrZJaNvhpebzGerh7gucBvzEQWRugZDuDXjNDRmXzSZe4c7mnTK97pTvGS8", "depth 0*child number 0" },
        { "DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHGMQzT7ayAmfo4z3gY5KfbrZWZ6St24UVf2Qgo6oujFktLHdHY4", "Unknown extended key version" },
        { "DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHPmHJiEDXkTiJTVV9rHEBUem2mwVbbNfvT2MTcAqj3nesx8uBf9", "Unknown extended key version" },
        { "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzF93Y5wvzdUayhgkkFoicQZcP3y52uPPxFnfoLZB21Teqt1VvEHx", "zero or not below the secp256k1 group order" }, // private key 0
        { "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFAzHGBP2UuGCqWLTAPLcMtD5SDKr24z3aiUvKr9bJpdrcLg1y3G", "zero or not below the secp256k1 group order" }, // private key n
        { "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Q5JXayek4PRsn35jii4veMimro1xefsM58PgBMrvdYre8QyULY", "not a point on secp256k1" }, // invalid pubkey 02…07
        { "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHL", "checksum does not match" },
    };

    [Theory]
    [MemberData(nameof(Bip32Vectors))]
    public void Derive_Bip32Vector_SerializesLikeTheBip(string seed, string path, string xpub, string xprv)
    {
        using var master = ExtendedPrivateKey.FromSeed(Convert.FromHexString(seed));

        using var key = master.Derive(path);

        key.ToBase58().Should().Be(xprv);
        key.ToExtendedPublicKey().ToBase58().Should().Be(xpub);
        key.Depth.Should().Be((byte)HdPath.Parse(path).Depth);
    }

    [Theory]
    [MemberData(nameof(Bip32Vectors))]
    public void Parse_Bip32Vector_RoundTrips(string seed, string path, string xpub, string xprv)
    {
        _ = (seed, path);
        using var parsed = ExtendedPrivateKey.Parse(xprv);

        parsed.ToBase58().Should().Be(xprv);
        ExtendedPublicKey.Parse(xpub).ToBase58().Should().Be(xpub);
        parsed.ToExtendedPublicKey().ToBase58().Should().Be(xpub);
    }

    [Theory]
    [MemberData(nameof(Bip32Vectors))]
    public void DerivePublic_NormalSteps_MatchPrivateDerivation(string seed, string path, string xpub, string xprv)
    {
        _ = (xprv, xpub);
        var indices = HdPath.Parse(path).Indices;
        var lastHardened = -1;
        for (var i = 0; i < indices.Count; i++)
        {
            if (indices[i] >= HdPath.HardenedBit)
            {
                lastHardened = i;
            }
        }

        using var master = ExtendedPrivateKey.FromSeed(Convert.FromHexString(seed));
        var prefix = HdPath.Master;
        foreach (var index in indices.Take(lastHardened + 1))
        {
            prefix = prefix.Append(index);
        }

        using var hardenedParent = master.Derive(prefix);
        var publicChild = hardenedParent.ToExtendedPublicKey();
        foreach (var index in indices.Skip(lastHardened + 1))
        {
            publicChild = publicChild.DeriveChild(index);
        }

        using var privateChild = master.Derive(path);
        publicChild.ToBase58().Should().Be(privateChild.ToExtendedPublicKey().ToBase58());
    }

    [Theory]
    [MemberData(nameof(Bip32InvalidKeys))]
    public void Parse_Bip32Vector5_RejectsWithReason(string text, string reason)
    {
        var asPrivate = () => ExtendedPrivateKey.Parse(text);
        var asPublic = () => ExtendedPublicKey.Parse(text);

        if (text.StartsWith("xpub", StringComparison.Ordinal))
        {
            asPublic.Should().Throw<ExtendedKeyFormatException>().WithMessage($"*{reason}*").Which.Message.Should().NotContain(text[4..]);
            asPrivate.Should().Throw<ExtendedKeyFormatException>();
        }
        else
        {
            asPrivate.Should().Throw<ExtendedKeyFormatException>().WithMessage($"*{reason}*").Which.Message.Should().NotContain(text[4..]);
            asPublic.Should().Throw<ExtendedKeyFormatException>();
        }
    }

    [Theory]
    [InlineData("", "decodes to 0 bytes")]
    [InlineData("xprv0", "Invalid Base58 character '0' at position 4")]
    [InlineData("xprvIl", "Invalid Base58 character 'I'")]
    [InlineData("111", "too short")]
    [InlineData("1111111111", "checksum does not match")]
    [InlineData("3QJmnh", "is 78 bytes before its checksum; this one is 0")]
    public void Parse_MalformedText_ThrowsFormatException(string text, string expected)
    {
        var act = () => ExtendedPrivateKey.Parse(text);

        act.Should().Throw<ExtendedKeyFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Parse_PublicKeyAsPrivate_SaysWhichParserToUse()
    {
        var act = () => ExtendedPrivateKey.Parse("xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8");

        act.Should().Throw<ExtendedKeyFormatException>().WithMessage("*ExtendedPublicKey.Parse*");
    }

    [Fact]
    public void DeriveAccount_HardhatMnemonic_GivesHardhatAccounts()
    {
        using var wallet = HdWallet.FromMnemonic(HardhatMnemonic);

        using var account0 = wallet.DeriveAccount(0);
        using var account1 = wallet.DeriveAccount(1);

        account0.Address.ToString().Should().Be("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        Hex.Encode(account0.SecretForTests).Should().Be("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        account1.Address.ToString().Should().Be("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    }

    [Fact]
    public void DeriveAccount_SameAsExplicitPath()
    {
        using var wallet = HdWallet.FromMnemonic(HardhatMnemonic);

        using var viaAccount = wallet.DeriveAccount(7);
        using var viaPath = wallet.Derive("m/44'/60'/0'/0/7");

        viaPath.Address.Should().Be(viaAccount.Address);
        HdPath.Ethereum(7).ToString().Should().Be("m/44'/60'/0'/0/7");
    }

    [Fact]
    public void DeriveAccount_Negative_Throws()
    {
        using var wallet = HdWallet.FromMnemonic(HardhatMnemonic);

        var act = () => wallet.DeriveAccount(-1);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void HdWallet_WithPassphrase_DiffersFromWithout()
    {
        using var plain = HdWallet.FromMnemonic(HardhatMnemonic);
        using var salted = HdWallet.FromMnemonic(HardhatMnemonic, "TREZOR");

        using var a = plain.DeriveAccount(0);
        using var b = salted.DeriveAccount(0);

        b.Address.Should().NotBe(a.Address);
    }

    [Fact]
    public void HdWallet_Disposed_ThrowsAndZeroesKeys()
    {
        var wallet = HdWallet.FromMnemonic(HardhatMnemonic);
        using var _ = wallet.DeriveAccount(0);

        wallet.Dispose();

        var act = () => wallet.DeriveAccount(0);
        act.Should().Throw<ObjectDisposedException>();
        wallet.ToString().Should().Be("HdWallet(disposed)");
    }

    [Fact]
    public void ToString_NeverRevealsKeyMaterial()
    {
        using var wallet = HdWallet.FromMnemonic(HardhatMnemonic);
        using var key = wallet.Derive(HdPath.Ethereum(0));
        var xprv = key.ToBase58();

        var texts = new[] { wallet.ToString(), key.ToString(), key.ToExtendedPublicKey().ToString() };

        texts.Should().AllSatisfy(t => t.Should().NotContain("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").And.NotContain(xprv[4..20]));
        key.ToString().Should().Be("ExtendedPrivateKey(depth 5, child 0, address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266)");
        wallet.ToString().Should().MatchRegex("^HdWallet\\(master fingerprint [0-9a-f]{8}\\)$");
    }

    [Fact]
    public void ExtendedPrivateKey_Disposed_Throws()
    {
        var key = ExtendedPrivateKey.FromSeed(Convert.FromHexString(Vector1Seed));
        key.Dispose();

        ((Action)(() => key.DeriveChild(0))).Should().Throw<ObjectDisposedException>();
        ((Action)(() => key.ToBase58())).Should().Throw<ObjectDisposedException>();
        key.ToString().Should().Be("ExtendedPrivateKey(disposed)");
    }

    [Fact]
    public void ExtendedPublicKey_HardenedChild_Throws()
    {
        using var master = ExtendedPrivateKey.FromSeed(Convert.FromHexString(Vector1Seed));

        var act = () => master.ToExtendedPublicKey().DeriveChild(HdPath.HardenedBit);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0' is hardened*");
    }

    [Theory]
    [InlineData(15)]
    [InlineData(65)]
    public void FromSeed_WrongLength_Throws(int length)
    {
        var act = () => ExtendedPrivateKey.FromSeed(new byte[length]);

        act.Should().Throw<ArgumentException>().WithMessage($"*16 to 64 bytes; got {length}*");
    }

    [Fact]
    public void DeriveChild_LeftHalfNotBelowOrder_ThrowsNamingIndexPerBip32()
    {
        using var master = ExtendedPrivateKey.FromSeed(Convert.FromHexString(Vector1Seed));
        var hmac = new byte[64];
        Hex.Decode("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").CopyTo(hmac, 0); // exactly n

        var asPrivate = () => master.DeriveChildFromHmacOutput(5, hmac);
        var asPublic = () => master.ToExtendedPublicKey().DeriveChildFromHmacOutput(5, hmac);

        asPrivate.Should().Throw<HdKeyDerivationException>().WithMessage("Child 5 is invalid*use the next index*").Which.Index.Should().Be(5u);
        asPublic.Should().Throw<HdKeyDerivationException>().Which.Index.Should().Be(5u);
    }

    [Fact]
    public void DeriveChild_ChildKeyZero_ThrowsPerBip32()
    {
        using var master = ExtendedPrivateKey.FromSeed(Convert.FromHexString(Vector1Seed));
        using var secret = master.ToPrivateKey();
        var n = Secp256k1.N;
        var k = new Org.BouncyCastle.Math.BigInteger(1, secret.SecretForTests.ToArray());
        var il = n.Subtract(k).ToByteArrayUnsigned(); // IL + k = n ≡ 0
        var hmac = new byte[64];
        il.CopyTo(hmac, 32 - il.Length);

        var asPrivate = () => master.DeriveChildFromHmacOutput(HdPath.HardenedBit | 3, hmac);
        var asPublic = () => master.ToExtendedPublicKey().DeriveChildFromHmacOutput(3, hmac);

        asPrivate.Should().Throw<HdKeyDerivationException>().WithMessage("Child 3' is invalid (the child key is zero*");
        asPublic.Should().Throw<HdKeyDerivationException>().WithMessage("*point at infinity*");
    }

    [Fact]
    public void FromHmacOutput_MasterKeyZero_ThrowsUseAnotherSeed()
    {
        var act = () => ExtendedPrivateKey.FromHmacOutput(new byte[64], 0, 0, 0, index: null);

        act.Should().Throw<HdKeyDerivationException>().WithMessage("*use another seed*").Which.Index.Should().BeNull();
    }

    [Theory]
    [InlineData("m", "m")]
    [InlineData("m/44'/60'/0'/0/0", "m/44'/60'/0'/0/0")]
    [InlineData("m/44h/60H/0'/0/2147483647", "m/44'/60'/0'/0/2147483647")]
    [InlineData("m/2147483647'", "m/2147483647'")]
    public void HdPath_Valid_ParsesAndFormats(string text, string formatted)
    {
        HdPath.Parse(text).ToString().Should().Be(formatted);
    }

    [Fact]
    public void HdPath_Indices_CarryHardenedBit()
    {
        HdPath.Parse("m/44'/60'/0'/0/5").Indices.Should().Equal(0x8000002Cu, 0x8000003Cu, 0x80000000u, 0u, 5u);
        HdPath.Parse("m/1/2").Should().Be(HdPath.Master.Append(1).Append(2));
    }

    [Theory]
    [InlineData("", "starts with 'm'", 0)]
    [InlineData("44'/60'", "starts with 'm'", 0)]
    [InlineData("M/0", "starts with 'm'", 0)]
    [InlineData("m0", "Expected '/' after 'm' at position 1", 1)]
    [InlineData("m/", "Level 1 of the path (position 2) has no index", 2)]
    [InlineData("m/0//1", "Level 2 of the path (position 4) has no index", 4)]
    [InlineData("m/0/", "Level 2", 4)]
    [InlineData("m/'", "has no index", 2)]
    [InlineData("m/44'/x", "Invalid character 'x' at position 6", 6)]
    [InlineData("m/-1", "Invalid character '-' at position 2", 2)]
    [InlineData("m/1''", "Invalid character ''' at position 3", 3)]
    [InlineData("m/ 1", "Invalid character ' ' at position 2", 2)]
    [InlineData("m/2147483648", "Index 2147483648 at position 2 is out of range", 2)]
    [InlineData("m/0/99999999999999999999'", "out of range", 4)]
    public void HdPath_Malformed_ThrowsWithPosition(string text, string expected, int position)
    {
        var act = () => HdPath.Parse(text);

        act.Should().Throw<HdPathFormatException>().WithMessage($"*{expected}*").Which.Position.Should().Be(position);
    }

    [Fact]
    public void HdPath_TooDeep_Throws()
    {
        var act = () => HdPath.Parse("m" + string.Concat(Enumerable.Repeat("/0", 256)));

        act.Should().Throw<HdPathFormatException>().WithMessage("*at most 255 levels*");
    }
}
