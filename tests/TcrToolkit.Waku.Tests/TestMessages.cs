using Google.Protobuf;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku.Tests;

/// <summary>Builders and the reference order for tests.</summary>
internal static class TestMessages
{
    public const string PubsubTopic = "/waku/2/rs/0/0";

    public static StoredMessage Create(string contentTopic, long timestamp, string payload, string pubsubTopic = PubsubTopic) =>
        StoredMessage.Create(pubsubTopic, new WakuMessage
        {
            Payload = ByteString.CopyFromUtf8(payload),
            ContentTopic = contentTopic,
            Timestamp = timestamp,
        });

    /// <summary>The Store v3 order: timestamp, then the hash bytes.</summary>
    public static int CompareStoreOrder(StoredMessage a, StoredMessage b)
    {
        var byTime = a.Timestamp.CompareTo(b.Timestamp);
        return byTime != 0 ? byTime : a.Hash.AsSpan().SequenceCompareTo(b.Hash);
    }

    public static List<StoredMessage> InStoreOrder(IEnumerable<StoredMessage> messages)
    {
        var list = messages.ToList();
        list.Sort(CompareStoreOrder);
        return list;
    }

    public static string Hex(StoredMessage message) => Convert.ToHexStringLower(message.Hash);

    public static string TempPath(string name) =>
        Path.Combine(Path.GetTempPath(), "tcr-waku-tests", $"{name}-{Guid.NewGuid():N}", "messages.db");
}
