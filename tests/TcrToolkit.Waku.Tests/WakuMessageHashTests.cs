using Google.Protobuf;
using TcrToolkit.Waku.Messages;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.Waku.Tests;

/// <summary>The four test vectors of 14/WAKU2-MESSAGE "Deterministic message hashing", byte for byte.</summary>
public sealed class WakuMessageHashTests
{
    private const string PubsubTopic = "/waku/2/default-waku/proto";
    private const string ContentTopic = "/waku/2/default-content/proto";
    private const long Timestamp = 0x175789bfa23f8400;

    [Theory]
    [InlineData("010203045445535405060708", "73757065722d736563726574", "64cce733fed134e83da02b02c6f689814872b1a0ac97ea56b76095c3c72bfe05")]
    [InlineData("010203045445535405060708",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
        "7158b6498753313368b9af8f6e0a0a05104f68f972981da42a43bc53fb0c1b27")]
    [InlineData("010203045445535405060708", null, "a2554498b31f5bcdfcbf7fa58ad1c2d45f0254f3f8110a85588ec3cf10720fd8")]
    [InlineData("", "73757065722d736563726574", "483ea950cb63f9b9d6926b262bb36194d3f40a0463ce8446228350bd44e96de4")]
    public void Compute_RfcVector_MatchesPublishedHash(string payload, string? meta, string expected)
    {
        var message = new WakuMessage
        {
            Payload = ByteString.CopyFrom(Convert.FromHexString(payload)),
            ContentTopic = ContentTopic,
            Timestamp = Timestamp,
        };
        if (meta is not null)
        {
            message.Meta = ByteString.CopyFrom(Convert.FromHexString(meta));
        }

        var hash = WakuMessageHash.Compute(PubsubTopic, message);

        Convert.ToHexStringLower(hash).Should().Be(expected);
        WakuMessageHash.Matches(PubsubTopic, message, hash).Should().BeTrue();
    }

    [Fact]
    public void Matches_AnyFieldChanged_ReturnsFalse()
    {
        var message = new WakuMessage { Payload = ByteString.CopyFromUtf8("x"), ContentTopic = ContentTopic, Timestamp = Timestamp };
        var hash = WakuMessageHash.Compute(PubsubTopic, message);

        WakuMessageHash.Matches("/waku/2/rs/1/0", message, hash).Should().BeFalse();
        WakuMessageHash.Matches(PubsubTopic, new WakuMessage(message) { Timestamp = Timestamp + 1 }, hash).Should().BeFalse();
        WakuMessageHash.Matches(PubsubTopic, new WakuMessage(message) { ContentTopic = "/a/1/b/proto" }, hash).Should().BeFalse();
        WakuMessageHash.Matches(PubsubTopic, message, hash.AsSpan(0, 31)).Should().BeFalse();
    }

    [Fact]
    public void WakuMessage_RoundTrip_KeepsFieldNumbersOfTheSpec()
    {
        // Field numbers from 14/WAKU2-MESSAGE: payload 1, content_topic 2, version 3, timestamp 10 (sint64), meta 11,
        // rate_limit_proof 21, ephemeral 31.
        var message = new WakuMessage
        {
            Payload = ByteString.CopyFrom(1, 2),
            ContentTopic = "t",
            Version = 1,
            Timestamp = -1,
            Meta = ByteString.CopyFrom(9),
            Ephemeral = true,
        };

        var bytes = message.ToByteArray();

        Convert.ToHexStringLower(bytes).Should().Be("0a020102" + "120174" + "1801" + "5001" + "5a0109" + "f80101");
        WakuMessage.Parser.ParseFrom(bytes).Should().Be(message);
    }
}
