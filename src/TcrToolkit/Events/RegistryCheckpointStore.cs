using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>
/// What a registry event stream remembers to resume without gaps or duplicates: the last block fully delivered, the
/// hashes of recent blocks (to recognise a reorganisation), and the events delivered in recent blocks (to retract
/// them, and to skip them when a block was only partly delivered before a stop).
/// </summary>
/// <param name="Checkpoint">The last block fully delivered.</param>
/// <param name="RecentBlocks">Recent blocks the stream recorded, including the checkpoint.</param>
/// <param name="DeliveredLogs">The logs delivered in recent blocks.</param>
public sealed record RegistryStreamState(
    RegistryCheckpoint Checkpoint,
    IReadOnlyList<RegistryCheckpoint> RecentBlocks,
    IReadOnlyList<Log> DeliveredLogs);

/// <summary>Persists a registry event stream's position. Calls come from one stream at a time.</summary>
public interface IRegistryCheckpointStore
{
    /// <summary>The saved state, or <c>null</c> when nothing was saved yet.</summary>
    RegistryStreamState? Load();

    /// <summary>Records that the consumer has processed <paramref name="registryEvent"/>.</summary>
    void SaveDelivered(RegistryEvent registryEvent);

    /// <summary>Records that the consumer has processed the retraction of <paramref name="registryEvent"/>.</summary>
    void SaveRetracted(RegistryEvent registryEvent);

    /// <summary>
    /// Moves the checkpoint to <paramref name="checkpoint"/>, forgets recorded blocks and events above it (an abandoned
    /// fork) and below <paramref name="keepFrom"/> (too old to be reorganised).
    /// </summary>
    void SaveCheckpoint(RegistryCheckpoint checkpoint, ulong keepFrom);
}

/// <summary>A checkpoint store in memory: for tests, and for followers that rebuild their state on every start.</summary>
public sealed class InMemoryRegistryCheckpointStore : IRegistryCheckpointStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<ulong, Bytes32> _blocks = [];
    // The delivered logs by block number, each list in log index order. A number holds the logs of every hash delivered
    // at it (a reorganisation) until the checkpoint moves: moving it forgets whole blocks, and an event's identity is
    // found in its block's list rather than in one map of every event.
    private readonly SortedDictionary<ulong, List<Log>> _eventsByBlock = [];
    private (ulong Number, Bytes32 Hash, List<Log> Logs)? _lastBlock;
    private RegistryCheckpoint? _checkpoint;

    /// <inheritdoc/>
    public RegistryStreamState? Load()
    {
        lock (_lock)
        {
            return _checkpoint is { } checkpoint
                ? new RegistryStreamState(
                    checkpoint,
                    [.. _blocks.Select(b => new RegistryCheckpoint(b.Key, b.Value))],
                    [.. _eventsByBlock.Values.SelectMany(logs => logs)])
                : null;
        }
    }

    /// <inheritdoc/>
    public void SaveDelivered(RegistryEvent registryEvent)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        var log = registryEvent.Log;
        lock (_lock)
        {
            var (number, hash) = (log.BlockNumber, log.BlockHash);
            if (_lastBlock is not { } last || last.Number != number || last.Hash != hash)
            {
                // Events come block by block: the sorted maps are looked up once per block, not once per event.
                _blocks[number] = hash;
                if (!_eventsByBlock.TryGetValue(number, out var list))
                {
                    _eventsByBlock[number] = list = [];
                }

                _lastBlock = last = (number, hash, list);
            }

            var logs = last.Logs;
            if (logs.Count == 0 || logs[^1].LogIndex < log.LogIndex)
            {
                // In order, as a stream delivers: nothing at this index yet.
                logs.Add(log);
                return;
            }

            var at = IndexOf(logs, hash, log.LogIndex, out var insertAt);
            if (at >= 0)
            {
                logs[at] = log;
            }
            else
            {
                logs.Insert(insertAt, log);
            }
        }
    }

    /// <inheritdoc/>
    public void SaveRetracted(RegistryEvent registryEvent)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        var log = registryEvent.Log;
        lock (_lock)
        {
            if (_eventsByBlock.TryGetValue(log.BlockNumber, out var logs) && IndexOf(logs, log.BlockHash, log.LogIndex, out _) is var at and >= 0)
            {
                logs.RemoveAt(at);
            }
        }
    }

    /// <inheritdoc/>
    public void SaveCheckpoint(RegistryCheckpoint checkpoint, ulong keepFrom)
    {
        lock (_lock)
        {
            _checkpoint = checkpoint;
            _lastBlock = null;
            foreach (var number in _blocks.Keys.Where(n => n > checkpoint.BlockNumber || n < keepFrom).ToList())
            {
                _blocks.Remove(number);
            }

            _blocks[checkpoint.BlockNumber] = checkpoint.BlockHash;
            foreach (var number in _eventsByBlock.Keys.Where(n => n > checkpoint.BlockNumber || n < keepFrom).ToList())
            {
                _eventsByBlock.Remove(number);
            }
        }
    }

    /// <summary>
    /// The position of the log with <paramref name="hash"/> and <paramref name="logIndex"/> in a block's list, or -1;
    /// <paramref name="insertAt"/> is where such a log goes to keep the list in log index order.
    /// </summary>
    private static int IndexOf(List<Log> logs, Bytes32 hash, ulong logIndex, out int insertAt)
    {
        insertAt = logs.Count;
        for (var i = logs.Count - 1; i >= 0; i--)
        {
            var index = logs[i].LogIndex;
            if (index < logIndex)
            {
                break;
            }

            if (index == logIndex && logs[i].BlockHash == hash)
            {
                return i;
            }

            if (index > logIndex)
            {
                insertAt = i;
            }
        }

        return -1;
    }
}

/// <summary>
/// A checkpoint store in one SQLite file (write-ahead log, <c>synchronous = NORMAL</c>: a killed process loses
/// nothing it saved; a power cut may lose the last saves, which the stream then delivers again).
/// </summary>
public sealed class SqliteRegistryCheckpointStore : IRegistryCheckpointStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    private SqliteRegistryCheckpointStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    /// <summary>The store's file.</summary>
    public string Path { get; }

    /// <summary>Opens the store at <paramref name="path"/>, creating it and its directory if missing.</summary>
    /// <exception cref="RegistryStoreException">The file is not a checkpoint store or cannot be opened.</exception>
    public static SqliteRegistryCheckpointStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var connection = SqliteHelpers.OpenWal(fullPath, """
                CREATE TABLE IF NOT EXISTS stream_checkpoint (
                    id      INTEGER PRIMARY KEY CHECK (id = 1),
                    number  INTEGER NOT NULL,
                    hash    BLOB NOT NULL CHECK (length(hash) = 32)
                );
                CREATE TABLE IF NOT EXISTS stream_blocks (
                    number  INTEGER PRIMARY KEY,
                    hash    BLOB NOT NULL CHECK (length(hash) = 32)
                );
                CREATE TABLE IF NOT EXISTS stream_events (
                    block_hash    BLOB NOT NULL,
                    log_index     INTEGER NOT NULL,
                    block_number  INTEGER NOT NULL,
                    tx_hash       BLOB NOT NULL,
                    tx_index      INTEGER NOT NULL,
                    address       BLOB NOT NULL,
                    topics        BLOB NOT NULL,
                    data          BLOB NOT NULL,
                    PRIMARY KEY (block_hash, log_index)
                );
                """,
            e => new RegistryStoreException($"The checkpoint store {fullPath} cannot be opened ({e.Message}); check that the file is a checkpoint store, or delete it to follow the registry again from the start.", e));

        return new SqliteRegistryCheckpointStore(connection, fullPath);
    }

    /// <inheritdoc/>
    public RegistryStreamState? Load()
    {
        lock (_lock)
        {
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT number, hash FROM stream_checkpoint WHERE id = 1";
            RegistryCheckpoint checkpoint;
            using (var reader = select.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                checkpoint = new RegistryCheckpoint((ulong)reader.GetInt64(0), new Bytes32((byte[])reader[1]));
            }

            var blocks = new List<RegistryCheckpoint>();
            select.CommandText = "SELECT number, hash FROM stream_blocks ORDER BY number";
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    blocks.Add(new RegistryCheckpoint((ulong)reader.GetInt64(0), new Bytes32((byte[])reader[1])));
                }
            }

            var logs = new List<Log>();
            select.CommandText = "SELECT block_hash, log_index, block_number, tx_hash, tx_index, address, topics, data FROM stream_events ORDER BY block_number, log_index";
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    var topicBytes = (byte[])reader[6];
                    var topics = new Bytes32[topicBytes.Length / Bytes32.Size];
                    for (var i = 0; i < topics.Length; i++)
                    {
                        topics[i] = new Bytes32(topicBytes.AsSpan(i * Bytes32.Size, Bytes32.Size));
                    }

                    logs.Add(new Log
                    {
                        BlockHash = new Bytes32((byte[])reader[0]),
                        LogIndex = (ulong)reader.GetInt64(1),
                        BlockNumber = (ulong)reader.GetInt64(2),
                        TransactionHash = new Bytes32((byte[])reader[3]),
                        TransactionIndex = (ulong)reader.GetInt64(4),
                        Address = new Address((byte[])reader[5]),
                        Topics = topics,
                        Data = (byte[])reader[7],
                    });
                }
            }

            return new RegistryStreamState(checkpoint, blocks, logs);
        }
    }

    /// <inheritdoc/>
    public void SaveDelivered(RegistryEvent registryEvent)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        var log = registryEvent.Log;
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO stream_blocks (number, hash) VALUES ($number, $block_hash);
                INSERT OR IGNORE INTO stream_events (block_hash, log_index, block_number, tx_hash, tx_index, address, topics, data)
                VALUES ($block_hash, $log_index, $number, $tx_hash, $tx_index, $address, $topics, $data);
                """;
            insert.Parameters.AddWithValue("$number", (long)log.BlockNumber);
            insert.Parameters.AddWithValue("$block_hash", log.BlockHash.ToArray());
            insert.Parameters.AddWithValue("$log_index", (long)log.LogIndex);
            insert.Parameters.AddWithValue("$tx_hash", log.TransactionHash.ToArray());
            insert.Parameters.AddWithValue("$tx_index", (long)log.TransactionIndex);
            insert.Parameters.AddWithValue("$address", log.Address.ToArray());
            insert.Parameters.AddWithValue("$topics", log.Topics.SelectMany(t => t.ToArray()).ToArray());
            insert.Parameters.AddWithValue("$data", log.Data.ToArray());
            insert.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <inheritdoc/>
    public void SaveRetracted(RegistryEvent registryEvent)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        lock (_lock)
        {
            using var delete = _connection.CreateCommand();
            delete.CommandText = "DELETE FROM stream_events WHERE block_hash = $block_hash AND log_index = $log_index";
            delete.Parameters.AddWithValue("$block_hash", registryEvent.Log.BlockHash.ToArray());
            delete.Parameters.AddWithValue("$log_index", (long)registryEvent.Log.LogIndex);
            delete.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void SaveCheckpoint(RegistryCheckpoint checkpoint, ulong keepFrom)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var update = _connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = """
                INSERT INTO stream_checkpoint (id, number, hash) VALUES (1, $number, $hash)
                    ON CONFLICT (id) DO UPDATE SET number = excluded.number, hash = excluded.hash;
                DELETE FROM stream_blocks WHERE number > $number OR number < $keep;
                DELETE FROM stream_events WHERE block_number > $number OR block_number < $keep;
                INSERT OR REPLACE INTO stream_blocks (number, hash) VALUES ($number, $hash);
                """;
            update.Parameters.AddWithValue("$number", (long)checkpoint.BlockNumber);
            update.Parameters.AddWithValue("$hash", checkpoint.BlockHash.ToArray());
            update.Parameters.AddWithValue("$keep", (long)keepFrom);
            update.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _connection.Dispose();
}

/// <summary>A registry store (checkpoint or mirror) cannot be used; the message says why and what to do.</summary>
public sealed class RegistryStoreException : TcrStoreException
{
    /// <summary>Creates the exception.</summary>
    public RegistryStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public RegistryStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal static class SqliteHelpers
{
    /// Opens (creating it and its folder if needed) a SQLite file in WAL mode with <paramref name="schema"/>; if that
    /// fails, closes it and throws what <paramref name="failure"/> makes of the error.
    public static SqliteConnection OpenWal(string fullPath, string schema, Func<SqliteException, Exception> failure)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;\n" + schema);
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw failure(e);
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
