using System.Numerics;
using System.Text;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

/// <summary>The worked examples of the Solidity ABI specification ("Examples" and "Use of Dynamic Types").</summary>
public sealed class AbiSpecExampleTests
{
    private const string BazCall =
        "0xcdcd77c0" +
        "0000000000000000000000000000000000000000000000000000000000000045" +
        "0000000000000000000000000000000000000000000000000000000000000001";

    private const string BarCall =
        "0xfce353f6" +
        "6162630000000000000000000000000000000000000000000000000000000000" +
        "6465660000000000000000000000000000000000000000000000000000000000";

    private const string SamCall =
        "0xa5643bf2" +
        "0000000000000000000000000000000000000000000000000000000000000060" +
        "0000000000000000000000000000000000000000000000000000000000000001" +
        "00000000000000000000000000000000000000000000000000000000000000a0" +
        "0000000000000000000000000000000000000000000000000000000000000004" +
        "6461766500000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000003" +
        "0000000000000000000000000000000000000000000000000000000000000001" +
        "0000000000000000000000000000000000000000000000000000000000000002" +
        "0000000000000000000000000000000000000000000000000000000000000003";

    private const string FCall =
        "0x8be65246" +
        "0000000000000000000000000000000000000000000000000000000000000123" +
        "0000000000000000000000000000000000000000000000000000000000000080" +
        "3132333435363738393000000000000000000000000000000000000000000000" +
        "00000000000000000000000000000000000000000000000000000000000000e0" +
        "0000000000000000000000000000000000000000000000000000000000000002" +
        "0000000000000000000000000000000000000000000000000000000000000456" +
        "0000000000000000000000000000000000000000000000000000000000000789" +
        "000000000000000000000000000000000000000000000000000000000000000d" +
        "48656c6c6f2c20776f726c642100000000000000000000000000000000000000";

    private const string GCall =
        "0x2289b18c" +
        "0000000000000000000000000000000000000000000000000000000000000040" +
        "0000000000000000000000000000000000000000000000000000000000000140" +
        "0000000000000000000000000000000000000000000000000000000000000002" +
        "0000000000000000000000000000000000000000000000000000000000000040" +
        "00000000000000000000000000000000000000000000000000000000000000a0" +
        "0000000000000000000000000000000000000000000000000000000000000002" +
        "0000000000000000000000000000000000000000000000000000000000000001" +
        "0000000000000000000000000000000000000000000000000000000000000002" +
        "0000000000000000000000000000000000000000000000000000000000000001" +
        "0000000000000000000000000000000000000000000000000000000000000003" +
        "0000000000000000000000000000000000000000000000000000000000000003" +
        "0000000000000000000000000000000000000000000000000000000000000060" +
        "00000000000000000000000000000000000000000000000000000000000000a0" +
        "00000000000000000000000000000000000000000000000000000000000000e0" +
        "0000000000000000000000000000000000000000000000000000000000000003" +
        "6f6e650000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000003" +
        "74776f0000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000005" +
        "7468726565000000000000000000000000000000000000000000000000000000";

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public void Baz_Uint32AndBool_EncodesPublishedCalldata()
    {
        var baz = AbiFunction.Parse("baz(uint32 x, bool y)");

        var calldata = baz.EncodeCall(69u, true);

        baz.Selector.ToString().Should().Be("0xcdcd77c0");
        Hex.Encode(calldata).Should().Be(BazCall);
        baz.DecodeCall(calldata).Should().Equal(AbiValue.UInt(69, 32), AbiValue.Bool(true));
    }

    [Fact]
    public void Bar_FixedArrayOfBytes3_EncodesPublishedCalldata()
    {
        var bar = AbiFunction.Parse("bar(bytes3[2])");

        var calldata = bar.EncodeCall(new object[] { new[] { Ascii("abc"), Ascii("def") } });

        Hex.Encode(calldata).Should().Be(BarCall);
        var decoded = bar.DecodeCall(calldata).Single();
        decoded.Items.Select(v => Encoding.ASCII.GetString(v.AsBytes().Span)).Should().Equal("abc", "def");
    }

    [Fact]
    public void Sam_BytesBoolAndUintArray_EncodesPublishedCalldata()
    {
        var sam = AbiFunction.Parse("sam(bytes,bool,uint256[])");

        var calldata = sam.EncodeCall(Ascii("dave"), true, new[] { 1, 2, 3 });

        Hex.Encode(calldata).Should().Be(SamCall);
        var decoded = sam.DecodeCall(calldata);
        decoded[0].AsBytes().ToArray().Should().Equal(Ascii("dave"));
        decoded[1].AsBool().Should().BeTrue();
        decoded[2].Items.Select(v => (ulong)v.AsUInt256()).Should().Equal(1UL, 2UL, 3UL);
    }

    [Fact]
    public void F_DynamicTypesExample_EncodesPublishedCalldata()
    {
        var f = AbiFunction.Parse("f(uint256,uint32[],bytes10,bytes)");

        var calldata = f.EncodeCall(0x123, new[] { 0x456, 0x789 }, Ascii("1234567890"), Ascii("Hello, world!"));

        f.Selector.ToString().Should().Be("0x8be65246");
        Hex.Encode(calldata).Should().Be(FCall);
        f.DecodeCall(calldata)[3].AsBytes().ToArray().Should().Equal(Ascii("Hello, world!"));
    }

    [Fact]
    public void G_NestedDynamicArraysExample_EncodesPublishedCalldata()
    {
        var g = AbiFunction.Parse("g(uint256[][],string[])");

        var calldata = g.EncodeCall(new[] { new[] { 1, 2 }, new[] { 3 } }, new[] { "one", "two", "three" });

        g.Selector.ToString().Should().Be("0x2289b18c");
        Hex.Encode(calldata).Should().Be(GCall);
        var decoded = g.DecodeCall(calldata);
        decoded[0].ToString().Should().Be("[[1, 2], [3]]");
        decoded[1].Items.Select(v => v.AsString()).Should().Equal("one", "two", "three");
    }

    [Fact]
    public void G_TypedWriterAndReader_RoundTripPublishedCalldata()
    {
        using var writer = new AbiWriter();
        writer.BeginArray(2);
        writer.BeginArray(2);
        writer.WriteUInt256(1);
        writer.WriteUInt256(2);
        writer.EndArray();
        writer.BeginArray(1);
        writer.WriteUInt256(3);
        writer.EndArray();
        writer.EndArray();
        writer.BeginArray(3);
        writer.WriteString("one");
        writer.WriteString("two");
        writer.WriteString("three");
        writer.EndArray();

        Hex.Encode(writer.ToArray(AbiSelector.Parse("0x2289b18c").ToArray())).Should().Be(GCall);

        var reader = new AbiReader(Hex.Decode(GCall).AsSpan(4));
        var outer = reader.EnterArray(out var outerLength);
        outerLength.Should().Be(2);
        var first = outer.EnterArray(out var firstLength);
        firstLength.Should().Be(2);
        first.ReadUInt64().Should().Be(1);
        first.ReadUInt64().Should().Be(2);
        var strings = reader.EnterArray(out var stringCount);
        stringCount.Should().Be(3);
        strings.ReadString().Should().Be("one");
        strings.ReadString().Should().Be("two");
        strings.ReadString().Should().Be("three");
    }

    [Fact]
    public void F_TypedReader_ReadsStaticAndDynamicMembersInOrder()
    {
        var reader = new AbiReader(Hex.Decode(FCall).AsSpan(4));

        reader.ReadUInt256().Should().Be((UInt256)0x123UL);
        var array = reader.EnterArray(out var length);
        Encoding.ASCII.GetString(reader.ReadFixedBytes(10)).Should().Be("1234567890");
        Encoding.ASCII.GetString(reader.ReadBytes()).Should().Be("Hello, world!");

        length.Should().Be(2);
        array.ReadUInt64(32).Should().Be(0x456);
        array.ReadUInt64(32).Should().Be(0x789);
    }

    [Theory]
    [InlineData("transfer(address,uint256)", "0xa9059cbb")]
    [InlineData("approve(address,uint256)", "0x095ea7b3")]
    [InlineData("balanceOf(address)", "0x70a08231")]
    [InlineData("Error(string)", "0x08c379a0")]
    [InlineData("Panic(uint256)", "0x4e487b71")]
    public void Selector_KnownSignatures_MatchPublishedValues(string signature, string selector)
    {
        AbiSelector.FromSignature(signature).ToString().Should().Be(selector);
        AbiFunction.Parse(signature).Selector.ToString().Should().Be(selector);
    }

    [Fact]
    public void EventTopic_Erc20Transfer_MatchesPublishedValue()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        transfer.Signature.Should().Be("Transfer(address,address,uint256)");
        transfer.Topic.ToString().Should().Be("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    }

    [Fact]
    public void Int_NegativeValues_AreSignExtendedTwosComplement()
    {
        var encoded = AbiCodec.Encode([AbiType.Int(8), AbiType.Int256], [AbiValue.Int(-1, 8), AbiValue.Int(-(BigInteger.One << 255))]);

        Hex.Encode(encoded).Should().Be("0x" + new string('f', 64) + "8" + new string('0', 63));
        AbiCodec.Decode([AbiType.Int(8), AbiType.Int256], encoded).Select(v => v.AsBigInteger())
            .Should().Equal(BigInteger.MinusOne, -(BigInteger.One << 255));
    }
}
