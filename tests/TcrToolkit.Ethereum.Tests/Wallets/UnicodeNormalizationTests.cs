using System.Text;
using TcrToolkit.Ethereum.Wallets;

namespace TcrToolkit.Ethereum.Tests.Wallets;

public sealed class UnicodeNormalizationTests
{
    [Theory]
    [InlineData("password", "password")]
    [InlineData("caf\u00e9", "cafe\u0301")] // precomposed é decomposes
    [InlineData("\ufb01", "fi")] // ligature: compatibility decomposition
    [InlineData("\uff21\u2460\u00bd", "A1" + "1\u20442")] // full-width A, circled 1, one half
    [InlineData("\ud55c", "\u1112\u1161\u11ab")] // Hangul syllable: arithmetic decomposition
    [InlineData("a\u0301\u0323", "a\u0323\u0301")] // canonical ordering: below (220) before above (230)
    [InlineData("\u1e9b\u0323", "s\u0323\u0307")] // UAX #15's example: ẛ̣ → s, dot below, dot above
    public void ToNfkdUtf8_KnownStrings_MatchUnicode(string input, string expected)
    {
        UnicodeNormalization.ToNfkdUtf8(input, nameof(input)).Should().Equal(Encoding.UTF8.GetBytes(expected));
    }

    [Theory]
    [InlineData("password", "password")]
    [InlineData("cafe\u0301", "caf\u00e9")] // e + combining acute composes
    [InlineData("\ufb01", "fi")]
    [InlineData("\u1112\u1161\u11ab", "\ud55c")] // Hangul jamo compose to a syllable
    [InlineData("\u1e9b\u0323", "\u1e69")] // UAX #15's example: ẛ̣ → ṩ
    [InlineData("\u212b", "\u00c5")] // Angstrom sign → Å (singleton)
    [InlineData("\u0301e", "\u0301e")] // a leading mark has nothing to join
    [InlineData("a\u0323\u0302", "\u1ead")] // ậ via ạ + circumflex
    public void ToNfkcUtf8_KnownStrings_MatchUnicode(string input, string expected)
    {
        UnicodeNormalization.ToNfkcUtf8(input, nameof(input)).Should().Equal(Encoding.UTF8.GetBytes(expected));
    }

    [Fact]
    public void ToNfkcUtf8_UnpairedSurrogate_ThrowsWithPosition()
    {
        var act = () => UnicodeNormalization.ToNfkcUtf8("ok\udc00", "password");

        act.Should().Throw<ArgumentException>().WithMessage("*unpaired UTF-16 surrogate at position 2*").Which.ParamName.Should().Be("password");
    }
}
