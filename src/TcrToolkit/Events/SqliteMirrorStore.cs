using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Generated;

namespace TcrToolkit.Events;

/// <summary>What a mirror file was built from: the chain (its genesis block) and the registry's code.</summary>
/// <param name="GenesisHash">The hash of block 0 of the mirrored chain.</param>
/// <param name="CodeHash">The Keccak-256 hash of the registry's runtime code.</param>
internal readonly record struct MirrorIdentity(Bytes32 GenesisHash, Bytes32 CodeHash);

/// <summary>
/// The mirror's SQLite file (beside the stream's <see cref="SqliteRegistryCheckpointStore"/>): the confirmed listings,
/// the checkpoint they describe, and the <see cref="MirrorIdentity"/> of the chain and registry they were read from.
/// </summary>
internal sealed class SqliteMirrorStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private ListingWriter? _writer;

    private SqliteMirrorStore(SqliteConnection connection) => _connection = connection;

    /// <exception cref="RegistryStoreException">The file is not a registry mirror or cannot be opened.</exception>
    public static SqliteMirrorStore Open(string databasePath)
    {
        var path = Path.GetFullPath(databasePath);
        Func<SqliteException, Exception> failure = e => new RegistryStoreException(
            $"The registry mirror {path} cannot be opened ({e.Message}); check that the file is a registry mirror, or delete it to rebuild the mirror from the chain.", e);
        var connection = SqliteHelpers.OpenWal(path, """
                CREATE TABLE IF NOT EXISTS mirror_checkpoint (
                    id      INTEGER PRIMARY KEY CHECK (id = 1),
                    number  INTEGER NOT NULL,
                    hash    BLOB NOT NULL CHECK (length(hash) = 32)
                );
                CREATE TABLE IF NOT EXISTS listings (
                    node_id  BLOB PRIMARY KEY CHECK (length(node_id) = 32),
                    owner    BLOB NOT NULL CHECK (length(owner) = 20),
                    stage    INTEGER NOT NULL,
                    deposit  TEXT
                );
                """,
            failure);
        try
        {
            // Files written before the identity was kept gain its columns empty: such a state is rebuilt, never trusted.
            using var columns = connection.CreateCommand();
            columns.CommandText = "SELECT count(*) FROM pragma_table_info('mirror_checkpoint') WHERE name IN ('genesis_hash', 'code_hash')";
            if ((long)columns.ExecuteScalar()! < 2)
            {
                SqliteHelpers.Execute(connection, """
                    ALTER TABLE mirror_checkpoint ADD COLUMN genesis_hash BLOB;
                    ALTER TABLE mirror_checkpoint ADD COLUMN code_hash BLOB;
                    """);
            }

            return new SqliteMirrorStore(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw failure(e);
        }
    }

    /// <summary>The stored checkpoint and identity (<c>null</c> identity for files of older versions), or nothing.</summary>
    public (RegistryCheckpoint? Checkpoint, MirrorIdentity? Identity) LoadHeader()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT number, hash, genesis_hash, code_hash FROM mirror_checkpoint WHERE id = 1";
        using var reader = select.ExecuteReader();
        if (!reader.Read())
        {
            return (null, null);
        }

        var checkpoint = new RegistryCheckpoint((ulong)reader.GetInt64(0), new Bytes32((byte[])reader[1]));
        MirrorIdentity? identity = reader.IsDBNull(2) || reader.IsDBNull(3)
            ? null
            : new MirrorIdentity(new Bytes32((byte[])reader[2]), new Bytes32((byte[])reader[3]));
        return (checkpoint, identity);
    }

    public List<KeyValuePair<Bytes32, ConfirmedListing>> LoadListings()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT node_id, owner, stage, deposit FROM listings";
        using var reader = select.ExecuteReader();
        var listings = new List<KeyValuePair<Bytes32, ConfirmedListing>>();
        while (reader.Read())
        {
            listings.Add(new(
                new Bytes32((byte[])reader[0]),
                new ConfirmedListing(
                    new Address((byte[])reader[1]),
                    (MailServerRegistry.Stage)reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : UInt256.Parse(reader.GetString(3)))));
        }

        return listings;
    }

    /// <summary>Replaces the whole file: a cold start's listings, their checkpoint and the identity they were read from.</summary>
    public void Replace(MirrorIdentity identity, RegistryCheckpoint checkpoint, Dictionary<Bytes32, ConfirmedListing> listings)
    {
        using var transaction = _connection.BeginTransaction();
        using (var clear = _connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM listings; DELETE FROM mirror_checkpoint;";
            clear.ExecuteNonQuery();
        }

        Write(transaction, listings.Keys, listings);
        Writer.WriteCheckpoint(transaction, checkpoint);
        using (var update = _connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE mirror_checkpoint SET genesis_hash = $genesis, code_hash = $code WHERE id = 1";
            update.Parameters.AddWithValue("$genesis", identity.GenesisHash.ToArray());
            update.Parameters.AddWithValue("$code", identity.CodeHash.ToArray());
            update.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Writes the listings of <paramref name="nodeIds"/> as <paramref name="listings"/> has them (deleting the absent) and the checkpoint.</summary>
    public void Save(IEnumerable<Bytes32> nodeIds, Dictionary<Bytes32, ConfirmedListing> listings, RegistryCheckpoint checkpoint)
    {
        using var transaction = _connection.BeginTransaction();
        Write(transaction, nodeIds, listings);
        Writer.WriteCheckpoint(transaction, checkpoint);
        transaction.Commit();
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _connection.Dispose();
    }

    private ListingWriter Writer => _writer ??= new ListingWriter(_connection);

    private void Write(SqliteTransaction transaction, IEnumerable<Bytes32> nodeIds, Dictionary<Bytes32, ConfirmedListing> listings)
    {
        var upserts = new List<Bytes32>();
        var deletes = new List<Bytes32>();
        foreach (var nodeId in nodeIds)
        {
            (listings.ContainsKey(nodeId) ? upserts : deletes).Add(nodeId);
        }

        Writer.Upsert(transaction, upserts, listings);
        Writer.Delete(transaction, deletes);
    }

    /// <summary>
    /// The prepared statements of the listings and checkpoint tables, kept for the connection's life. Rows go in
    /// statements of several rows each: a catch-up writes every listing a range touched, and one statement per row
    /// spent more time in the statement calls than in SQLite.
    /// </summary>
    private sealed class ListingWriter(SqliteConnection connection) : IDisposable
    {
        // Row counts of the multi-row statements, largest first; the last is one row, for whatever remains. Not more: the
        // provider binds each parameter by name, and SQLite finds a name by a scan of the statement's parameters.
        private static readonly int[] RowCounts = [16, 4, 1];

        private readonly SqliteCommand?[] _upserts = new SqliteCommand?[RowCounts.Length];
        private readonly SqliteCommand?[] _deletes = new SqliteCommand?[RowCounts.Length];
        private SqliteCommand? _checkpoint;

        public void Upsert(SqliteTransaction transaction, List<Bytes32> nodeIds, Dictionary<Bytes32, ConfirmedListing> listings)
        {
            var next = 0;
            for (var size = 0; size < RowCounts.Length; size++)
            {
                var rows = RowCounts[size];
                for (; next + rows <= nodeIds.Count; next += rows)
                {
                    var command = _upserts[size] ??= Create(
                        "INSERT OR REPLACE INTO listings (node_id, owner, stage, deposit) VALUES " +
                        string.Join(", ", Enumerable.Range(0, rows).Select(i => $"($node{i}, $owner{i}, $stage{i}, $deposit{i})")),
                        rows,
                        static (parameters, i) =>
                        {
                            parameters.Add($"$node{i}", SqliteType.Blob);
                            parameters.Add($"$owner{i}", SqliteType.Blob);
                            parameters.Add($"$stage{i}", SqliteType.Integer);
                            parameters.Add($"$deposit{i}", SqliteType.Text);
                        });
                    command.Transaction = transaction;
                    var parameters = command.Parameters;
                    for (var i = 0; i < rows; i++)
                    {
                        var nodeId = nodeIds[next + i];
                        var listing = listings[nodeId];
                        parameters[4 * i].Value = nodeId.ToArray();
                        parameters[(4 * i) + 1].Value = listing.Owner.ToArray();
                        parameters[(4 * i) + 2].Value = (long)listing.Stage;
                        parameters[(4 * i) + 3].Value = listing.Deposit?.ToString() is { } text ? text : DBNull.Value;
                    }

                    command.ExecuteNonQuery();
                }
            }
        }

        public void Delete(SqliteTransaction transaction, List<Bytes32> nodeIds)
        {
            var next = 0;
            for (var size = 0; size < RowCounts.Length; size++)
            {
                var rows = RowCounts[size];
                for (; next + rows <= nodeIds.Count; next += rows)
                {
                    var command = _deletes[size] ??= Create(
                        "DELETE FROM listings WHERE node_id IN (" + string.Join(", ", Enumerable.Range(0, rows).Select(i => $"$node{i}")) + ")",
                        rows,
                        static (parameters, i) => parameters.Add($"$node{i}", SqliteType.Blob));
                    command.Transaction = transaction;
                    for (var i = 0; i < rows; i++)
                    {
                        command.Parameters[i].Value = nodeIds[next + i].ToArray();
                    }

                    command.ExecuteNonQuery();
                }
            }
        }

        public void WriteCheckpoint(SqliteTransaction transaction, RegistryCheckpoint checkpoint)
        {
            var command = _checkpoint ??= Create(
                """
                INSERT INTO mirror_checkpoint (id, number, hash) VALUES (1, $number, $hash)
                    ON CONFLICT (id) DO UPDATE SET number = excluded.number, hash = excluded.hash
                """,
                1,
                static (parameters, _) =>
                {
                    parameters.Add("$number", SqliteType.Integer);
                    parameters.Add("$hash", SqliteType.Blob);
                });
            command.Transaction = transaction;
            command.Parameters[0].Value = (long)checkpoint.BlockNumber;
            command.Parameters[1].Value = checkpoint.BlockHash.ToArray();
            command.ExecuteNonQuery();
        }

        public void Dispose()
        {
            foreach (var command in _upserts.Concat(_deletes).Append(_checkpoint))
            {
                command?.Dispose();
            }
        }

        private SqliteCommand Create(string sql, int rows, Action<SqliteParameterCollection, int> addRow)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < rows; i++)
            {
                addRow(command.Parameters, i);
            }

            command.Prepare();
            return command;
        }
    }
}
