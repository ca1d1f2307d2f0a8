using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Nethereum.Model;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Nethereum.Util;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Wallets;

namespace TcrToolkit.Nethereum.Tests;

/// <summary>
/// Values cross between TcrToolkit and Nethereum unchanged: addresses and their EIP-55 checksums, 256-bit integers,
/// Keccak-256, secp256k1 signatures, signed EIP-1559 transactions, EIP-712 typed data signatures and keystore files
/// written by either side. Inputs are generated from a printed seed.
/// </summary>
public sealed class ValueRoundTripTests
{
    private const int Seed = 20261203;
    private const string Password = "correct horse battery staple";

    [Fact]
    public void Address_ChecksumsAndParsing_AgreeBothWays()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[20];
            random.NextBytes(bytes);
            var ours = Address.Parse(Hex.Encode(bytes));
            var theirs = new AddressUtil().ConvertToChecksumAddress(bytes);

            ours.ToString().Should().Be(theirs, $"seed {Seed}, address {i}");
            Address.Parse(theirs).Should().Be(ours);
            new AddressUtil().IsChecksumAddress(ours.ToString()).Should().BeTrue();
        }
    }

    [Fact]
    public void UInt256_ThroughBigIntegerAndHexBigInteger_RoundTrips()
    {
        var random = new Random(Seed);
        UInt256[] edges = [UInt256.Zero, UInt256.One, (UInt256)ulong.MaxValue, UInt256.MaxValue];
        foreach (var value in edges.Concat(Enumerable.Range(0, 200).Select(_ => RandomUInt256(random))))
        {
            BigInteger big = value;
            var hex = new HexBigInteger(big);

            ((UInt256)new HexBigInteger(hex.HexValue).Value).Should().Be(value, $"seed {Seed}");
            hex.HexValue.Should().Be(value.IsZero ? "0x0" : "0x" + big.ToString("x").TrimStart('0'));
        }
    }

    [Fact]
    public void Keccak256_OfRandomInputs_MatchesNethereum()
    {
        var random = new Random(Seed);
        foreach (var length in new[] { 0, 1, 31, 32, 135, 136, 137, 1000 })
        {
            var input = new byte[length];
            random.NextBytes(input);
            Keccak256.Hash(input).ToArray().Should().Equal(new Sha3Keccack().CalculateHash(input), $"seed {Seed}, length {length}");
        }
    }

    [Fact]
    public void Eip1559Transaction_SignedBothWays_HasTheSameBytes()
    {
        using var key = PrivateKey.Generate();
        var to = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        var ours = new Eip1559Transaction
        {
            ChainId = 31337, Nonce = 7, GasLimit = 210_000, MaxFeePerGas = 3_000_000_000UL, MaxPriorityFeePerGas = 1_000_000_000UL,
            To = to, Value = EthUnits.ParseEther("1.5"), Data = Hex.Decode("0xa9059cbb00000000000000000000000000000000000000000000000000000000000000ff"),
        }.Sign(key);
        var theirs = new Transaction1559(31337, 7, 1_000_000_000, 3_000_000_000, 210_000, to.ToString(), (BigInteger)EthUnits.ParseEther("1.5"),
            "0xa9059cbb00000000000000000000000000000000000000000000000000000000000000ff", []);

        var signed = new Transaction1559Signer().SignTransaction(key.ToEthECKey(), theirs);

        Hex.Decode(signed.StartsWith("0x", StringComparison.Ordinal) ? signed : "0x" + signed).Should().Equal(ours.RawBytes.ToArray());
    }

    [Fact]
    public void Signature_FromNethereumKey_IsTheToolkitsAndConvertsBack()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.HashUtf8("mail server");

        var theirs = key.ToEthECKey().SignAndCalculateYParityV(hash.ToArray());

        NethereumSigners.ToSignature(theirs).Should().Be(key.Sign(hash));
        using var back = key.ToEthECKey().ToPrivateKey();
        back.Address.Should().Be(key.Address);
    }

    [Fact]
    public void TypedData_SignedBothWays_GivesTheSameSignature()
    {
        const string Json = """
        {
          "types": {
            "EIP712Domain": [
              { "name": "name", "type": "string" }, { "name": "version", "type": "string" },
              { "name": "chainId", "type": "uint256" }, { "name": "verifyingContract", "type": "address" }
            ],
            "Permit": [
              { "name": "owner", "type": "address" }, { "name": "spender", "type": "address" },
              { "name": "value", "type": "uint256" }, { "name": "nonce", "type": "uint256" }, { "name": "deadline", "type": "uint256" }
            ]
          },
          "primaryType": "Permit",
          "domain": { "name": "Mail Server Token", "version": "1", "chainId": 31337, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
          "message": {
            "owner": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "spender": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB",
            "value": "100000000000000000000", "nonce": "0", "deadline": "1893456000"
          }
        }
        """;
        using var key = PrivateKey.Generate();

        var theirs = new Eip712TypedDataSigner().SignTypedDataV4(Json, key.ToEthECKey());
        var ours = TypedData.Parse(Json).Sign(key);

        theirs.Should().Be(ours.ToString());
    }

    [Fact]
    public void Keystore_WrittenByNethereumWithScrypt_OpensInTheToolkit()
    {
        using var key = PrivateKey.Generate();
        var secret = Secret(key);
        var json = new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(
            Password, secret, key.Address.ToString(), new ScryptParams { Dklen = 32, N = 1 << 12, R = 8, P = 1 });

        using var opened = Keystore.Decrypt(json, Password);

        opened.Address.Should().Be(key.Address);
    }

    [Fact]
    public void Keystore_WrittenByNethereumWithPbkdf2_OpensInTheToolkit()
    {
        using var key = PrivateKey.Generate();
        var json = new KeyStorePbkdf2Service().EncryptAndGenerateKeyStoreAsJson(
            Password, Secret(key), key.Address.ToString(), new Pbkdf2Params { Dklen = 32, Count = 4096, Prf = "hmac-sha256" });

        using var opened = Keystore.Decrypt(json, Password);

        opened.Address.Should().Be(key.Address);
    }

    [Fact]
    public void Keystore_WrittenByTheToolkit_OpensInNethereum()
    {
        using var key = PrivateKey.Generate();
        var json = Keystore.Encrypt(key, Password, ScryptParameters.Light);

        var secret = new KeyStoreService().DecryptKeyStoreFromJson(Password, json);

        new EthECKey(secret, true).GetPublicAddress().Should().Be(key.Address.ToString());
        new KeyStoreService().GetAddressFromKeyStore(json).Should().BeEquivalentTo(key.Address.ToLowerHex()[2..]);
    }

    [Fact]
    public void Keystore_WrittenByTheToolkitWithPbkdf2_OpensInNethereum()
    {
        using var key = PrivateKey.Generate();
        var json = Keystore.EncryptPbkdf2(key, Password, iterations: 4096);

        var secret = new KeyStoreService().DecryptKeyStoreFromJson(Password, json);

        new EthECKey(secret, true).GetPublicAddress().Should().Be(key.Address.ToString());
        using var again = Keystore.Decrypt(json, Password);
        again.Address.Should().Be(key.Address);
    }

    private static byte[] Secret(PrivateKey key)
    {
        var secret = new byte[PrivateKey.Size];
        key.ExportSecret(secret);
        return secret;
    }

    private static UInt256 RandomUInt256(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes.AsSpan(0, random.Next(32)).Clear(); // all magnitudes, not only 256-bit ones
        return UInt256.FromBigEndian(bytes);
    }
}
