using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

/// <summary>Validation without decoding accepts what the decoder accepts and refuses the rest with the decoder's error.</summary>
public sealed class AbiValidationTests
{
    private static readonly AbiEvent Applied = AbiEvent.Parse(
        "Applied(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, bytes data)");

    private static readonly Address Owner = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");

    private static string Word(string hex) => hex.PadLeft(64, '0');

    private static string RightWord(string hex) => hex.PadRight(64, '0');

    public static TheoryData<string, string> Malformed => new()
    {
        { "(uint256,uint256)", Word("1") + "00" },
        { "(bytes)", Word("40") + Word("0") },
        { "(string)", "01" + Word("20")[2..] + Word("0") },
        { "(uint256[])", Word("21") + Word("0") + Word("0") },
        { "(bytes)", Word("20") + Word("41") + RightWord("aa") + RightWord("bb") },
        { "(uint256[])", Word("20") + Word("ffffffff") },
        { "(uint8)", Word("100") },
        { "(address)", "01" + Word("0")[2..] },
        { "(bool)", Word("2") },
        { "(string)", Word("20") + Word("2") + RightWord("c328") },
        { "(uint256[][])", Word("20") + Word("1") + Word("20") + Word("fffff") },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Validate_MalformedData_ThrowsTheDecodersError(string types, string hex)
    {
        var parsed = AbiType.Parse(types).Components.Select(c => c.Type).ToArray();
        var data = Hex.Decode("0x" + hex);
        var decode = () => AbiCodec.Decode(parsed, data);
        var expected = decode.Should().Throw<AbiDecodingException>().Which;

        var validate = () => AbiCodec.Validate(parsed, data);

        var error = validate.Should().Throw<AbiDecodingException>().Which;
        error.Message.Should().Be(expected.Message);
        error.Offset.Should().Be(expected.Offset);
    }

    [Fact]
    public void Validate_NestedDynamicValues_AcceptsWhatDecodes()
    {
        var types = AbiType.Parse("(uint256,bytes,string[],(address,bool)[2])").Components.Select(c => c.Type).ToArray();
        var values = AbiCodec.Decode(types, AbiCodec.Encode(types, [
            AbiValue.From(types[0], 5),
            AbiValue.From(types[1], new byte[] { 1, 2, 3 }),
            AbiValue.From(types[2], new[] { "a", "bc" }),
            AbiValue.From(types[3], new object[] { new object[] { Owner, true }, new object[] { Owner, false } }),
        ]));

        var validate = () => AbiCodec.Validate(types, AbiCodec.Encode(types, values));

        validate.Should().NotThrow();
    }

    [Fact]
    public void ValidateLog_ValidLogWithDynamicData_DoesNotThrow()
    {
        var (topics, data) = Applied.EncodeLog(Bytes32.Zero, Owner, 100, 200, new byte[] { 1, 2, 3 });

        var validate = () => Applied.ValidateLog(topics, data);

        validate.Should().NotThrow();
    }

    [Fact]
    public void ValidateLog_TruncatedData_ThrowsTruncated()
    {
        var (topics, data) = Applied.EncodeLog(Bytes32.Zero, Owner, 100, 200, new byte[] { 1, 2, 3 });

        var validate = () => Applied.ValidateLog(topics, data.AsSpan(0, 40).ToArray());

        validate.Should().Throw<AbiDecodingException>().Which.Message.Should().Contain("truncated data");
    }

    [Fact]
    public void ValidateLog_WrongTopicCount_ThrowsTheDecodersError()
    {
        var (topics, data) = Applied.EncodeLog(Bytes32.Zero, Owner, 100, 200, Array.Empty<byte>());
        var fewer = topics.Take(2).ToList();

        var validate = () => Applied.ValidateLog(fewer, data);

        validate.Should().Throw<AbiDecodingException>().Which.Message.Should().Be(
            $"Log of {Applied.Signature} must have 3 topics (2 indexed plus the event topic); it has 2.");
    }

    [Fact]
    public void ValidateLog_OtherEventsTopic_Throws()
    {
        var (topics, data) = Applied.EncodeLog(Bytes32.Zero, Owner, 100, 200, Array.Empty<byte>());
        var other = topics.ToArray();
        other[0] = Keccak256.HashUtf8("Other()");

        var validate = () => Applied.ValidateLog(other, data);

        validate.Should().Throw<AbiDecodingException>().Which.Offset.Should().Be(0);
    }

    [Fact]
    public void ValidateLog_DirtyAddressTopic_ThrowsForThatTopic()
    {
        var (topics, data) = Applied.EncodeLog(Bytes32.Zero, Owner, 100, 200, Array.Empty<byte>());
        var dirty = topics.ToArray();
        var owner = dirty[2].AsSpan().ToArray();
        owner[0] = 1;
        dirty[2] = new Bytes32(owner);

        var validate = () => Applied.ValidateLog(dirty, data);

        var error = validate.Should().Throw<AbiDecodingException>().Which;
        error.Offset.Should().Be(2);
        error.Message.Should().StartWith($"Log topic 2 (address indexed owner) of {Applied.Signature} is not a valid address");
    }

    [Fact]
    public void ValidateLog_DynamicOffsetPastTheData_ThrowsOutOfRangeOffset()
    {
        var (topics, data) = Applied.EncodeLog(Bytes32.Zero, Owner, 100, 200, new byte[] { 1, 2, 3 });
        data[95] = 0xe0;

        var validate = () => Applied.ValidateLog(topics, data);

        validate.Should().Throw<AbiDecodingException>().Which.Message.Should().Contain("the offset 224 points to 224, past the end of the data");
    }
}
