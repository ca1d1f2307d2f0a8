using TcrToolkit.Waku.Proto;

namespace TcrToolkit.Waku.Store;

/// <summary>
/// A durable archive of Waku messages keyed by their deterministic hash and ordered by (timestamp, hash), the order
/// Store v3 pages in. SQLite is the default (<see cref="SqliteMessageStore"/>); a large deployment can put a server
/// database behind this interface.
/// </summary>
public interface IMessageStore : IAsyncDisposable
{
    /// <summary>
    /// Stores a message durably. When the returned task completes the message survives a crash of the process.
    /// Storing a message whose hash is already present changes nothing and reports <see cref="StoreAddResult.Duplicate"/>.
    /// </summary>
    /// <param name="message">The message and its key.</param>
    /// <param name="cancellationToken">Cancels waiting; the message may still be stored.</param>
    /// <returns>Whether the message was new.</returns>
    Task<StoreAddResult> AddAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of the messages matching <paramref name="query"/>.</summary>
    /// <param name="query">The filter, cursor, direction and page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, in forward order, and the cursor for the next page if more match.</returns>
    /// <exception cref="MessageStoreCursorNotFoundException">The cursor names no stored message.</exception>
    Task<MessagePage> QueryAsync(MessageQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts the stored messages.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of messages.</returns>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes messages older than the retention age and the oldest beyond the retention count.</summary>
    /// <param name="retention">The rules to apply.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>How many messages were deleted.</returns>
    Task<long> ApplyRetentionAsync(MessageRetention retention, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IMessageStore.AddAsync"/> did.</summary>
public enum StoreAddResult
{
    /// <summary>The message was new and is now stored.</summary>
    Added,

    /// <summary>A message with the same hash was already stored; nothing changed.</summary>
    Duplicate,
}

/// <summary>A stored message: its key, the pubsub topic it was published on, and the message itself.</summary>
/// <param name="Hash">The deterministic message hash (32 bytes).</param>
/// <param name="PubsubTopic">The pubsub topic.</param>
/// <param name="Message">The message; its timestamp orders it.</param>
public sealed record StoredMessage(byte[] Hash, string PubsubTopic, WakuMessage Message)
{
    /// <summary>Creates a stored message, computing its hash.</summary>
    /// <param name="pubsubTopic">The pubsub topic.</param>
    /// <param name="message">The message.</param>
    /// <returns>The stored message.</returns>
    public static StoredMessage Create(string pubsubTopic, WakuMessage message) =>
        new(Messages.WakuMessageHash.Compute(pubsubTopic, message), pubsubTopic, message);

    /// <summary>The message's timestamp in Unix nanoseconds.</summary>
    public long Timestamp => Message.Timestamp;
}

/// <summary>A store query: either a content filter (topics, time range) or a hash lookup, plus pagination.</summary>
public sealed record MessageQuery
{
    /// <summary>The pubsub topic; set together with <see cref="ContentTopics"/> or not at all.</summary>
    public string? PubsubTopic { get; init; }

    /// <summary>Content topics to match; empty matches every topic.</summary>
    public IReadOnlyList<string> ContentTopics { get; init; } = [];

    /// <summary>Inclusive lower bound on the timestamp (Unix nanoseconds).</summary>
    public long? TimeStart { get; init; }

    /// <summary>Exclusive upper bound on the timestamp (Unix nanoseconds).</summary>
    public long? TimeEnd { get; init; }

    /// <summary>Message hashes to look up; when non-empty the content filter must be unset.</summary>
    public IReadOnlyList<byte[]> MessageHashes { get; init; } = [];

    /// <summary>The hash of the message to continue after (exclusive), from the previous page.</summary>
    public byte[]? Cursor { get; init; }

    /// <summary>Ascending (oldest first) when <see langword="true"/>; descending otherwise, as Store v3 defaults.</summary>
    public bool Forward { get; init; }

    /// <summary>The page size (at least 1).</summary>
    public int Limit { get; init; } = 20;
}

/// <summary>One page of a query.</summary>
/// <param name="Messages">The matching messages in forward (ascending) order whatever the direction.</param>
/// <param name="NextCursor">The cursor for the next page, or <see langword="null"/> when nothing more matches.</param>
public sealed record MessagePage(IReadOnlyList<StoredMessage> Messages, byte[]? NextCursor);

/// <summary>How long and how many messages a store keeps.</summary>
public sealed record MessageRetention
{
    /// <summary>Messages whose timestamp is older than this are deleted; <see langword="null"/> keeps them.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Only the newest this many messages are kept; <see langword="null"/> keeps all.</summary>
    public long? MaxCount { get; init; }
}

/// <summary>The query's cursor names no stored message (it was never stored, or retention deleted it).</summary>
public sealed class MessageStoreCursorNotFoundException : WakuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="cursor">The cursor.</param>
    public MessageStoreCursorNotFoundException(byte[] cursor)
        : base($"The cursor 0x{Convert.ToHexStringLower(cursor)} names no stored message; start the query again without a cursor.")
    {
    }
}
