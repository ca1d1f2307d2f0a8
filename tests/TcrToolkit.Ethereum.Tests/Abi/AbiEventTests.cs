using System.Text;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

public sealed class AbiEventTests
{
    private static readonly Address Alice = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    private static readonly Address Bob = Address.Parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");

    private static Bytes32 Word(ulong value) => ((UInt256)value).ToBytes32();

    [Fact]
    public void EncodeLog_Erc20Transfer_PutsIndexedValuesInTopicsAndRestInData()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        var (topics, data) = transfer.EncodeLog(Alice, Bob, 1000);

        topics.Should().Equal(transfer.Topic, Alice.ToBytes32(), Bob.ToBytes32());
        Hex.Encode(data).Should().Be(Word(1000).ToString());
        var decoded = transfer.DecodeLog(topics, data);
        decoded.ToString().Should().Be($"Transfer(from={Alice}, to={Bob}, value=1000)");
        decoded["value"].AsUInt256().Should().Be((UInt256)1000UL);
    }

    [Fact]
    public void DecodeLog_IndexedStringAndBytes_DecodeToKeccakOfContent()
    {
        var e = AbiEvent.Parse("Named(string indexed name, bytes indexed blob, string note)");

        var (topics, data) = e.EncodeLog("mail.example", new byte[] { 1, 2, 3 }, "hello");
        var decoded = e.DecodeLog(topics, data);

        topics[1].Should().Be(Keccak256.HashUtf8("mail.example"));
        topics[2].Should().Be(Keccak256.Hash([1, 2, 3]));
        decoded.Arguments[0].IsHashed.Should().BeTrue();
        decoded["name"].AsBytes32().Should().Be(Keccak256.HashUtf8("mail.example"));
        decoded["note"].AsString().Should().Be("hello");
    }

    [Fact]
    public void EncodeTopic_IndexedArrayAndTuple_HashTheInPlaceEncodingWithPaddedMembers()
    {
        // Solidity ABI spec: arrays and structs are the concatenation of their elements' encodings, each padded to
        // 32 bytes (bytes and strings too, without their length), with no offsets or lengths.
        var array = AbiValue.From(AbiType.Parse("uint16[]"), new[] { 1, 2 });
        var tuple = AbiValue.From(AbiType.Parse("(string,uint8,bytes)"), new object[] { "abc", 7, new byte[33] });

        var expectedArray = Keccak256.Hash([.. Word(1).AsSpan(), .. Word(2).AsSpan()]);
        var paddedAbc = Encoding.ASCII.GetBytes("abc").Concat(new byte[29]);
        var expectedTuple = Keccak256.Hash([.. paddedAbc, .. Word(7).AsSpan(), .. new byte[64]]);

        AbiEvent.EncodeTopic(array).Should().Be(expectedArray);
        AbiEvent.EncodeTopic(tuple).Should().Be(expectedTuple);
    }

    [Fact]
    public void DecodeLog_AnonymousEventWithFourIndexed_HasNoSignatureTopic()
    {
        var e = AbiEvent.Parse("Moved(uint8 indexed a, int16 indexed b, bool indexed c, bytes2 indexed d, uint256 e)", anonymous: true);

        var (topics, data) = e.EncodeLog(200, -2, true, new byte[] { 0xab, 0xcd }, 5);
        var decoded = e.DecodeLog(topics, data);

        topics.Should().HaveCount(4);
        topics[1].ToString().Should().Be("0x" + new string('f', 62) + "fe");
        decoded.ToString().Should().Be("Moved(a=200, b=-2, c=true, d=0xabcd, e=5)");
    }

    [Fact]
    public void DecodeLog_WrongTopicCount_ThrowsSayingHowManyAreExpected()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        var act = () => transfer.DecodeLog([transfer.Topic, Alice.ToBytes32()], Word(1).ToArray());

        act.Should().Throw<AbiDecodingException>().WithMessage(
            "Log of Transfer(address,address,uint256) must have 3 topics (2 indexed plus the event topic); it has 2.");
    }

    [Fact]
    public void DecodeLog_OtherEventsTopic_ThrowsNamingBothTopics()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        var act = () => transfer.DecodeLog([Word(9), Alice.ToBytes32(), Bob.ToBytes32()], Word(1).ToArray());

        act.Should().Throw<AbiDecodingException>().WithMessage(
            $"Log topic 0 is {Word(9)}, not the topic {transfer.Topic} of Transfer(address,address,uint256).");
    }

    [Fact]
    public void DecodeLog_AddressTopicWithDirtyPadding_ThrowsNamingTopicAndParameter()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");
        var dirty = Bytes32.Parse("0x01" + Alice.ToBytes32().ToString()[4..]);

        var act = () => transfer.DecodeLog([transfer.Topic, dirty, Bob.ToBytes32()], Word(1).ToArray());

        act.Should().Throw<AbiDecodingException>().WithMessage(
            "Log topic 1 (address indexed from) of Transfer(address,address,uint256) is not a valid address: " +
            "Cannot decode address at offset 0: the high-order 12 padding bytes are not zero.");
    }

    [Fact]
    public void CreateTopicFilter_ValuesWildcardsAndAlternatives_FormatsJsonRpcTopics()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        var toBob = transfer.CreateTopicFilter(null, Bob);
        var fromEither = transfer.CreateTopicFilter([[Alice, Bob]]);
        var any = transfer.CreateTopicFilter(null, null);

        toBob.ToJson().Should().Be($"[\"{transfer.Topic}\",null,\"{Bob.ToBytes32()}\"]");
        fromEither.ToJson().Should().Be($"[\"{transfer.Topic}\",[\"{Alice.ToBytes32()}\",\"{Bob.ToBytes32()}\"]]");
        any.ToJson().Should().Be($"[\"{transfer.Topic}\"]");
        toBob.Matches(transfer.EncodeLog(Alice, Bob, 1).Topics).Should().BeTrue();
        toBob.Matches(transfer.EncodeLog(Bob, Alice, 1).Topics).Should().BeFalse();
    }

    [Fact]
    public void CreateTopicFilter_MoreValuesThanIndexedParameters_Throws()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        var act = () => transfer.CreateTopicFilter(Alice, Bob, 5);

        act.Should().Throw<AbiEncodingException>().WithMessage(
            "Event Transfer(address,address,uint256) has 2 indexed parameters; the filter gives 3.");
    }

    [Fact]
    public void Constructor_TooManyIndexed_ThrowsAbiFormatException()
    {
        var act = () => AbiEvent.Parse("E(uint8 indexed a, uint8 indexed b, uint8 indexed c, uint8 indexed d)");

        act.Should().Throw<AbiFormatException>().WithMessage("Event E(uint8,uint8,uint8,uint8) indexes 4 parameters; an event indexes at most 3.");
    }
}
