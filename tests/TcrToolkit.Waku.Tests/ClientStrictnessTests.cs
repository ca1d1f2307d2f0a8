using Google.Protobuf;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku.Tests;

/// <summary>The client's page checks, each rule on its own: a page that breaks one is rejected whole.</summary>
public sealed class ClientStrictnessTests
{
    private const string Topic = "/app/1/a/proto";

    private static (MessageQuery Query, StoreQueryRequest Request, StoreQueryResponse Response) HonestPage(int count, bool forward = true)
    {
        var messages = TestMessages.InStoreOrder(Enumerable.Range(0, count).Select(i => TestMessages.Create(Topic, 100 + (i / 2), $"m{i}")));
        var query = new MessageQuery { PubsubTopic = TestMessages.PubsubTopic, ContentTopics = [Topic], TimeStart = 100, TimeEnd = 200, Forward = forward, Limit = count };
        var request = new StoreQueryRequest { RequestId = "req", IncludeData = true, PaginationForward = forward, PaginationLimit = (ulong)count };
        var response = new StoreQueryResponse { RequestId = "req", StatusCode = 200 };
        foreach (var m in messages)
        {
            response.Messages.Add(new WakuMessageKeyValue { MessageHash = ByteString.CopyFrom(m.Hash), Message = m.Message, PubsubTopic = m.PubsubTopic });
        }

        response.PaginationCursor = ByteString.CopyFrom(forward ? messages[^1].Hash : messages[0].Hash);
        return (query, request, response);
    }

    [Fact]
    public void CheckPage_HonestPage_IsAccepted()
    {
        var (query, request, response) = HonestPage(6);

        var page = WakuClient.CheckPage(query, request, response);

        page.Messages.Should().HaveCount(6);
        page.NextCursor.Should().Equal(response.PaginationCursor.ToByteArray());
    }

    public static TheoryData<string> Tampering => new()
    {
        "request-id", "status", "over-limit", "order", "hash", "pubsub-topic", "content-topic", "before-start", "at-end", "cursor", "cursor-on-empty", "no-data",
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public void CheckPage_TamperedPage_IsRejected(string tampering)
    {
        var (query, request, response) = HonestPage(6);
        var first = response.Messages[0];
        switch (tampering)
        {
            case "request-id": response.RequestId = "other"; break;
            case "status": response.StatusCode = 503; break;
            case "over-limit": request.PaginationLimit = 5; break;
            case "order": (response.Messages[1], response.Messages[2]) = (response.Messages[2], response.Messages[1]); break;
            case "hash": first.MessageHash = ByteString.CopyFrom(new byte[32]); break;
            case "pubsub-topic": first.PubsubTopic = "/waku/2/rs/0/9"; first.MessageHash = ByteString.CopyFrom(Messages.WakuMessageHash.Compute(first.PubsubTopic, first.Message)); break;
            case "content-topic": first.Message = new WakuMessage(first.Message) { ContentTopic = "/app/1/z/proto" }; first.MessageHash = ByteString.CopyFrom(Messages.WakuMessageHash.Compute(first.PubsubTopic, first.Message)); break;
            case "before-start": query = query with { TimeStart = 101 }; break;
            case "at-end": query = query with { TimeEnd = 102 }; break;
            case "cursor": response.PaginationCursor = first.MessageHash; break;
            case "cursor-on-empty": response.Messages.Clear(); break;
            case "no-data": first.Message = null; break;
        }

        var act = () => WakuClient.CheckPage(query, request, response);

        if (tampering == "status")
        {
            act.Should().Throw<WakuRequestFailedException>().Which.StatusCode.Should().Be(503);
        }
        else
        {
            act.Should().Throw<WakuProtocolViolationException>();
        }
    }
}
