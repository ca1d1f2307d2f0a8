namespace TcrToolkit.Ethereum.Tests;

public sealed class HexTests
{
    [Theory]
    [InlineData("0x", new byte[0])]
    [InlineData("0x00", new byte[] { 0 })]
    [InlineData("0xdeadBEEF", new byte[] { 0xde, 0xad, 0xbe, 0xef })]
    public void Decode_ValidPrefixedText_ReturnsBytes(string text, byte[] expected)
    {
        Hex.Decode(text).Should().Equal(expected);
    }

    [Fact]
    public void Encode_Bytes_WritesLowerCaseWithPrefix()
    {
        Hex.Encode([0xde, 0xad, 0xbe, 0xef]).Should().Be("0xdeadbeef");
        Hex.Encode([0x0a], withPrefix: false).Should().Be("0a");
        Hex.Encode([]).Should().Be("0x");
    }

    [Fact]
    public void Encode_LargeInput_RoundTrips()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        Hex.Decode(Hex.Encode(bytes)).Should().Equal(bytes);
    }

    [Fact]
    public void Decode_OddLength_ThrowsNamingOddDigitCount()
    {
        var act = () => Hex.Decode("0xabc");
        act.Should().Throw<HexFormatException>().WithMessage("*odd number of digits (3)*")
            .Which.Position.Should().Be(4);
    }

    [Fact]
    public void Decode_BadDigit_ThrowsNamingCharacterAndPosition()
    {
        var act = () => Hex.Decode("0x12g4");
        var error = act.Should().Throw<HexFormatException>().WithMessage("Invalid hex digit 'g' at position 4.").Which;
        error.Position.Should().Be(4);
        error.Should().BeAssignableTo<FormatException>();
    }

    [Fact]
    public void Decode_NonPrintableDigit_DescribesCodePoint()
    {
        var act = () => Hex.Decode("0x1\u000023");
        act.Should().Throw<HexFormatException>().WithMessage("*U+0000 at position 3*");
    }

    [Fact]
    public void Decode_MissingPrefixWhereRequired_Throws()
    {
        var act = () => Hex.Decode("abcd");
        act.Should().Throw<HexFormatException>().WithMessage("*must start with '0x'*");
    }

    [Fact]
    public void Decode_UpperCasePrefix_Throws()
    {
        var act = () => Hex.Decode("0Xab", HexPrefix.Optional);
        act.Should().Throw<HexFormatException>().WithMessage("*lower-case '0x'*");
    }

    [Fact]
    public void Decode_PrefixWhereForbidden_Throws()
    {
        var act = () => Hex.Decode("0xab", HexPrefix.Forbidden);
        act.Should().Throw<HexFormatException>().WithMessage("*must not start with '0x'*");
    }

    [Fact]
    public void Decode_OptionalPrefix_AcceptsBoth()
    {
        Hex.Decode("ab", HexPrefix.Optional).Should().Equal(0xab);
        Hex.Decode("0xab", HexPrefix.Optional).Should().Equal(0xab);
    }

    [Fact]
    public void DecodeTo_Utf8Input_DecodesWithoutAllocatingResult()
    {
        Span<byte> destination = stackalloc byte[4];
        var written = Hex.DecodeTo("0x0102ff"u8, destination);
        written.Should().Be(3);
        destination[..3].ToArray().Should().Equal(1, 2, 0xff);
    }

    [Fact]
    public void DecodeTo_Utf8BadDigit_Throws()
    {
        var act = () => Hex.DecodeTo("0x0z"u8, new byte[1]);
        act.Should().Throw<HexFormatException>().WithMessage("*'z' at position 3*");
    }

    [Fact]
    public void DecodeTo_DestinationTooSmall_ThrowsArgumentException()
    {
        var act = () => Hex.DecodeTo("0x0102", new byte[1]);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void DecodeExact_WrongLength_Throws()
    {
        var act = () => Hex.DecodeExact("0x0102", new byte[3]);
        act.Should().Throw<HexFormatException>().WithMessage("Expected 3 bytes*holds 2 bytes*");
    }

    [Fact]
    public void EncodeToUtf8_WritesAscii()
    {
        Span<byte> destination = stackalloc byte[6];
        Hex.EncodeToUtf8([0xab, 0x01], destination).Should().Be(6);
        destination.ToArray().Should().Equal("0xab01"u8.ToArray());
    }

    [Theory]
    [InlineData("0x0", 0UL)]
    [InlineData("0x1", 1UL)]
    [InlineData("0x1a", 26UL)]
    [InlineData("0xffffffffffffffff", ulong.MaxValue)]
    public void DecodeQuantity_Canonical_Parses(string text, ulong expected)
    {
        Hex.DecodeQuantity(text).Should().Be((UInt256)expected);
        Hex.EncodeQuantity(expected).Should().Be(text);
    }

    [Theory]
    [InlineData("0x", "no digits")]
    [InlineData("0x01", "leading zero")]
    [InlineData("1a", "must start with '0x'")]
    [InlineData("0x1g", "'g'")]
    [InlineData("0x10000000000000000000000000000000000000000000000000000000000000000", "at most 64")]
    public void DecodeQuantity_Malformed_Throws(string text, string expected)
    {
        var act = () => Hex.DecodeQuantity(text);
        act.Should().Throw<HexFormatException>().WithMessage($"*{expected}*");
    }
}
