using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

/// <summary>Each strictness rule of the decoder, with the exception type and message it produces.</summary>
public sealed class AbiStrictDecodingTests
{
    private static string Word(string hex) => hex.PadLeft(64, '0');

    private static string RightWord(string hex) => hex.PadRight(64, '0');

    private static AbiDecodingException Decoding(string types, string hex)
    {
        var parsed = AbiType.Parse(types).Components.Select(c => c.Type).ToArray();
        var data = Hex.Decode("0x" + hex);
        var act = () => AbiCodec.Decode(parsed, data);
        return act.Should().Throw<AbiDecodingException>().Which;
    }

    [Fact]
    public void Decode_TruncatedStaticWord_ThrowsTruncated()
    {
        var error = Decoding("(uint256,uint256)", Word("1") + "00");

        error.Message.Should().Be("Cannot decode uint256 at offset 32: the data ends after 33 bytes, 32 needed from here (truncated data).");
        error.TypeName.Should().Be("uint256");
        error.Offset.Should().Be(32);
    }

    [Fact]
    public void Decode_OffsetPastEnd_ThrowsOutOfRangeOffset()
    {
        var error = Decoding("(bytes)", Word("40") + Word("0"));

        error.Message.Should().Be("Cannot decode bytes at offset 0: the offset 64 points to 64, past the end of the data (64 bytes).");
    }

    [Fact]
    public void Decode_OffsetWithHighBytesSet_ThrowsOutOfRangeOffset()
    {
        var error = Decoding("(string)", "01" + Word("20")[2..] + Word("0"));

        error.Message.Should().Be("Cannot decode string at offset 0: the offset is out of range (larger than the data).");
    }

    [Fact]
    public void Decode_MisalignedOffset_ThrowsNotMultipleOf32()
    {
        var error = Decoding("(uint256[])", Word("21") + Word("0") + Word("0"));

        error.Message.Should().Be("Cannot decode uint256[] at offset 0: the offset 33 is not a multiple of 32.");
    }

    [Fact]
    public void Decode_BytesLengthPastEnd_ThrowsLengthPastEnd()
    {
        var error = Decoding("(bytes)", Word("20") + Word("41") + RightWord("aa") + RightWord("bb"));

        error.Message.Should().Be("Cannot decode bytes at offset 32: the length 65 needs at least 65 bytes but only 64 follow it.");
    }

    [Fact]
    public void Decode_ArrayLengthPastEnd_ThrowsBeforeAllocating()
    {
        var error = Decoding("((uint256,uint256)[])", Word("20") + Word("7fffffff") + Word("1"));

        error.Message.Should().Be(
            "Cannot decode (uint256,uint256)[] at offset 32: the length 2147483647 needs at least 137438953408 bytes but only 32 follow it.");
    }

    [Fact]
    public void Decode_BytesPaddingMissing_ThrowsContentRunsPastEnd()
    {
        var error = Decoding("(bytes)", Word("20") + Word("3") + "616263");

        error.Message.Should().Be("Cannot decode bytes at offset 64: the 3-byte content padded to 32 bytes runs past the end of the data (67 bytes).");
    }

    [Fact]
    public void Decode_UIntWithDirtyHighBytes_ThrowsDirtyPadding()
    {
        var error = Decoding("(uint256,uint8)", Word("0") + Word("1ff"));

        error.Message.Should().Be(
            "Cannot decode uint8 at offset 32: the high-order 31 padding bytes are not zero (the value does not fit in 8 bits).");
    }

    [Fact]
    public void Decode_AddressWithDirtyHighBytes_ThrowsDirtyPadding()
    {
        var error = Decoding("(address)", Word("01" + new string('a', 40)));

        error.Message.Should().Be("Cannot decode address at offset 0: the high-order 12 padding bytes are not zero.");
    }

    [Fact]
    public void Decode_BoolOtherThanZeroOrOne_ThrowsNotZeroOrOne()
    {
        var error = Decoding("(bool)", Word("2"));

        error.Message.Should().Be("Cannot decode bool at offset 0: the word is neither 0 nor 1.");
    }

    [Fact]
    public void Decode_FixedBytesWithDirtyLowBytes_ThrowsDirtyPadding()
    {
        var error = Decoding("(bytes4)", RightWord("deadbeef00000001"));

        error.Message.Should().Be("Cannot decode bytes4 at offset 4: the low-order 28 padding bytes are not zero.");
    }

    [Fact]
    public void Decode_BytesWithDirtyPaddingAfterContent_ThrowsDirtyPadding()
    {
        var error = Decoding("(string)", Word("20") + Word("3") + RightWord("616263ff"));

        error.Message.Should().Be("Cannot decode string at offset 67: the padding after the content is not zero.");
    }

    [Fact]
    public void Decode_IntNotSignExtended_ThrowsNotSignExtended()
    {
        // -1 as int8 must be 32 bytes of 0xff; a positive high part with a negative low byte is not an int8.
        var error = Decoding("(int8)", Word("ff"));

        error.Message.Should().Be(
            "Cannot decode int8 at offset 0: the high-order 31 bytes are not the sign extension of the value (it does not fit in 8 bits).");
    }

    [Fact]
    public void Decode_StringWithInvalidUtf8_ThrowsNotUtf8()
    {
        var error = Decoding("(string)", Word("20") + Word("2") + RightWord("c328"));

        error.Message.Should().Be("Cannot decode string at offset 64: the content is not valid UTF-8.");
    }

    [Fact]
    public void Decode_SelectorMismatch_ThrowsNamingBothSelectors()
    {
        var transfer = AbiFunction.Parse("transfer(address,uint256)");

        var act = () => transfer.DecodeCall(Hex.Decode("0x095ea7b3" + Word("0") + Word("0")));

        act.Should().Throw<AbiDecodingException>().WithMessage(
            "Cannot decode selector at offset 0: the calldata selector 0x095ea7b3 is not 0xa9059cbb of transfer(address,uint256).");
    }

    [Fact]
    public void Decode_OffsetsSharingContent_RefusesExcessiveInflation()
    {
        // 9,728 bytes whose 100 x 100 x 100 elements all point at the same inner arrays: 32 MB once decoded.
        var offsets = string.Concat(Enumerable.Repeat(Word("c80"), 100));
        var hex = Word("20") + Word("64") + offsets + Word("64") + offsets + Word("64") + string.Concat(Enumerable.Repeat(Word("0"), 100));

        var error = Decoding("(uint8[][][])", hex);

        error.Message.Should().StartWith("Cannot decode uint8 at offset ")
            .And.EndWith(": the data expands to more than 1024 times its 9728 bytes through offsets that share content; refusing to decode it.");
    }

    [Fact]
    public void Decode_RandomCorruptionOfValidData_OnlyEverThrowsAbiDecodingException()
    {
        var types = AbiType.Parse("(uint8,int16,bytes,(string,uint256[])[],bool[2],bytes3,address)").Components.Select(c => c.Type).ToArray();
        var valid = AbiCodec.Encode(types, [
            AbiValue.UInt(7, 8), AbiValue.Int(-300, 16), AbiValue.Bytes(new byte[40]),
            AbiValue.From(types[3], new object[] { new object[] { "héllo", new[] { 1, 2 } }, new object[] { "", Array.Empty<int>() } }),
            AbiValue.From(types[4], new[] { true, false }), AbiValue.FixedBytes([1, 2, 3]), AbiValue.Address(Address.Zero),
        ]);
        var random = new Random(1234);

        for (var i = 0; i < 5000; i++)
        {
            var data = valid.AsSpan(0, random.Next(valid.Length + 1)).ToArray();
            for (var flips = random.Next(4); flips > 0 && data.Length > 0; flips--)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }

            try
            {
                AbiCodec.Decode(types, data);
            }
            catch (AbiDecodingException)
            {
                // Expected for most corruptions; anything else fails the test.
            }
        }
    }
}
