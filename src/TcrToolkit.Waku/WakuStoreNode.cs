using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TcrToolkit.Waku.Framing;
using TcrToolkit.Waku.Messages;
using TcrToolkit.Waku.Proto;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku;

/// <summary>
/// The services of a Waku store node over any duplex stream (one libp2p stream per request): Store v3 queries,
/// LightPush v3 (and 2.0.0-beta1) ingest into the <see cref="IMessageStore"/>, and Metadata. Each <c>Serve…Async</c>
/// reads one length-prefixed request, answers it, and returns; it never throws for anything the peer does, and a slow
/// or silent peer is cut off after <see cref="WakuServiceOptions.RequestTimeout"/>.
/// </summary>
public sealed class WakuStoreNode
{
    private readonly IMessageStore _store;
    private readonly WakuServiceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PeerRateLimiter _rateLimiter;
    private readonly HashSet<string> _pubsubTopics;

    /// <summary>Creates the node's services.</summary>
    /// <param name="store">Where pushed messages go and queries read.</param>
    /// <param name="options">Limits and identity; validated here.</param>
    /// <param name="time">The clock for the timestamp rule, rate limits and timeouts.</param>
    /// <param name="logger">Where refused requests and failures are logged.</param>
    public WakuStoreNode(IMessageStore store, WakuServiceOptions options, TimeProvider? time = null, ILogger<WakuStoreNode>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<WakuStoreNode>.Instance;
        _rateLimiter = new PeerRateLimiter(options.RequestsPerSecondPerPeer, options.RequestBurstPerPeer, _time);
        _pubsubTopics = new HashSet<string>(options.PubsubTopics, StringComparer.Ordinal);
    }

    /// <summary>The store behind the services.</summary>
    public IMessageStore Store => _store;

    /// <summary>Serves one Store v3 query on <paramref name="stream"/>.</summary>
    /// <param name="stream">The request's stream.</param>
    /// <param name="remotePeer">The peer's id, for rate limits and logs.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the response is written or the request refused.</returns>
    public Task ServeStoreQueryAsync(Stream stream, string remotePeer, CancellationToken cancellationToken = default) =>
        ServeAsync(stream, remotePeer, WakuProtocols.StoreQuery, _options.MaxRequestFrame, StoreQueryRequest.Parser,
            HandleStoreQueryAsync, (request, code, description) => new StoreQueryResponse
            {
                RequestId = request?.RequestId ?? "",
                StatusCode = code,
                StatusDesc = description,
            }, cancellationToken);

    /// <summary>Serves one LightPush v3 request on <paramref name="stream"/>.</summary>
    /// <param name="stream">The request's stream.</param>
    /// <param name="remotePeer">The peer's id, for rate limits and logs.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the response is written or the request refused.</returns>
    public Task ServeLightPushAsync(Stream stream, string remotePeer, CancellationToken cancellationToken = default) =>
        ServeAsync(stream, remotePeer, WakuProtocols.LightPush, _options.MaxRequestFrame, LightPushRequest.Parser,
            HandleLightPushAsync, (request, code, description) => new LightPushResponse
            {
                RequestId = request?.RequestId ?? "",
                StatusCode = code,
                StatusDesc = description,
            }, cancellationToken);

    /// <summary>Serves one LightPush 2.0.0-beta1 request on <paramref name="stream"/>.</summary>
    /// <param name="stream">The request's stream.</param>
    /// <param name="remotePeer">The peer's id, for rate limits and logs.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the response is written or the request refused.</returns>
    public Task ServeLightPushV2Beta1Async(Stream stream, string remotePeer, CancellationToken cancellationToken = default) =>
        ServeAsync(stream, remotePeer, WakuProtocols.LightPushV2Beta1, _options.MaxRequestFrame, PushRpc.Parser,
            async (rpc, peer, ct) =>
            {
                var v3 = await HandleLightPushAsync(
                    new LightPushRequest
                    {
                        RequestId = rpc.RequestId,
                        PubsubTopic = rpc.Request?.PubsubTopic ?? "",
                        Message = rpc.Request?.Message,
                    }, peer, ct).ConfigureAwait(false);
                return ToV2(rpc, v3.StatusCode, v3.StatusDesc);
            },
            (rpc, code, description) => ToV2(rpc, code, description), cancellationToken);

    /// <summary>Serves one Metadata request on <paramref name="stream"/>: answers with this node's cluster id and shards.</summary>
    /// <param name="stream">The request's stream.</param>
    /// <param name="remotePeer">The peer's id, for logs.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public Task ServeMetadataAsync(Stream stream, string remotePeer, CancellationToken cancellationToken = default) =>
        ServeAsync(stream, remotePeer, WakuProtocols.Metadata, 4096, WakuMetadataRequest.Parser,
            (request, peer, ct) =>
            {
                if (request.HasClusterId && request.ClusterId != _options.ClusterId)
                {
                    WakuLog.ClusterMismatch(_logger, peer, request.ClusterId, _options.ClusterId);
                }

                return Task.FromResult(CreateMetadataResponse());
            },
            (_, _, _) => CreateMetadataResponse(), cancellationToken);

    /// <summary>Answers a Store v3 query (the part of <see cref="ServeStoreQueryAsync"/> after decoding).</summary>
    internal async Task<StoreQueryResponse> HandleStoreQueryAsync(StoreQueryRequest request, string peer, CancellationToken cancellationToken)
    {
        var response = new StoreQueryResponse { RequestId = request.RequestId };
        if (!_rateLimiter.TryAcquire(peer, WakuProtocols.StoreQuery))
        {
            return Refuse(response, WakuStatusCodes.TooManyRequests, "request rate exceeded; slow down");
        }

        if (Validate(request) is { } problem)
        {
            return Refuse(response, WakuStatusCodes.BadRequest, problem);
        }

        var limit = !request.HasPaginationLimit || request.PaginationLimit == 0 || request.PaginationLimit > (ulong)_options.MaxPageSize
            ? _options.MaxPageSize
            : (int)request.PaginationLimit;
        var query = new MessageQuery
        {
            PubsubTopic = request.HasPubsubTopic ? request.PubsubTopic : null,
            ContentTopics = request.ContentTopics,
            TimeStart = request.HasTimeStart ? request.TimeStart : null,
            TimeEnd = request.HasTimeEnd ? request.TimeEnd : null,
            MessageHashes = request.MessageHashes.Select(h => h.ToByteArray()).ToList(),
            Cursor = request.HasPaginationCursor ? request.PaginationCursor.ToByteArray() : null,
            Forward = request.PaginationForward,
            Limit = limit,
        };

        MessagePage page;
        try
        {
            page = await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (MessageStoreCursorNotFoundException)
        {
            return Refuse(response, WakuStatusCodes.BadRequest, "the pagination cursor names no stored message");
        }

        response.StatusCode = WakuStatusCodes.Ok;
        response.StatusDesc = "OK";
        foreach (var stored in page.Messages)
        {
            var entry = new WakuMessageKeyValue { MessageHash = UnsafeByteOperations.UnsafeWrap(stored.Hash) };
            if (request.IncludeData)
            {
                entry.Message = stored.Message;
                entry.PubsubTopic = stored.PubsubTopic;
            }

            response.Messages.Add(entry);
        }

        if (page.NextCursor is { } next)
        {
            response.PaginationCursor = UnsafeByteOperations.UnsafeWrap(next);
        }

        return response;
    }

    /// <summary>Answers a LightPush v3 request (the part of <see cref="ServeLightPushAsync"/> after decoding).</summary>
    internal async Task<LightPushResponse> HandleLightPushAsync(LightPushRequest request, string peer, CancellationToken cancellationToken)
    {
        var response = new LightPushResponse { RequestId = request.RequestId };
        if (!_rateLimiter.TryAcquire(peer, WakuProtocols.LightPush))
        {
            return Refuse(response, WakuStatusCodes.TooManyRequests, "request rate exceeded; slow down");
        }

        if (request.Message is not { } message)
        {
            return Refuse(response, WakuStatusCodes.BadRequest, "the request carries no message");
        }

        if (!request.HasPubsubTopic || request.PubsubTopic.Length == 0)
        {
            return Refuse(response, WakuStatusCodes.BadRequest, "the request names no pubsub topic");
        }

        if (_pubsubTopics.Count > 0 && !_pubsubTopics.Contains(request.PubsubTopic))
        {
            return Refuse(response, WakuStatusCodes.UnsupportedPubsubTopic, $"this node does not serve {request.PubsubTopic}");
        }

        var size = message.CalculateSize();
        if (size > _options.MaxMessageSize)
        {
            return Refuse(response, WakuStatusCodes.PayloadTooLarge,
                $"the message has {size} bytes; the limit is {_options.MaxMessageSize}");
        }

        if (message.ContentTopic.Length == 0)
        {
            return Refuse(response, WakuStatusCodes.BadRequest, "the message has no content topic");
        }

        if (message.Ephemeral)
        {
            // Ephemeral messages are accepted but never stored (RFC 13).
            response.StatusCode = WakuStatusCodes.Ok;
            response.StatusDesc = "accepted; ephemeral messages are not stored";
            response.RelayPeerCount = 0;
            return response;
        }

        if (!message.HasTimestamp || message.Timestamp == 0)
        {
            return Refuse(response, WakuStatusCodes.BadRequest, "the message has no timestamp; a store node needs one");
        }

        var nowNanos = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000L;
        var tolerance = (long)_options.TimestampTolerance.TotalMilliseconds * 1_000_000L;
        if (message.Timestamp < nowNanos - tolerance || message.Timestamp > nowNanos + tolerance)
        {
            return Refuse(response, WakuStatusCodes.BadRequest,
                $"the message timestamp is more than {_options.TimestampTolerance.TotalSeconds:0} s from this node's clock");
        }

        await _store.AddAsync(StoredMessage.Create(request.PubsubTopic, message), cancellationToken).ConfigureAwait(false);
        response.StatusCode = WakuStatusCodes.Ok;
        response.StatusDesc = "OK";
        // A store node keeps the message instead of relaying it: no relay peers were involved.
        response.RelayPeerCount = 0;
        return response;
    }

    private string? Validate(StoreQueryRequest request)
    {
        if (request.RequestId.Length == 0)
        {
            return "request_id is required";
        }

        // js-waku 0.0.36 sends its decoder's pubsub_topic with hash lookups and nwaku accepts pubsub_topic alone, so a
        // lone pubsub_topic is taken as a filter; content topics or a time range beside hashes are refused as RFC 13 says.
        var contentFilter = request.ContentTopics.Count > 0 || request.HasTimeStart || request.HasTimeEnd;
        if (request.MessageHashes.Count > 0 && contentFilter)
        {
            return "a query sets either message_hashes or content filter fields, never both";
        }

        if (request.ContentTopics.Count > 0 && !request.HasPubsubTopic)
        {
            return "content_topics need the pubsub_topic they were published on";
        }

        if (request.ContentTopics.Count > _options.MaxContentTopicsPerQuery)
        {
            return $"at most {_options.MaxContentTopicsPerQuery} content topics per query";
        }

        if (request.MessageHashes.Count > _options.MaxHashesPerQuery)
        {
            return $"at most {_options.MaxHashesPerQuery} message hashes per query";
        }

        if (request.MessageHashes.Any(h => h.Length != WakuMessageHash.Length))
        {
            return "a message hash has 32 bytes";
        }

        if (request.HasPaginationCursor && request.PaginationCursor.Length != WakuMessageHash.Length)
        {
            return "the pagination cursor is a 32-byte message hash";
        }

        return null;
    }

    private static StoreQueryResponse Refuse(StoreQueryResponse response, uint code, string description)
    {
        response.StatusCode = code;
        response.StatusDesc = description;
        return response;
    }

    private static LightPushResponse Refuse(LightPushResponse response, uint code, string description)
    {
        response.StatusCode = code;
        response.StatusDesc = description;
        return response;
    }

    private static PushRpc ToV2(PushRpc? request, uint code, string description) => new()
    {
        RequestId = request?.RequestId ?? "",
        Response = new PushResponse { IsSuccess = code == WakuStatusCodes.Ok, Info = description },
    };

    private WakuMetadataResponse CreateMetadataResponse()
    {
        var response = new WakuMetadataResponse { ClusterId = _options.ClusterId };
        response.Shards.AddRange(_options.Shards);
        return response;
    }

    private async Task ServeAsync<TRequest, TResponse>(
        Stream stream,
        string remotePeer,
        string protocol,
        int maxFrame,
        MessageParser<TRequest> parser,
        Func<TRequest, string, CancellationToken, Task<TResponse>> handle,
        Func<TRequest?, uint, string, TResponse> refuse,
        CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(remotePeer);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        try
        {
            TResponse response;
            TRequest? request = null;
            try
            {
                var frame = await LengthPrefixedFrames.ReadAsync(stream, maxFrame, token).ConfigureAwait(false);
                if (frame is null)
                {
                    return;
                }

                request = LengthPrefixedFrames.Parse(parser, frame);
                response = await handle(request, remotePeer, token).ConfigureAwait(false);
            }
            catch (WakuProtocolViolationException ex)
            {
                WakuLog.RequestRefused(_logger, protocol, remotePeer, ex.Message);
                response = refuse(request, WakuStatusCodes.BadRequest, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                WakuLog.RequestFailed(_logger, ex, protocol, remotePeer);
                response = refuse(request, WakuStatusCodes.InternalServerError, "the service failed; try again later");
            }

            await LengthPrefixedFrames.WriteAsync(stream, response, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            WakuLog.RequestTimedOut(_logger, protocol, remotePeer, _options.RequestTimeout);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        catch (Exception ex)
        {
            // The peer went away mid-write or the stream broke: nothing to answer, nothing to throw.
            WakuLog.StreamBroke(_logger, ex, protocol, remotePeer);
        }
    }
}
