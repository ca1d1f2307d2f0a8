using System.Runtime.CompilerServices;
using Google.Protobuf;
using TcrToolkit.Libp2p;
using TcrToolkit.Waku.Framing;
using TcrToolkit.Waku.Messages;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku;

/// <summary>Opens a fresh stream to the remote peer for one request of <paramref name="protocolId"/>.</summary>
/// <param name="protocolId">The protocol the stream negotiates, one of <see cref="WakuProtocols"/>.</param>
/// <param name="cancellationToken">Cancels opening.</param>
/// <returns>The duplex stream; the client disposes it after the response.</returns>
public delegate Task<Stream> WakuStreamOpener(string protocolId, CancellationToken cancellationToken);

/// <summary>Limits of a <see cref="WakuClient"/>.</summary>
public sealed class WakuClientOptions
{
    /// <summary>The largest response frame accepted (a full page of maximum-size messages fits by default).</summary>
    public int MaxResponseFrame { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a peer has to answer one request.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The page size asked for when a query does not say.</summary>
    public int DefaultPageSize { get; set; } = 100;
}

/// <summary>The result of a successful LightPush.</summary>
/// <param name="Hash">The pushed message's deterministic hash.</param>
/// <param name="RelayPeerCount">How many peers the service relayed it to, if it said.</param>
public sealed record LightPushResult(byte[] Hash, uint? RelayPeerCount);

/// <summary>
/// A strict client of one Waku service node: Store v3 queries, LightPush v3 and Metadata. Every page is checked before
/// it is returned — answers the request, in Store v3 order, inside the requested range, topics or hashes, each hash the
/// deterministic hash of its message, cursor where the spec puts it — and a page that fails is rejected whole with
/// <see cref="WakuProtocolViolationException"/>, never merged.
/// </summary>
public sealed class WakuClient
{
    private readonly WakuStreamOpener _open;
    private readonly WakuClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the client.</summary>
    /// <param name="open">Opens one stream per request to the service node.</param>
    /// <param name="options">Limits.</param>
    /// <param name="time">The clock for timeouts and message timestamps.</param>
    public WakuClient(WakuStreamOpener open, WakuClientOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        _open = open;
        _options = options ?? new WakuClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxResponseFrame, 1024, nameof(_options.MaxResponseFrame));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.DefaultPageSize, 1, nameof(_options.DefaultPageSize));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Pushes a message with LightPush v3. A message without a timestamp gets the current time.</summary>
    /// <param name="pubsubTopic">The pubsub topic.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the push.</param>
    /// <returns>The message's hash and the relay count.</returns>
    /// <exception cref="WakuRequestFailedException">The service refused the message.</exception>
    /// <exception cref="WakuProtocolViolationException">The answer is malformed or for another request.</exception>
    /// <exception cref="WakuTimeoutException">No answer in time.</exception>
    public async Task<LightPushResult> PushAsync(string pubsubTopic, WakuMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubTopic);
        ArgumentNullException.ThrowIfNull(message);
        if (!message.HasTimestamp)
        {
            message = new WakuMessage(message) { Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000L };
        }

        var request = new LightPushRequest { RequestId = Guid.NewGuid().ToString(), PubsubTopic = pubsubTopic, Message = message };
        var response = await ExchangeAsync(WakuProtocols.LightPush, request, LightPushResponse.Parser, cancellationToken)
            .ConfigureAwait(false);
        if (response.RequestId != request.RequestId)
        {
            throw new WakuProtocolViolationException(
                $"The LightPush response answers request '{response.RequestId}', not '{request.RequestId}'.");
        }

        if (response.StatusCode != WakuStatusCodes.Ok)
        {
            throw new WakuRequestFailedException(WakuProtocols.LightPush, response.StatusCode, response.StatusDesc);
        }

        return new LightPushResult(WakuMessageHash.Compute(pubsubTopic, message), response.HasRelayPeerCount ? response.RelayPeerCount : null);
    }

    /// <summary>Asks the peer for its cluster id and shards (Metadata protocol).</summary>
    /// <param name="clusterId">This node's cluster id.</param>
    /// <param name="shards">This node's shards.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The peer's answer.</returns>
    public Task<WakuMetadataResponse> GetMetadataAsync(uint clusterId, IEnumerable<uint>? shards = null, CancellationToken cancellationToken = default)
    {
        var request = new WakuMetadataRequest { ClusterId = clusterId };
        request.Shards.AddRange(shards ?? []);
        return ExchangeAsync(WakuProtocols.Metadata, request, WakuMetadataResponse.Parser, cancellationToken);
    }

    /// <summary>Reads one page of a Store v3 query, checked strictly.</summary>
    /// <param name="query">The query; <see cref="MessageQuery.Limit"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page in forward order and the cursor for the next page.</returns>
    /// <exception cref="WakuRequestFailedException">The service answered with an error status.</exception>
    /// <exception cref="WakuProtocolViolationException">The page broke a rule; nothing of it is returned.</exception>
    /// <exception cref="WakuTimeoutException">No answer in time.</exception>
    public async Task<MessagePage> QueryPageAsync(MessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = ToRequest(query, includeData: true);
        var response = await ExchangeAsync(WakuProtocols.StoreQuery, request, StoreQueryResponse.Parser, cancellationToken)
            .ConfigureAwait(false);
        return CheckPage(query, request, response);
    }

    /// <summary>Reads every message matching <paramref name="query"/>, page after page, in the query's direction.</summary>
    /// <param name="query">The query; <see cref="MessageQuery.Limit"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels paging.</param>
    /// <returns>The pages as they arrive, each in forward order.</returns>
    /// <exception cref="WakuProtocolViolationException">A page broke a rule or repeated or skipped back over an earlier page.</exception>
    public async IAsyncEnumerable<MessagePage> QueryAllAsync(MessageQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoredMessage? boundary = null;
        var next = query;
        while (true)
        {
            var page = await QueryPageAsync(next, cancellationToken).ConfigureAwait(false);
            if (boundary is not null && page.Messages.Count > 0)
            {
                var edge = query.Forward ? page.Messages[0] : page.Messages[^1];
                var order = CompareStoreOrder(edge, boundary);
                if (query.Forward ? order <= 0 : order >= 0)
                {
                    throw new WakuProtocolViolationException(
                        "A page repeats or goes back over messages of the previous page; the pages are rejected.");
                }
            }

            yield return page;
            if (page.NextCursor is null || page.Messages.Count == 0)
            {
                yield break;
            }

            boundary = query.Forward ? page.Messages[^1] : page.Messages[0];
            next = next with { Cursor = page.NextCursor };
        }
    }

    /// <summary>Asks which of <paramref name="hashes"/> the peer stores (a presence query: hashes only, no data).</summary>
    /// <param name="hashes">The message hashes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The hashes the peer reports as stored, as lowercase hex.</returns>
    public async Task<IReadOnlySet<string>> QueryPresenceAsync(IReadOnlyList<byte[]> hashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var query = new MessageQuery { MessageHashes = hashes, Limit = Math.Max(1, hashes.Count), Forward = true };
        var request = ToRequest(query, includeData: false);
        var response = await ExchangeAsync(WakuProtocols.StoreQuery, request, StoreQueryResponse.Parser, cancellationToken)
            .ConfigureAwait(false);
        CheckStatus(request, response);
        var asked = hashes.Select(Convert.ToHexStringLower).ToHashSet(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in response.Messages)
        {
            var hex = Convert.ToHexStringLower(entry.MessageHash.Span);
            if (!asked.Contains(hex))
            {
                throw new WakuProtocolViolationException($"The presence answer names hash {hex}, which was not asked for.");
            }

            present.Add(hex);
        }

        return present;
    }

    private StoreQueryRequest ToRequest(MessageQuery query, bool includeData)
    {
        var request = new StoreQueryRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            IncludeData = includeData,
            PaginationForward = query.Forward,
            PaginationLimit = (ulong)(query.Limit > 0 ? query.Limit : _options.DefaultPageSize),
        };
        if (query.PubsubTopic is not null)
        {
            request.PubsubTopic = query.PubsubTopic;
        }

        request.ContentTopics.AddRange(query.ContentTopics);
        if (query.TimeStart is { } start)
        {
            request.TimeStart = start;
        }

        if (query.TimeEnd is { } end)
        {
            request.TimeEnd = end;
        }

        request.MessageHashes.AddRange(query.MessageHashes.Select(h => ByteString.CopyFrom(h)));
        if (query.Cursor is { } cursor)
        {
            request.PaginationCursor = ByteString.CopyFrom(cursor);
        }

        return request;
    }

    private static void CheckStatus(StoreQueryRequest request, StoreQueryResponse response)
    {
        if (response.RequestId != request.RequestId)
        {
            throw new WakuProtocolViolationException(
                $"The store response answers request '{response.RequestId}', not '{request.RequestId}'.");
        }

        if (!response.HasStatusCode || response.StatusCode < 200 || response.StatusCode >= 300)
        {
            throw new WakuRequestFailedException(WakuProtocols.StoreQuery, response.StatusCode, response.StatusDesc);
        }
    }

    /// <summary>The strict checks of one page; internal so the fuzz and property tests can drive it directly.</summary>
    internal static MessagePage CheckPage(MessageQuery query, StoreQueryRequest request, StoreQueryResponse response)
    {
        CheckStatus(request, response);
        if ((ulong)response.Messages.Count > request.PaginationLimit)
        {
            throw new WakuProtocolViolationException(
                $"The page has {response.Messages.Count} messages; {request.PaginationLimit} were asked for.");
        }

        var lookup = query.MessageHashes.Count > 0
            ? query.MessageHashes.Select(Convert.ToHexStringLower).ToHashSet(StringComparer.Ordinal)
            : null;
        var messages = new List<StoredMessage>(response.Messages.Count);
        foreach (var entry in response.Messages)
        {
            if (!entry.HasMessageHash || entry.MessageHash.Length != WakuMessageHash.Length)
            {
                throw new WakuProtocolViolationException("A page entry has no 32-byte message hash.");
            }

            if (entry.Message is null || !entry.HasPubsubTopic)
            {
                throw new WakuProtocolViolationException("A page entry lacks the message or pubsub topic that include_data asked for.");
            }

            var hash = entry.MessageHash.ToByteArray();
            if (!WakuMessageHash.Matches(entry.PubsubTopic, entry.Message, hash))
            {
                throw new WakuProtocolViolationException(
                    $"The entry 0x{Convert.ToHexStringLower(hash)} is not the hash of its message; the page is rejected.");
            }

            var stored = new StoredMessage(hash, entry.PubsubTopic, entry.Message);
            if (lookup is not null && !lookup.Contains(Convert.ToHexStringLower(hash)))
            {
                throw new WakuProtocolViolationException($"The page holds 0x{Convert.ToHexStringLower(hash)}, which was not looked up.");
            }

            if (query.PubsubTopic is not null && stored.PubsubTopic != query.PubsubTopic)
            {
                throw new WakuProtocolViolationException($"The page holds a message of pubsub topic {stored.PubsubTopic}, which was not asked for.");
            }

            if (query.ContentTopics.Count > 0 && !query.ContentTopics.Contains(stored.Message.ContentTopic))
            {
                throw new WakuProtocolViolationException($"The page holds a message of content topic {stored.Message.ContentTopic}, which was not asked for.");
            }

            if ((query.TimeStart is { } start && stored.Timestamp < start) || (query.TimeEnd is { } end && stored.Timestamp >= end))
            {
                throw new WakuProtocolViolationException($"The page holds a message at {stored.Timestamp}, outside the requested time range.");
            }

            if (messages.Count > 0 && CompareStoreOrder(messages[^1], stored) >= 0)
            {
                throw new WakuProtocolViolationException("The page is not in Store v3 order (timestamp, then hash, ascending).");
            }

            // The cursor is exclusive. Its timestamp is unknown here; QueryAllAsync checks order against the previous page.
            if (query.Cursor is { } cursor && stored.Hash.AsSpan().SequenceEqual(cursor))
            {
                throw new WakuProtocolViolationException("The page holds the cursor's own message, which the cursor excludes.");
            }

            messages.Add(stored);
        }

        byte[]? next = null;
        if (response.HasPaginationCursor)
        {
            if (messages.Count == 0)
            {
                throw new WakuProtocolViolationException("An empty page carries a pagination cursor.");
            }

            next = response.PaginationCursor.ToByteArray();
            var expected = query.Forward ? messages[^1].Hash : messages[0].Hash;
            if (!next.AsSpan().SequenceEqual(expected))
            {
                throw new WakuProtocolViolationException(
                    "The pagination cursor is not the hash of the page's " + (query.Forward ? "last" : "first") + " message.");
            }
        }

        return new MessagePage(messages, next);
    }

    private static int CompareStoreOrder(StoredMessage a, StoredMessage b)
    {
        var byTime = a.Timestamp.CompareTo(b.Timestamp);
        return byTime != 0 ? byTime : a.Hash.AsSpan().SequenceCompareTo(b.Hash);
    }

    private async Task<TResponse> ExchangeAsync<TResponse>(
        string protocol, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        using var timeout = new CancellationTokenSource(_options.ResponseTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var stream = await _open(protocol, linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await LengthPrefixedFrames.WriteAsync(stream, request, linked.Token).ConfigureAwait(false);
                if (stream is Libp2pStream libp2pStream)
                {
                    // One request per stream: half-close so a server that reads to the end (it-pipe) can answer.
                    await libp2pStream.CloseWriteAsync(linked.Token).ConfigureAwait(false);
                }

                var frame = await LengthPrefixedFrames.ReadAsync(stream, _options.MaxResponseFrame, linked.Token).ConfigureAwait(false)
                    ?? throw new WakuProtocolViolationException($"The peer closed the {protocol} stream without answering.");
                return LengthPrefixedFrames.Parse(parser, frame);
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WakuTimeoutException($"The peer did not answer the {protocol} request within {_options.ResponseTimeout}.", ex);
        }
        catch (Exception ex) when (ex is IOException or Libp2pException)
        {
            throw new WakuException($"The {protocol} stream broke: {ex.Message}; try again or another peer.", ex);
        }
    }
}
