using System.Text;

namespace TcrToolkit.Ethereum.Tests;

public sealed class RlpTests
{
    private const string Lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";

    private static RlpString S(string text) => new(Encoding.ASCII.GetBytes(text));

    private static RlpString B(params byte[] bytes) => new(bytes);

    private static RlpList L(params RlpItem[] items) => new(items);

    // The examples from the Ethereum wiki's RLP page.
    public static TheoryData<string, RlpItem, string> WikiExamples => new()
    {
        { "dog", S("dog"), "0x83646f67" },
        { "cat dog list", L(S("cat"), S("dog")), "0xc88363617483646f67" },
        { "empty string", S(""), "0x80" },
        { "empty list", L(), "0xc0" },
        { "integer 0", B(), "0x80" },
        { "byte 0x00", B(0x00), "0x00" },
        { "byte 0x0f", B(0x0f), "0x0f" },
        { "integer 15", B(15), "0x0f" },
        { "integer 1024", B(0x04, 0x00), "0x820400" },
        { "set-theoretic three", L(L(), L(L()), L(L(), L(L()))), "0xc7c0c1c0c3c0c1c0" },
        { "lorem 56 bytes", S(Lorem), "0xb838" + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Lorem)) },
    };

    [Theory]
    [MemberData(nameof(WikiExamples))]
    public void EncodeAndDecode_WikiExamples_MatchPublishedBytes(string name, RlpItem item, string encoded)
    {
        _ = name;
        Hex.Encode(Rlp.Encode(item)).Should().Be(encoded);
        Rlp.Decode(Hex.Decode(encoded)).Should().Be(item);
    }

    [Fact]
    public void Encode_1024ByteStringAndLongList_UsesLongForms()
    {
        var big = new byte[1024];
        Rlp.EncodeString(big).AsSpan(0, 3).ToArray().Should().Equal(0xb9, 0x04, 0x00);
        var list = L(Enumerable.Range(0, 60).Select(_ => (RlpItem)B(1)).ToArray());
        var encoded = Rlp.Encode(list);
        encoded.AsSpan(0, 2).ToArray().Should().Equal(0xf8, 60);
        Rlp.Decode(encoded).Should().Be(list);
    }

    [Fact]
    public void Writer_IntegersAreCanonical()
    {
        var writer = new RlpWriter();
        var list = writer.StartList();
        writer.WriteUInt64(0);
        writer.WriteUInt64(127);
        writer.WriteUInt64(128);
        writer.WriteUInt64(1024);
        writer.WriteUInt256(UInt256.MaxValue);
        writer.EndList(list);
        var reader = new RlpReader(writer.ToArray()).ReadList();
        reader.ReadUInt64().Should().Be(0);
        reader.ReadUInt64().Should().Be(127);
        reader.ReadUInt64().Should().Be(128);
        reader.ReadUInt64().Should().Be(1024);
        reader.ReadUInt256().Should().Be(UInt256.MaxValue);
        reader.EnsureEnd();
        Hex.Encode(writer.WrittenSpan[..5]).Should().Be("0xe8807f8180");
    }

    [Fact]
    public void Writer_UnclosedList_ToArrayThrows()
    {
        var writer = new RlpWriter();
        writer.StartList();
        var act = () => writer.ToArray();
        act.Should().Throw<InvalidOperationException>().WithMessage("*still open*");
        var unmatched = () => new RlpWriter().EndList(0);
        unmatched.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData("0x", "input ended", 0)]
    [InlineData("0x8100", "single byte 0x00 must be encoded as itself", 0)]
    [InlineData("0x817f", "single byte 0x7f must be encoded as itself", 0)]
    [InlineData("0xb800", "leading zero", 1)]
    [InlineData("0xb90038", "leading zero", 1)]
    [InlineData("0xb837", "only for lengths of 56 or more", 0)]
    [InlineData("0xf837", "only for lengths of 56 or more", 0)]
    [InlineData("0x83646f", "declares 3 payload bytes but only 2 remain", 0)]
    [InlineData("0xb8", "length field runs past the end", 0)]
    [InlineData("0xb838", "declares 56 payload bytes but only 0 remain", 0)]
    [InlineData("0xbfffffffffffffffff", "only 0 remain", 0)]
    [InlineData("0x83646f6700", "1 unexpected trailing byte", 4)]
    [InlineData("0xc0c0", "trailing", 1)]
    [InlineData("0xc583646f67", "declares 5 payload bytes but only 4 remain", 0)]
    [InlineData("0xc283646f67", "declares 3 payload bytes but only 1 remain", 1)]
    [InlineData("0xc28100", "single byte 0x00", 1)]
    public void Decode_Malformed_ThrowsRlpFormatExceptionWithPosition(string hex, string expected, int position)
    {
        var act = () => Rlp.Decode(Hex.Decode(hex));
        act.Should().Throw<RlpFormatException>().WithMessage($"*{expected}*")
            .Which.Position.Should().Be(position);
    }

    [Fact]
    public void Decode_Deeplynested_Rejected()
    {
        var item = (RlpItem)L();
        for (var i = 0; i < Rlp.MaxDepth + 1; i++)
        {
            item = L(item);
        }

        var act = () => Rlp.Decode(Rlp.Encode(item));
        act.Should().Throw<RlpFormatException>().WithMessage("*nested deeper than 256*");
    }

    [Theory]
    [InlineData("0x820001", "leading zero byte")]
    [InlineData("0x89010000000000000000", "at most 8 bytes")]
    [InlineData("0xc0", "found a list")]
    public void ReadUInt64_NonCanonical_Throws(string hex, string expected)
    {
        var bytes = Hex.Decode(hex);
        var act = () => new RlpReader(bytes).ReadUInt64();
        act.Should().Throw<RlpFormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void ReadAddress_WrongLength_Throws()
    {
        var bytes = Rlp.EncodeString(new byte[19]);
        var act = () => new RlpReader(bytes).ReadAddress();
        act.Should().Throw<RlpFormatException>().WithMessage("*20-byte address but found a 19-byte string*");
        var optional = () => new RlpReader(bytes).ReadOptionalAddress();
        optional.Should().Throw<RlpFormatException>();
        new RlpReader([0x80]).ReadOptionalAddress().Should().BeNull();
    }

    [Fact]
    public void ReadList_OnString_Throws()
    {
        Action act = () => new RlpReader([0x83, 1, 2, 3]).ReadList();
        act.Should().Throw<RlpFormatException>().WithMessage("*found a string*");
    }

    [Fact]
    public void ReadEncodedItem_ReturnsHeaderAndPayload()
    {
        var encoded = Hex.Decode("0xc88363617483646f67");
        var reader = new RlpReader(encoded);
        reader.ReadEncodedItem().ToArray().Should().Equal(encoded);
        reader.HasRemaining.Should().BeFalse();
    }
}
