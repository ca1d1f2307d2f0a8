namespace TcrToolkit.Ethereum.Tests;

public sealed class Bytes32Tests
{
    [Fact]
    public void Parse_RoundTripsThroughToString()
    {
        const string text = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
        Bytes32.Parse(text).ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("0x00", "Expected 32 bytes")]
    [InlineData("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", "must start with '0x'")]
    public void Parse_Malformed_Throws(string text, string expected)
    {
        var act = () => Bytes32.Parse(text);
        act.Should().Throw<HexFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void AsBytes_SpanOfValues_IsTheirConcatenation()
    {
        Bytes32[] values = [Keccak256.HashUtf8("a"), Keccak256.HashUtf8("b")];
        Bytes32.AsBytes(values).ToArray().Should().Equal(values[0].ToArray().Concat(values[1].ToArray()));
    }

    [Fact]
    public void ToUInt256_ReadsBigEndian()
    {
        var value = new UInt256(1, 2, 3, 4);
        value.ToBytes32().ToUInt256().Should().Be(value);
    }

    [Fact]
    public void GetHashCode_ValuesSharingTheirFirstBytes_HashApart()
    {
        // Small numbers share 28 leading zero bytes; ids can be ground to share a prefix. Both must spread.
        var values = Enumerable.Range(1, 1_000).Select(i => ((UInt256)(ulong)i).ToBytes32()).ToList();

        values.Select(v => v.GetHashCode()).Distinct().Should().HaveCountGreaterThan(990);
    }

    [Fact]
    public void GetHashCode_AddressesSharingTheirLastBytes_HashApart()
    {
        var addresses = Enumerable.Range(1, 1_000).Select(i =>
        {
            var bytes = new byte[20];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, i); // the last 16 bytes stay equal
            return new Address(bytes);
        }).ToList();

        addresses.Select(a => a.GetHashCode()).Distinct().Should().HaveCountGreaterThan(990);
    }
}
