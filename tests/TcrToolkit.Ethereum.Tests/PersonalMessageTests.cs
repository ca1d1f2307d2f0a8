namespace TcrToolkit.Ethereum.Tests;

public sealed class PersonalMessageTests
{
    [Theory]
    [InlineData("hello world", "0xd9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68")]
    [InlineData("", "0x5f35dce98ba4fba25530a026ed80b2cecdaa31091ba4958b99b52ea1d068adad")]
    public void Hash_KnownMessages_MatchEip191Digest(string message, string expected)
    {
        PersonalMessage.Hash(message).ToString().Should().Be(expected);
    }

    [Fact]
    public void Hash_LongMessage_UsesDecimalLength()
    {
        var message = new byte[1234];
        var expected = Keccak256.Hash([.. "\u0019Ethereum Signed Message:\n1234"u8, .. message]);
        PersonalMessage.Hash(message).Should().Be(expected);
    }

    [Fact]
    public void SignAndRecover_RoundTrips()
    {
        using var key = PrivateKey.Generate();
        var signature = PersonalMessage.Sign(key, "I own this node key");
        PersonalMessage.RecoverAddress("I own this node key", signature).Should().Be(key.Address);
        PersonalMessage.RecoverAddress("I own another node key", signature).Should().NotBe(key.Address);
        var bytesSignature = PersonalMessage.Sign(key, "abc"u8);
        PersonalMessage.RecoverAddress("abc"u8, bytesSignature).Should().Be(key.Address);
    }
}
