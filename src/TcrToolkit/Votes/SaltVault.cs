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
/// <para>Only a file the vault creates gets a mode; an existing file is never re-permissioned. A symbolic link, a
/// directory, a device, a file that is not SQLite and a SQLite database of something else are refused with a
/// <see cref="SaltVaultException"/>, as is every storage failure (a read-only disk, a damaged file).
/// <see cref="OpenReadOnly"/> serves commands that only list votes: it creates and writes nothing.</para>
/// <para>One vault instance is safe to use from several threads; several processes may share the file.</para>
/// </remarks>
public sealed class SaltVault : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static ReadOnlySpan<byte> SqliteHeader => "SQLite format 3\0"u8;

    private const string Schema = """
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
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    private SaltVault(SqliteConnection connection, string path, TimeProvider time, bool isReadOnly)
    {
        _connection = connection;
        _time = time;
        Path = path;
        IsReadOnly = isReadOnly;
    }

    /// <summary>The vault's file.</summary>
    public string Path { get; }

    /// <summary>Whether the vault was opened with <see cref="OpenReadOnly"/>: it can list votes but not store them.</summary>
    public bool IsReadOnly { get; }

    /// <summary>
    /// Opens the vault at <paramref name="path"/> for reading and writing, creating it (and its directory) owner-only
    /// if missing. An existing file keeps its permissions: only a file the vault creates gets its mode set.
    /// </summary>
    /// <exception cref="SaltVaultException">The path is a symbolic link, a directory or a device, the file is not a salt
    /// vault (another SQLite database, or not SQLite at all), or it cannot be created or opened (a read-only file
    /// system, a damaged file).</exception>
    public static SaltVault Open(string path, TimeProvider? time = null) => OpenFile(path, readOnly: false, time);

    /// <summary>
    /// Opens the vault at <paramref name="path"/> read-only, for commands that only list votes: nothing is created,
    /// written or re-permissioned. A missing file reads as an empty vault.
    /// </summary>
    /// <exception cref="SaltVaultException">As <see cref="Open"/>, except that a missing file is no error.</exception>
    public static SaltVault OpenReadOnly(string path, TimeProvider? time = null) => OpenFile(path, readOnly: true, time);

    private static SaltVault OpenFile(string path, bool readOnly, TimeProvider? time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        time ??= TimeProvider.System;
        var exists = Inspect(fullPath);
        if (!exists && readOnly)
        {
            return new SaltVault(OpenEmptyInMemory(), fullPath, time, isReadOnly: true);
        }

        if (!exists)
        {
            CreateOwnerOnly(fullPath);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 30000;");
            var tables = Tables(connection);
            if (tables.Count > 0 && !tables.Contains("votes"))
            {
                throw new SaltVaultException(
                    $"The salt vault {fullPath} cannot be opened: it is a SQLite database of something else (tables {string.Join(", ", tables)}); give the path of a salt vault, or restore it from a backup.");
            }

            if (readOnly && tables.Count == 0)
            {
                connection.Dispose();
                return new SaltVault(OpenEmptyInMemory(), fullPath, time, isReadOnly: true);
            }

            if (!readOnly)
            {
                Execute(connection, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = EXTRA;\n" + Schema);
            }
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new SaltVaultException($"The salt vault {fullPath} cannot be opened ({e.Message}); check that the file is a salt vault, not damaged and on a writable disk, or restore it from a backup.", e);
        }
        catch (SaltVaultException)
        {
            connection.Dispose();
            throw;
        }

        return new SaltVault(connection, fullPath, time, readOnly);
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
        ThrowIfReadOnly();
        lock (_lock)
        {
            try
            {
                return ReserveLocked(key, voting, option);
            }
            catch (SqliteException e)
            {
                throw Failed("store the salt", e);
            }
        }
    }

    private StoredVote ReserveLocked(VoteKey key, Address voting, byte option)
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

    /// <summary>Records that the commit transaction of reservation <paramref name="id"/> was mined.</summary>
    /// <exception cref="SaltVaultException">No reservation has this id.</exception>
    public void MarkCommitted(long id, Bytes32 transactionHash)
    {
        ThrowIfReadOnly();
        lock (_lock)
        {
            using var update = _connection.CreateCommand();
            update.CommandText = "UPDATE votes SET progress = max(progress, 1), commit_tx = $tx WHERE id = $id";
            update.Parameters.AddWithValue("$tx", transactionHash.ToArray());
            update.Parameters.AddWithValue("$id", id);
            if (Guard("record the commit", update.ExecuteNonQuery) != 1)
            {
                throw new SaltVaultException($"The salt vault {Path} has no reservation #{id}; reserve the vote before committing it.");
            }
        }
    }

    /// <summary>Records that the vote was revealed (every reservation of <paramref name="key"/> is done).</summary>
    public void MarkRevealed(VoteKey key)
    {
        ThrowIfReadOnly();
        lock (_lock)
        {
            using var update = Command(null, "UPDATE votes SET progress = 2 WHERE " + KeyFilter, key);
            Guard("record the reveal", update.ExecuteNonQuery);
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
            return Guard("read the votes", () => Query(null, "ORDER BY id DESC", key));
        }
    }

    /// <summary>Every vote not yet revealed, oldest first (what a voter still has to reveal).</summary>
    public IReadOnlyList<StoredVote> Unrevealed()
    {
        lock (_lock)
        {
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT * FROM votes WHERE progress < 2 ORDER BY id";
            return Guard("read the votes", () => Read(select));
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _connection.Dispose();

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new SaltVaultException($"The salt vault {Path} was opened read-only; open it with SaltVault.Open to store votes.");
        }
    }

    private T Guard<T>(string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            throw Failed(what, e);
        }
    }

    private SaltVaultException Failed(string what, SqliteException e) =>
        new($"The salt vault {Path} could not {what} ({e.Message}); check that the file and its folder are writable and the disk is not full or read-only, then retry.", e);

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

    /// Whether a file is at <paramref name="path"/>; refuses what must not be opened as a vault: a symbolic link (it
    /// could point anywhere), a directory, a device, or a file that is not SQLite.
    private static bool Inspect(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new SaltVaultException($"The salt vault {path} is a symbolic link (to {info.LinkTarget}), which tcr does not follow for secrets; give the real file's path.");
        }

        if (Directory.Exists(path))
        {
            throw new SaltVaultException($"The salt vault {path} is a directory; give the path of a file, for example {System.IO.Path.Combine(path, "salts.db")}.");
        }

        if (!info.Exists)
        {
            return false;
        }

        if (path.StartsWith("/dev/", StringComparison.Ordinal))
        {
            throw new SaltVaultException($"The salt vault {path} is a device, not a file; give the path of a salt vault file, or a new path for a fresh one.");
        }

        if (info.Length == 0)
        {
            return true; // an empty file is an empty SQLite database
        }

        Span<byte> header = stackalloc byte[16];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SaltVaultException($"The salt vault {path} cannot be read ({e.Message}); check its permissions.", e);
        }

        if (read < header.Length || !header.SequenceEqual(SqliteHeader))
        {
            throw new SaltVaultException($"The salt vault {path} cannot be opened: it is not a SQLite file; give the path of a salt vault, or restore it from a backup.");
        }

        return true;
    }

    private static List<string> Tables(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = select.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// An empty vault in memory, for read-only use of a file that does not exist yet (nothing was ever stored).
    private static SqliteConnection OpenEmptyInMemory()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, Schema);
        return connection;
    }

    /// Creates the file owner-only before SQLite opens it (with its folder, if missing). Only files created here get a
    /// mode: an existing file is never re-permissioned.
    private static void CreateOwnerOnly(string path)
    {
        try
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

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (new FileStream(path, options))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it in between: it is a file now, and not ours to re-permission.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SaltVaultException($"The salt vault {path} cannot be created ({e.Message}); choose a path on a writable disk, or make its folder writable.", e);
        }
    }
}

/// <summary>The salt vault cannot do what was asked; the message says why and what to do.</summary>
public sealed class SaltVaultException : TcrStoreException
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
