using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.Waku.Store;

/// <summary>
/// The default <see cref="IMessageStore"/>: one SQLite file in WAL mode. Rows are clustered on (timestamp, hash), the
/// Store v3 order, so a page is one range scan and a cursor is an exact position: pages never skip or repeat a message
/// at a boundary, however many messages share a timestamp. Writes go through one writer loop that commits whatever has
/// queued up as one transaction with a full fsync (group commit) and completes each caller only after that commit.
/// </summary>
public sealed class SqliteMessageStore : IMessageStore
{
    private const int MaxBatch = 1024;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Channel<WriteOperation> _writes = Channel.CreateUnbounded<WriteOperation>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly Task _writerLoop;
    private int _disposed;

    private SqliteMessageStore(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
        _writerLoop = Task.Factory.StartNew(
            RunWriterLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The path of the database file.</summary>
    public string Path { get; private init; } = "";

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <returns>The open store.</returns>
    public static SqliteMessageStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        writer.Open();
        Execute(writer, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 30000;
            CREATE TABLE IF NOT EXISTS messages (
                ts INTEGER NOT NULL,
                hash BLOB NOT NULL,
                pubsub_topic TEXT NOT NULL,
                content_topic TEXT NOT NULL,
                message BLOB NOT NULL,
                PRIMARY KEY (ts, hash)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX IF NOT EXISTS messages_by_hash ON messages (hash);
            CREATE INDEX IF NOT EXISTS messages_by_topic ON messages (pubsub_topic, content_topic, ts, hash);
            """);
        return new SqliteMessageStore(connectionString, writer) { Path = fullPath };
    }

    /// <inheritdoc />
    public Task<StoreAddResult> AddAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Hash.Length != Messages.WakuMessageHash.Length)
        {
            throw new ArgumentException("A message hash has 32 bytes.", nameof(message));
        }

        var operation = new AddOperation(message);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(operation), this);

        return operation.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> ApplyRetentionAsync(MessageRetention retention, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var operation = new RetentionOperation(retention, now);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(operation), this);

        return operation.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var connection = RentReader();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM messages";
            return Task.FromResult((long)command.ExecuteScalar()!);
        }
        finally
        {
            ReturnReader(connection);
        }
    }

    /// <inheritdoc />
    public Task<MessagePage> QueryAsync(MessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = RentReader();
        try
        {
            return Task.FromResult(Query(connection, query));
        }
        finally
        {
            ReturnReader(connection);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        while (_readers.TryTake(out var reader))
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static MessagePage Query(SqliteConnection connection, MessageQuery query)
    {
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ts, hash, pubsub_topic, message FROM messages WHERE 1");
        if (query.MessageHashes.Count > 0)
        {
            sql.Append(" AND hash IN (");
            for (var i = 0; i < query.MessageHashes.Count; i++)
            {
                sql.Append(i == 0 ? "$h" : ", $h").Append(i);
                command.Parameters.AddWithValue("$h" + i, query.MessageHashes[i]);
            }

            sql.Append(')');
        }

        if (query.PubsubTopic is not null)
        {
            sql.Append(" AND pubsub_topic = $pubsub");
            command.Parameters.AddWithValue("$pubsub", query.PubsubTopic);
        }

        if (query.ContentTopics.Count > 0)
        {
            sql.Append(" AND content_topic IN (");
            for (var i = 0; i < query.ContentTopics.Count; i++)
            {
                sql.Append(i == 0 ? "$c" : ", $c").Append(i);
                command.Parameters.AddWithValue("$c" + i, query.ContentTopics[i]);
            }

            sql.Append(')');
        }

        if (query.TimeStart is { } start)
        {
            sql.Append(" AND ts >= $start");
            command.Parameters.AddWithValue("$start", start);
        }

        if (query.TimeEnd is { } end)
        {
            sql.Append(" AND ts < $end");
            command.Parameters.AddWithValue("$end", end);
        }

        if (query.Cursor is { } cursor)
        {
            var cursorTimestamp = FindTimestamp(connection, cursor) ?? throw new MessageStoreCursorNotFoundException(cursor);
            sql.Append(query.Forward ? " AND (ts, hash) > ($cts, $ch)" : " AND (ts, hash) < ($cts, $ch)");
            command.Parameters.AddWithValue("$cts", cursorTimestamp);
            command.Parameters.AddWithValue("$ch", cursor);
        }

        sql.Append(query.Forward ? " ORDER BY ts ASC, hash ASC" : " ORDER BY ts DESC, hash DESC");
        sql.Append(" LIMIT $limit");
        command.Parameters.AddWithValue("$limit", (long)query.Limit + 1);
        command.CommandText = sql.ToString();

        var rows = new List<StoredMessage>(Math.Min(query.Limit, 1024));
        var more = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (rows.Count == query.Limit)
                {
                    more = true;
                    break;
                }

                var hash = (byte[])reader.GetValue(1);
                var pubsubTopic = reader.GetString(2);
                var message = WakuMessage.Parser.ParseFrom((byte[])reader.GetValue(3));
                rows.Add(new StoredMessage(hash, pubsubTopic, message));
            }
        }

        var next = more ? rows[^1].Hash : null;
        if (!query.Forward)
        {
            rows.Reverse();
        }

        return new MessagePage(rows, next);
    }

    private static long? FindTimestamp(SqliteConnection connection, byte[] hash)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ts FROM messages WHERE hash = $hash";
        command.Parameters.AddWithValue("$hash", hash);
        return command.ExecuteScalar() is long ts ? ts : null;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection RentReader()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_readers.TryTake(out var connection))
        {
            return connection;
        }

        connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 30000;");
        return connection;
    }

    private void ReturnReader(SqliteConnection connection)
    {
        if (Volatile.Read(ref _disposed) != 0 || _readers.Count >= Environment.ProcessorCount * 4)
        {
            connection.Dispose();
            return;
        }

        _readers.Add(connection);
    }

    private async Task RunWriterLoopAsync()
    {
        using var insert = _writer.CreateCommand();
        insert.CommandText = """
            INSERT OR IGNORE INTO messages (ts, hash, pubsub_topic, content_topic, message)
            VALUES ($ts, $hash, $pubsub, $content, $message)
            """;
        var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
        var hash = insert.Parameters.Add("$hash", SqliteType.Blob);
        var pubsub = insert.Parameters.Add("$pubsub", SqliteType.Text);
        var content = insert.Parameters.Add("$content", SqliteType.Text);
        var body = insert.Parameters.Add("$message", SqliteType.Blob);
        var batch = new List<AddOperation>(MaxBatch);
        var results = new List<StoreAddResult>(MaxBatch);

        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            results.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var operation))
            {
                if (operation is RetentionOperation retention)
                {
                    // Commit what queued before it so the caller's order is kept, then apply the rules alone.
                    CommitAdds(batch, results, insert, ts, hash, pubsub, content, body);
                    batch.Clear();
                    results.Clear();
                    RunRetention(retention);
                    continue;
                }

                batch.Add((AddOperation)operation);
            }

            CommitAdds(batch, results, insert, ts, hash, pubsub, content, body);
        }
    }

    private void CommitAdds(
        List<AddOperation> batch,
        List<StoreAddResult> results,
        SqliteCommand insert,
        SqliteParameter ts,
        SqliteParameter hash,
        SqliteParameter pubsub,
        SqliteParameter content,
        SqliteParameter body)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            using (var transaction = _writer.BeginTransaction())
            {
                insert.Transaction = transaction;
                foreach (var operation in batch)
                {
                    var message = operation.Message;
                    ts.Value = message.Timestamp;
                    hash.Value = message.Hash;
                    pubsub.Value = message.PubsubTopic;
                    content.Value = message.Message.ContentTopic;
                    body.Value = message.Message.ToByteArray();
                    results.Add(insert.ExecuteNonQuery() == 1 ? StoreAddResult.Added : StoreAddResult.Duplicate);
                }

                transaction.Commit();
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var operation in batch)
            {
                operation.Completion.TrySetException(
                    new WakuException($"The message store at {Path} could not commit: {ex.Message}", ex));
            }
        }
    }

    private void RunRetention(RetentionOperation operation)
    {
        try
        {
            long deleted = 0;
            using var transaction = _writer.BeginTransaction();
            using var command = _writer.CreateCommand();
            command.Transaction = transaction;
            if (operation.Retention.MaxAge is { } maxAge)
            {
                var cutoff = (operation.Now - maxAge).ToUnixTimeMilliseconds() * 1_000_000L;
                command.CommandText = "DELETE FROM messages WHERE ts < $cutoff";
                command.Parameters.AddWithValue("$cutoff", cutoff);
                deleted += command.ExecuteNonQuery();
                command.Parameters.Clear();
            }

            if (operation.Retention.MaxCount is { } maxCount)
            {
                command.CommandText = maxCount <= 0
                    ? "DELETE FROM messages"
                    : """
                      DELETE FROM messages WHERE (ts, hash) < (
                          SELECT ts, hash FROM messages ORDER BY ts DESC, hash DESC LIMIT 1 OFFSET $keep - 1)
                      """;
                command.Parameters.AddWithValue("$keep", maxCount);
                deleted += command.ExecuteNonQuery();
            }

            transaction.Commit();
            operation.Completion.TrySetResult(deleted);
        }
        catch (Exception ex)
        {
            operation.Completion.TrySetException(
                new WakuException($"The message store at {Path} could not apply retention: {ex.Message}", ex));
        }
    }

    private abstract class WriteOperation;

    private sealed class AddOperation(StoredMessage message) : WriteOperation
    {
        public StoredMessage Message { get; } = message;

        public TaskCompletionSource<StoreAddResult> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class RetentionOperation(MessageRetention retention, DateTimeOffset now) : WriteOperation
    {
        public MessageRetention Retention { get; } = retention;

        public DateTimeOffset Now { get; } = now;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
