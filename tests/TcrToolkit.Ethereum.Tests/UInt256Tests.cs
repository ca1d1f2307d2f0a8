using System.Globalization;
using System.Numerics;
using CsCheck;

namespace TcrToolkit.Ethereum.Tests;

public sealed class UInt256Tests
{
    private static readonly BigInteger Two256 = BigInteger.One << 256;

    private static readonly Gen<UInt256> GenUInt256 =
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, Gen.Int[0, 4])
            .Select((a, b, c, d, zeros) => new UInt256(zeros > 0 ? 0 : a, zeros > 1 ? 0 : b, zeros > 2 ? 0 : c, d));

    [Fact]
    public void ToString_MaxValue_IsExactDecimal()
    {
        UInt256.MaxValue.ToString().Should().Be("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        UInt256.MaxValue.ToString("x", CultureInfo.InvariantCulture).Should().Be(new string('f', 64));
        UInt256.Zero.ToString().Should().Be("0");
        UInt256.Zero.ToString("x", CultureInfo.InvariantCulture).Should().Be("0");
    }

    [Fact]
    public void ToString_AcrossChunkBoundary_KeepsInnerZeros()
    {
        var value = (UInt256)BigInteger.Parse("100000000000000000000000000000000000001", CultureInfo.InvariantCulture);
        value.ToString().Should().Be("100000000000000000000000000000000000001");
    }

    [Fact]
    public void DecimalAndBigInteger_RandomValues_RoundTrip()
    {
        GenUInt256.Sample(value =>
        {
            var big = (BigInteger)value;
            value.ToString().Should().Be(big.ToString(CultureInfo.InvariantCulture));
            UInt256.Parse(value.ToString()).Should().Be(value);
            UInt256.Parse("0x" + value.ToString("x", CultureInfo.InvariantCulture)).Should().Be(value);
            ((UInt256)big).Should().Be(value);
            UInt256.FromBigEndian(value.ToBigEndianBytes()).Should().Be(value);
        });
    }

    [Fact]
    public void Arithmetic_RandomValues_MatchesBigIntegerOrThrowsOverflow()
    {
        Gen.Select(GenUInt256, GenUInt256).Sample((a, b) =>
        {
            BigInteger x = a, y = b;
            Check(() => a + b, x + y);
            Check(() => a - b, x - y);
            Check(() => a * b, x * y);
            if (!b.IsZero)
            {
                ((BigInteger)(a / b)).Should().Be(x / y);
                ((BigInteger)(a % b)).Should().Be(x % y);
            }

            a.CompareTo(b).Should().Be(x.CompareTo(y));
        });

        static void Check(Func<UInt256> op, BigInteger expected)
        {
            if (expected.Sign < 0 || expected >= Two256)
            {
                op.Should().Throw<OverflowException>();
            }
            else
            {
                ((BigInteger)op()).Should().Be(expected);
            }
        }
    }

    [Fact]
    public void WriteMinimalBigEndian_StripsLeadingZeros()
    {
        Span<byte> buffer = stackalloc byte[32];
        ((UInt256)0UL).WriteMinimalBigEndian(buffer).Should().Be(0);
        ((UInt256)0x0102UL).WriteMinimalBigEndian(buffer).Should().Be(2);
        buffer[..2].ToArray().Should().Equal(1, 2);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("-1", "'-' at position 0")]
    [InlineData("+1", "'+' at position 0")]
    [InlineData("1 000", "' ' at position 1")]
    [InlineData("1e18", "'e' at position 1")]
    [InlineData("0x", "no digits")]
    [InlineData("0xz", "'z' at position 2")]
    [InlineData("115792089237316195423570985008687907853269984665640564039457584007913129639936", "exceeds 2^256 - 1")]
    [InlineData("0x10000000000000000000000000000000000000000000000000000000000000000", "exceeds 2^256 - 1")]
    public void Parse_Malformed_ThrowsNumberFormatException(string text, string expected)
    {
        var act = () => UInt256.Parse(text);
        act.Should().Throw<NumberFormatException>().WithMessage($"*{expected}*");
        UInt256.TryParse(text, null, out _).Should().BeFalse();
    }

    [Fact]
    public void Parse_HexWithLeadingZeros_IsAccepted()
    {
        UInt256.Parse("0x" + new string('0', 70) + "1").Should().Be(UInt256.One);
    }

    [Fact]
    public void Conversions_OutOfRange_Throw()
    {
        var negative = () => (UInt256)BigInteger.MinusOne;
        negative.Should().Throw<OverflowException>();
        var tooBig = () => (UInt256)Two256;
        tooBig.Should().Throw<OverflowException>();
        var narrowing = () => (ulong)(UInt256.MaxValue);
        narrowing.Should().Throw<OverflowException>();
        ((ulong)(UInt256)42UL).Should().Be(42UL);
    }

    [Fact]
    public void FromBigEndian_LongerThan32Bytes_Throws()
    {
        var act = () => UInt256.FromBigEndian(new byte[33]);
        act.Should().Throw<ArgumentException>();
    }
}
