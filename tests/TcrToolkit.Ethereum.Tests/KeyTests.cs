namespace TcrToolkit.Ethereum.Tests;

public sealed class KeyTests
{
    private const string HardhatKey0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private const string GroupOrderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    [Theory]
    [InlineData(HardhatKey0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")]
    [InlineData("0x4646464646464646464646464646464646464646464646464646464646464646", "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")]
    [InlineData("4646464646464646464646464646464646464646464646464646464646464646", "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")]
    public void Address_KnownKeys_MatchPublishedAddresses(string keyHex, string address)
    {
        using var key = PrivateKey.ParseHex(keyHex);
        key.Address.ToString().Should().Be(address);
    }

    // discv5 wire test vectors: node A and node B private keys and node ids.
    [Theory]
    [InlineData("0xeef77acb6c6a6eebc5b363a475ac583ec7eccdb42b6481424c60f59aa326547f", "0xaaaa8419e9f49d0083561b48287df592939a8d19947d8c0ef88f2a4856a69fbb")]
    [InlineData("0x66fb62bfbd66b9177a138c1e5cddbe4f7c30c343e94e68df8769459cb1cde628", "0xbbbb9d047f0488c0b5a93c1c3f2d8bafc7c8ff337024a55434a0d0555de64db9")]
    public void NodeId_Discv5Vectors_SameFromEveryPublicKeyForm(string keyHex, string nodeId)
    {
        using var key = PrivateKey.ParseHex(keyHex);
        var publicKey = key.PublicKey;
        publicKey.NodeId.ToString().Should().Be(nodeId);
        PublicKey.ComputeNodeId(publicKey.ToCompressedBytes()).ToString().Should().Be(nodeId);
        PublicKey.ComputeNodeId(publicKey.ToUncompressedBytes()).ToString().Should().Be(nodeId);
        PublicKey.ComputeNodeId(publicKey.ToRawBytes()).ToString().Should().Be(nodeId);
    }

    [Fact]
    public void PublicKey_FromCompressed_EqualsUncompressed()
    {
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var fromCompressed = PublicKey.FromBytes(key.PublicKey.ToCompressedBytes());
        fromCompressed.Should().Be(key.PublicKey);
        fromCompressed.Address.Should().Be(key.Address);
        PublicKey.Parse(key.PublicKey.ToString()).Should().Be(key.PublicKey);
        key.PublicKey.ToUncompressedBytes().Should().HaveCount(65).And.StartWith(new byte[] { 0x04 });
    }

    [Theory]
    [InlineData("0x0102", "got 2")]
    [InlineData("0x05" + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "starts with 0x02 or 0x03")]
    [InlineData("0x05" + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8", "starts with 0x04")]
    [InlineData("0x04" + "0000000000000000000000000000000000000000000000000000000000000001" + "0000000000000000000000000000000000000000000000000000000000000001", "not a point on the secp256k1 curve")]
    public void PublicKey_Malformed_ThrowsKeyFormatException(string hex, string expected)
    {
        var act = () => PublicKey.Parse(hex);
        act.Should().Throw<KeyFormatException>().WithMessage($"*{expected}*");
    }

    [Theory]
    [InlineData("0x00", "32 bytes")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000", "zero or not below")]
    [InlineData("0x" + GroupOrderHex, "zero or not below")]
    [InlineData("0xzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "not valid hex: Invalid hex digit 'z' at position 2")]
    [InlineData("0x123", "not valid hex")]
    public void PrivateKey_Invalid_ThrowsWithoutEchoingInput(string hex, string expected)
    {
        var act = () => PrivateKey.ParseHex(hex);
        var error = act.Should().Throw<KeyFormatException>().WithMessage($"*{expected}*").Which;
        if (hex.Length > 6)
        {
            error.ToString().Should().NotContainEquivalentOf(hex[2..]);
        }
    }

    [Fact]
    public void PrivateKey_OneDigitTooShort_MessageDoesNotContainKeyDigits()
    {
        var almost = HardhatKey0[..^1];
        var act = () => PrivateKey.ParseHex(almost);
        var error = act.Should().Throw<KeyFormatException>().Which;
        error.ToString().Should().NotContainEquivalentOf(almost[2..12]);
    }

    [Fact]
    public void ToString_NeverRevealsSecret()
    {
        using var key = PrivateKey.ParseHex(HardhatKey0);
        var text = key.ToString();
        text.Should().NotContainEquivalentOf(HardhatKey0[2..]);
        text.Should().NotContainEquivalentOf(HardhatKey0[2..10]);
        text.Should().Be("PrivateKey(address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266)");
        $"{key}".Should().Be(text);
    }

    [Fact]
    public void Dispose_ZeroesSecretAndBlocksUse()
    {
        var key = PrivateKey.ParseHex(HardhatKey0);
        key.SecretForTests.ToArray().Should().Contain(b => b != 0);
        key.Dispose();
        key.SecretForTests.ToArray().Should().OnlyContain(b => b == 0);
        key.ToString().Should().Be("PrivateKey(disposed)");
        var sign = () => key.Sign(new byte[32]);
        sign.Should().Throw<ObjectDisposedException>();
        var export = () => key.ExportSecret(new byte[32]);
        export.Should().Throw<ObjectDisposedException>();
        key.Dispose(); // idempotent
    }

    [Fact]
    public void ExportSecret_RoundTripsThroughFromBytes()
    {
        using var key = PrivateKey.Generate();
        var secret = new byte[32];
        key.ExportSecret(secret);
        using var copy = PrivateKey.FromBytes(secret);
        copy.Address.Should().Be(key.Address);
    }

    [Fact]
    public void Generate_ProducesDistinctValidKeys()
    {
        using var a = PrivateKey.Generate();
        using var b = PrivateKey.Generate();
        a.Address.Should().NotBe(b.Address);
    }
}
