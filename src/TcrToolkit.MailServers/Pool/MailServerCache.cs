using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;

namespace TcrToolkit.MailServers.Pool;

/// <summary>
/// The pool's memory across restarts, in one SQLite file: the newest record of each server it trusted, with its last
/// round trip. Nothing here is trusted by itself: <see cref="LoadInto"/> offers every entry to the pool again, which
/// keeps only what the registry mirror trusts now, and forgets the rest.
/// </summary>
public sealed class MailServerCache : IDisposable
{
    private readonly SqliteConnection _connection;

    private MailServerCache(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (or creates) the cache file.</summary>
    public static MailServerCache Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path), Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;
            CREATE TABLE IF NOT EXISTS servers (
                node_id BLOB PRIMARY KEY, addresses TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT,
                round_trip_ms REAL, saved_at TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
        return new MailServerCache(connection);
    }

    /// <summary>Saves the pool's servers, replacing what the file held.</summary>
    public void Save(IEnumerable<TrustedMailServer> servers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(servers);
        using var transaction = _connection.BeginTransaction();
        using (var clear = _connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM servers";
            clear.ExecuteNonQuery();
        }

        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO servers VALUES ($id, $addresses, $seq, $record, $rtt, $at)";
        var id = insert.Parameters.Add("$id", SqliteType.Blob);
        var addresses = insert.Parameters.Add("$addresses", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var record = insert.Parameters.Add("$record", SqliteType.Text);
        var rtt = insert.Parameters.Add("$rtt", SqliteType.Real);
        insert.Parameters.AddWithValue("$at", now.ToString("O", CultureInfo.InvariantCulture));
        foreach (var server in servers)
        {
            id.Value = server.Candidate.NodeId.ToArray();
            addresses.Value = JsonSerializer.Serialize(server.Candidate.Addresses);
            seq.Value = unchecked((long)server.Candidate.Sequence);
            record.Value = (object?)server.Candidate.Record ?? DBNull.Value;
            rtt.Value = server.RoundTrip is { } r ? r.TotalMilliseconds : DBNull.Value;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>The saved entries, as cache candidates with their last round trip.</summary>
    public IReadOnlyList<(MailServerCandidate Candidate, TimeSpan? RoundTrip)> Read()
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT node_id, addresses, seq, record, round_trip_ms FROM servers";
        using var reader = query.ExecuteReader();
        var entries = new List<(MailServerCandidate, TimeSpan?)>();
        while (reader.Read())
        {
            var nodeId = (byte[])reader.GetValue(0);
            string[]? addresses;
            try
            {
                addresses = JsonSerializer.Deserialize<string[]>(reader.GetString(1));
            }
            catch (JsonException)
            {
                continue; // A damaged row is skipped: discovery will find the server again.
            }

            if (nodeId.Length != Bytes32.Size || addresses is null)
            {
                continue;
            }

            var candidate = new MailServerCandidate(new Bytes32(nodeId), addresses, unchecked((ulong)reader.GetInt64(2)),
                CandidateSource.Cache, reader.IsDBNull(3) ? null : reader.GetString(3));
            entries.Add((candidate, reader.IsDBNull(4) ? null : TimeSpan.FromMilliseconds(reader.GetDouble(4))));
        }

        return entries;
    }

    /// <summary>Offers every saved server to the pool, which keeps only those trusted now; returns how many were kept.</summary>
    public int LoadInto(TrustedMailServers pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var kept = 0;
        foreach (var (candidate, roundTrip) in Read())
        {
            if (pool.Offer(candidate) is CandidateVerdict.Added or CandidateVerdict.Updated)
            {
                kept++;
                if (roundTrip is { } rtt)
                {
                    pool.RecordRoundTrip(candidate.NodeId, rtt);
                }
            }
        }

        return kept;
    }

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();
}
