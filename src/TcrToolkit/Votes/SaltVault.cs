using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Votes;

/// <summary>
/// Keeps vote salts in one SQLite file so that a committed vote can always be revealed: after a crash, a restart, or
/// on another machine restored from the file.
/// </summary>
/// <remarks>
/// <para>The file is created with permissions 0600 (owner read and write only) and written with a rollback journal
/// and <c>synchronous = EXTRA</c>: when <see cref="Reserve"/> returns, the salt is on disk, and a <c>kill -9</c> at any
/// instant leaves either the whole reservation or none of it. Callers reserve first and send the commit transaction
/// only after <see cref="Reserve"/> returned, so no commitment can reach the chain without its salt on disk.</para>
/// <para>Salts are never overwritten. Re-voting in the commit stage reserves a new salt; the reveal uses the
/// reservation whose commitment matches the one on chain (<see cref="FindByCommitment"/>).</para>
/// <para>One vault instance is safe to use from several threads; several processes may share the file.</para>
/// </remarks>
public sealed class SaltVault : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    private SaltVault(SqliteConnection connection, string path, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        Path = path;
    }

    /// <summary>The vault's file.</summary>
    public string Path { get; }

    /// <summary>Opens the vault at <paramref name="path"/>, creating it (and its directory) owner-only if missing.</summary>
    /// <exception cref="SaltVaultException">The file is not a salt vault, or is corrupt, or cannot be opened.</exception>
    public static SaltVault Open(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        CreateOwnerOnly(fullPath);

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, """
                PRAGMA journal_mode = DELETE;
                PRAGMA synchronous = EXTRA;
                PRAGMA busy_timeout = 30000;
                CREATE TABLE IF NOT EXISTS votes (
                    id          INTEGER PRIMARY KEY AUTOINCREMENT,
                    chain_id    TEXT NOT NULL,
                    registry    TEXT NOT NULL,
                    poll_id     TEXT NOT NULL,
                    voter       TEXT NOT NULL,
                    voting      TEXT NOT NULL,
                    option      INTEGER NOT NULL CHECK (option IN (0, 1)),
                    salt        BLOB NOT NULL CHECK (length(salt) = 32),
                    commitment  BLOB NOT NULL CHECK (length(commitment) = 32),
                    progress    INTEGER NOT NULL,
                    commit_tx   BLOB,
                    created_at  TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS votes_by_key ON votes (chain_id, registry, poll_id, voter);
                """);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new SaltVaultException($"The salt vault {fullPath} cannot be opened ({e.Message}); check that the file is a salt vault and not damaged, or restore it from a backup.", e);
        }

        return new SaltVault(connection, fullPath, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Generates a salt for <paramref name="key"/> and <paramref name="option"/>, stores it durably, and returns the
    /// stored vote with the commitment to send. If an unrevealed reservation for the same option already exists, it is
    /// returned instead, so a retried commit sends the same commitment.
    /// </summary>
    /// <param name="key">The vote.</param>
    /// <param name="voting">The voting contract the commitment is bound to.</param>
    /// <param name="option">1 upholds the challenge, 0 rejects it.</param>
    public StoredVote Reserve(VoteKey key, Address voting, byte option)
    {
        VoteCommitment.ThrowIfInvalidOption(option);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var existing = Query(transaction, "AND option = $option AND progress = 0 ORDER BY id DESC LIMIT 1", key, ("$option", option));
            if (existing.Count == 1)
            {
                return existing[0];
            }

            Span<byte> saltBytes = stackalloc byte[32];
            RandomNumberGenerator.Fill(saltBytes);
            var salt = new Bytes32(saltBytes);
            saltBytes.Clear();
            var commitment = VoteCommitment.Compute(key.ChainId, voting, key.PollId, key.Voter, option, salt);
            var createdAt = _time.GetUtcNow();

            using var insert = Command(transaction, """
                INSERT INTO votes (chain_id, registry, poll_id, voter, voting, option, salt, commitment, progress, created_at)
                VALUES ($chain, $registry, $poll, $voter, $voting, $option, $salt, $commitment, 0, $created)
                RETURNING id
                """, key);
            insert.Parameters.AddWithValue("$voting", voting.ToString());
            insert.Parameters.AddWithValue("$option", option);
            insert.Parameters.AddWithValue("$salt", salt.ToArray());
            insert.Parameters.AddWithValue("$commitment", commitment.ToArray());
            insert.Parameters.AddWithValue("$created", createdAt.ToString("O", CultureInfo.InvariantCulture));
            var id = (long)insert.ExecuteScalar()!;
            transaction.Commit();
            return new StoredVote(id, key, voting, option, salt, commitment, VoteProgress.Reserved, null, createdAt);
        }
    }

    /// <summary>Records that the commit transaction of reservation <paramref name="id"/> was mined.</summary>
    /// <exception cref="SaltVaultException">No reservation has this id.</exception>
    public void MarkCommitted(long id, Bytes32 transactionHash)
    {
        lock (_lock)
        {
            using var update = _connection.CreateCommand();
            update.CommandText = "UPDATE votes SET progress = max(progress, 1), commit_tx = $tx WHERE id = $id";
            update.Parameters.AddWithValue("$tx", transactionHash.ToArray());
            update.Parameters.AddWithValue("$id", id);
            if (update.ExecuteNonQuery() != 1)
            {
                throw new SaltVaultException($"The salt vault {Path} has no reservation #{id}; reserve the vote before committing it.");
            }
        }
    }

    /// <summary>Records that the vote was revealed (every reservation of <paramref name="key"/> is done).</summary>
    public void MarkRevealed(VoteKey key)
    {
        lock (_lock)
        {
            using var update = Command(null, "UPDATE votes SET progress = 2 WHERE " + KeyFilter, key);
            update.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The reservation whose commitment matches <paramref name="onChainCommitment"/>, as the voting contract reports it
    /// (its low byte is ignored: the contract stores the upper 248 bits); null if none does.
    /// </summary>
    public StoredVote? FindByCommitment(VoteKey key, Bytes32 onChainCommitment)
    {
        var wanted = onChainCommitment.AsSpan()[..31];
        foreach (var vote in ForKey(key))
        {
            if (vote.Commitment.AsSpan()[..31].SequenceEqual(wanted))
            {
                return vote;
            }
        }

        return null;
    }

    /// <summary>Every reservation of <paramref name="key"/>, newest first.</summary>
    public IReadOnlyList<StoredVote> ForKey(VoteKey key)
    {
        lock (_lock)
        {
            return Query(null, "ORDER BY id DESC", key);
        }
    }

    /// <summary>Every vote not yet revealed, oldest first (what a voter still has to reveal).</summary>
    public IReadOnlyList<StoredVote> Unrevealed()
    {
        lock (_lock)
        {
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT * FROM votes WHERE progress < 2 ORDER BY id";
            return Read(select);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _connection.Dispose();

    private const string KeyFilter = "chain_id = $chain AND registry = $registry AND poll_id = $poll AND voter = $voter";

    private List<StoredVote> Query(SqliteTransaction? transaction, string tail, VoteKey key, params (string Name, object Value)[] extra)
    {
        using var select = Command(transaction, $"SELECT * FROM votes WHERE {KeyFilter} {tail}", key);
        foreach (var (name, value) in extra)
        {
            select.Parameters.AddWithValue(name, value);
        }

        return Read(select);
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, VoteKey key)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$chain", key.ChainId.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$registry", key.Registry.ToString());
        command.Parameters.AddWithValue("$poll", key.PollId.ToString());
        command.Parameters.AddWithValue("$voter", key.Voter.ToString());
        return command;
    }

    private static List<StoredVote> Read(SqliteCommand select)
    {
        var votes = new List<StoredVote>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var key = new VoteKey(
                ulong.Parse(reader.GetString(reader.GetOrdinal("chain_id")), CultureInfo.InvariantCulture),
                Address.Parse(reader.GetString(reader.GetOrdinal("registry"))),
                UInt256.Parse(reader.GetString(reader.GetOrdinal("poll_id"))),
                Address.Parse(reader.GetString(reader.GetOrdinal("voter"))));
            var commitTx = reader.IsDBNull(reader.GetOrdinal("commit_tx"))
                ? (Bytes32?)null
                : new Bytes32((byte[])reader["commit_tx"]);
            votes.Add(new StoredVote(
                reader.GetInt64(reader.GetOrdinal("id")),
                key,
                Address.Parse(reader.GetString(reader.GetOrdinal("voting"))),
                (byte)reader.GetInt64(reader.GetOrdinal("option")),
                new Bytes32((byte[])reader["salt"]),
                new Bytes32((byte[])reader["commitment"]),
                (VoteProgress)reader.GetInt64(reader.GetOrdinal("progress")),
                commitTx,
                DateTimeOffset.Parse(reader.GetString(reader.GetOrdinal("created_at")), CultureInfo.InvariantCulture)));
        }

        return votes;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// Creates the file owner-only before SQLite opens it, and tightens an existing file's permissions.
    private static void CreateOwnerOnly(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        if (OperatingSystem.IsWindows())
        {
            using (File.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite))
            {
            }

            return;
        }

        try
        {
            using (new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, UnixCreateMode = OwnerOnly }))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            if ((File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(path, OwnerOnly);
            }
        }
    }
}

/// <summary>The salt vault cannot do what was asked; the message says why and what to do.</summary>
public sealed class SaltVaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SaltVaultException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public SaltVaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
