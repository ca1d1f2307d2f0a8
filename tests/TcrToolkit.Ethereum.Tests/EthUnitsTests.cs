namespace TcrToolkit.Ethereum.Tests;

public sealed class EthUnitsTests
{
    [Theory]
    [InlineData("1", "1000000000000000000")]
    [InlineData("1.5", "1500000000000000000")]
    [InlineData("0.000000000000000001", "1")]
    [InlineData("0.10000000000000000000000", "100000000000000000")]
    [InlineData("007", "7000000000000000000")]
    [InlineData("0", "0")]
    public void ParseEther_ExactDecimal_ReturnsWei(string text, string wei)
    {
        EthUnits.ParseEther(text).Should().Be(UInt256.Parse(wei));
    }

    [Theory]
    [InlineData("1000000000000000000", "1")]
    [InlineData("1500000000000000000", "1.5")]
    [InlineData("1", "0.000000000000000001")]
    [InlineData("0", "0")]
    [InlineData("123456789012345678901234567890", "123456789012.34567890123456789")]
    public void FormatEther_Wei_ReturnsShortestExactDecimal(string wei, string text)
    {
        EthUnits.FormatEther(UInt256.Parse(wei)).Should().Be(text);
    }

    [Fact]
    public void Gwei_RoundTrips()
    {
        EthUnits.ParseGwei("1.5").Should().Be((UInt256)1_500_000_000UL);
        EthUnits.FormatGwei(1_500_000_000UL).Should().Be("1.5");
        EthUnits.Format(5, EthUnit.Wei).Should().Be("5");
        EthUnits.Parse("2", EthUnit.Finney).Should().Be((UInt256)2_000_000_000_000_000UL);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".5", "no digits before")]
    [InlineData("1.", "no digits after")]
    [InlineData("-1", "'-' at position 0")]
    [InlineData("1e18", "'e' at position 1")]
    [InlineData("1,000", "',' at position 1")]
    [InlineData("1.2.3", "'.' at position 3")]
    [InlineData(" 1", "' ' at position 0")]
    [InlineData("0.0000000000000000001", "19 significant fractional digits")]
    [InlineData("115792089237316195423570985008687907853269984665640564039457.584007913129639936", "exceeds")]
    public void ParseEther_Malformed_ThrowsNumberFormatException(string text, string expected)
    {
        var act = () => EthUnits.ParseEther(text);
        act.Should().Throw<NumberFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Parse_DecimalsOutOfRange_Throws()
    {
        var act = () => EthUnits.Parse("1", 78);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
