namespace TcrToolkit.Ethereum.Tests;

public sealed class AddressTests
{
    // The examples from the EIP-55 specification.
    [Theory]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0x8617E340B3D01FA5F11F306F4090FD50E238070D")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    [InlineData("0x27b1fdb04752bbc536007a920d24acb045561c26")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void ToString_Eip55Examples_ProducesSpecifiedChecksum(string checksummed)
    {
        var address = Address.Parse(checksummed);
        address.ToString().Should().Be(checksummed);
        Address.Parse(checksummed.ToLowerInvariant()).Should().Be(address);
        Address.Parse("0x" + checksummed[2..].ToUpperInvariant()).Should().Be(address);
    }

    [Fact]
    public void Parse_MixedCaseWithWrongChecksum_ThrowsWithPosition()
    {
        // The EIP-55 example with the case of its first letter flipped.
        var act = () => Address.Parse("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        act.Should().Throw<AddressFormatException>().WithMessage("*invalid EIP-55 checksum*position 3*")
            .Which.Position.Should().Be(3);
    }

    [Theory]
    [InlineData("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "must start with '0x'")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", "got 38 digits")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", "got 42 digits")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "'g' at position 41")]
    [InlineData("", "must start with '0x'")]
    [InlineData("0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "must start with '0x'")]
    public void Parse_Malformed_ThrowsAddressFormatException(string text, string expected)
    {
        var act = () => Address.Parse(text);
        act.Should().Throw<AddressFormatException>().WithMessage($"*{expected}*");
        Address.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void ToBytes32_LeftPadsWithZeros()
    {
        var address = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        address.ToBytes32().ToString().Should().Be("0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    }

    [Fact]
    public void TryFormat_WritesChecksummedTextWithoutAllocating()
    {
        var address = Address.Parse("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
        Span<char> buffer = stackalloc char[42];
        _ = address.TryFormat(buffer, out _, default, null); // warm up the thread's digest
        var before = GC.GetAllocatedBytesForCurrentThread();
        var formatted = address.TryFormat(buffer, out var written, default, null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        formatted.Should().BeTrue();
        written.Should().Be(42);
        new string(buffer).Should().Be("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
        allocated.Should().Be(0);
    }

    [Fact]
    public void Equality_SameBytes_AreEqual()
    {
        var a = Address.Parse("0xde709f2102306220921060314715629080e2fb77");
        var b = new Address(a.ToArray());
        (a == b).Should().BeTrue();
        a.GetHashCode().Should().Be(b.GetHashCode());
        (a != Address.Zero).Should().BeTrue();
        Address.Zero.ToString().Should().Be("0x0000000000000000000000000000000000000000");
    }

    [Fact]
    public void Constructor_WrongLength_Throws()
    {
        var act = () => new Address(new byte[19]);
        act.Should().Throw<ArgumentException>().WithMessage("*exactly 20 bytes; got 19*");
    }
}
