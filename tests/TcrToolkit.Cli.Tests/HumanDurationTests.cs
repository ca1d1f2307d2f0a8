using TcrToolkit.Cli.Infrastructure.Arguments;

namespace TcrToolkit.Cli.Tests;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData("600", 600UL)]
    [InlineData("90s", 90UL)]
    [InlineData("10m", 600UL)]
    [InlineData("1h30m", 5_400UL)]
    [InlineData("2d", 172_800UL)]
    [InlineData("1w", 604_800UL)]
    [InlineData(" 0 ", 0UL)]
    public void TryParse_WellFormed_GivesSeconds(string text, ulong expected)
    {
        HumanDuration.TryParse(text, out var seconds).Should().BeTrue();
        seconds.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("10x")]
    [InlineData("1h30")]
    [InlineData("-5s")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999999s")]
    [InlineData("40000000000000w")]
    public void TryParse_Malformed_IsFalse(string text)
    {
        HumanDuration.TryParse(text, out _).Should().BeFalse();
    }
}
