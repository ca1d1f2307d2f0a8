using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>The stage of a listing, as <c>IMailServerRegistry.Stage</c> numbers it.</summary>
public enum ListingStage
{
    /// <summary>No entry.</summary>
    Absent,

    /// <summary>Applied, not trusted yet.</summary>
    Applied,

    /// <summary>Trusted.</summary>
    Listed,

    /// <summary>Leaving; still trusted until it exits.</summary>
    Exiting,
}

/// <summary>A listing as the mirror knows it.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="Owner">The owner.</param>
/// <param name="Stage">The stage.</param>
/// <param name="Deposit">The deposit, or <c>null</c> when the events seen so far do not tell it.</param>
public sealed record MirroredListing(Bytes32 NodeId, Address Owner, ListingStage Stage, UInt256? Deposit)
{
    /// <summary>Whether the stage is trusted (listed or exiting).</summary>
    public bool IsTrusted => Stage is ListingStage.Listed or ListingStage.Exiting;
}

/// <summary>Settings of a <see cref="RegistryMirror"/>.</summary>
public sealed class RegistryMirrorOptions
{
    /// <summary>The registry contract.</summary>
    public Address Registry { get; set; }

    /// <summary>The SQLite file of the mirror.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// How deep a block must be before the mirror adds what it lists. Removals apply at once, whatever the depth.
    /// </summary>
    public int ConfirmationDepth { get; set; } = 2;

    /// <summary>The page size of the cold-start enumeration, and of its batched <c>listing</c> reads.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>Settings of the underlying event stream (its registry and depth are set by the mirror).</summary>
    public RegistryEventsOptions Stream { get; set; } = new();

    internal RegistryEventsOptions StreamOptions() => new()
    {
        Registry = Registry,
        ConfirmationDepth = 0,
        PollInterval = Stream.PollInterval,
        RetryDelay = Stream.RetryDelay,
        WebSocketEndpoint = Stream.WebSocketEndpoint,
        WebSocketOptions = Stream.WebSocketOptions,
        InitialChunkSize = Stream.InitialChunkSize,
        MaxChunkSize = Stream.MaxChunkSize,
        ReadAhead = Stream.ReadAhead,
        ReorgWindow = Math.Max(Stream.ReorgWindow, ConfirmationDepth + 1),
        TimeProvider = Stream.TimeProvider,
        ProgressDepth = ConfirmationDepth,
    };

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DatabasePath, nameof(DatabasePath));
        ArgumentOutOfRangeException.ThrowIfNegative(ConfirmationDepth, nameof(ConfirmationDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1, nameof(PageSize));
        ArgumentNullException.ThrowIfNull(Stream, nameof(Stream));
        StreamOptions().Validate();
    }
}

/// <summary>Reads the registry's trusted set at a block, for a cold start.</summary>
internal interface IRegistrySnapshotReader
{
    Task<IReadOnlyList<MirroredListing>> ReadListedAsync(ulong blockNumber, CancellationToken cancellationToken);
}

/// <summary>
/// A local, materialised view of the registry's listings (SQLite), answering <see cref="IsTrusted"/> from memory
/// without any RPC call. Built on a cold start from the contract's enumeration (<c>listedCount</c>/<c>listedPage</c>
/// and <c>listing</c>) at a pinned, confirmed block, then followed from that block with a <see cref="RegistryEvents"/>
/// stream read at depth 0.
/// </summary>
/// <remarks>
/// <para>Removals (<c>ListingRemoved</c>, <c>ApplicationRemoved</c>, <c>Exited</c>, <c>TouchedAndRemoved</c>) evict a
/// node id as soon as they are seen: trusting a removed server is the risk, distrusting one for a few blocks is not.
/// Every other change, additions above all, applies only once its block is
/// <see cref="RegistryMirrorOptions.ConfirmationDepth"/> deep.</para>
/// <para>A retracted removal keeps the node id evicted until the new chain is confirmed past the retracted block, so a
/// removal that the new chain repeats never lets the id back in between. A retraction of a change already confirmed
/// (a reorganisation deeper than the depth) rebuilds the mirror from a cold start.</para>
/// <para>The file holds the confirmed state and its block only; unconfirmed events are read again after a restart.</para>
/// </remarks>
public sealed class RegistryMirror : IAsyncDisposable, IDisposable
{
    private readonly IRegistryChain _chain;
    private readonly IRegistrySnapshotReader _reader;
    private readonly RegistryMirrorOptions _options;
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    // Values without references: a catch-up rewrites a listing per event, and neither allocates for it nor gives the
    // collector a pointer into the young generation to trace from this long-lived table.
    private readonly Dictionary<Bytes32, ConfirmedListing> _confirmed = new();
    private readonly List<RegistryEvent> _pending = [];
    private readonly Dictionary<Bytes32, ulong> _holds = new();
    private readonly List<RegistryCheckpoint> _progress = [];
    private readonly ConcurrentDictionary<Bytes32, byte> _trusted = new();
    private RegistryCheckpoint? _checkpoint;
    private RegistryCheckpoint? _seen;
    private ListingWriter? _listingWriter;
    private TaskCompletionSource _checkpointMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RegistryMirror(IRegistryChain chain, IRegistrySnapshotReader reader, RegistryMirrorOptions options, SqliteConnection connection)
    {
        _chain = chain;
        _reader = reader;
        _options = options;
        _connection = connection;
        Load();
    }

    /// <summary>The confirmed block the stored state describes, or <c>null</c> before the first cold start.</summary>
    public RegistryCheckpoint? Checkpoint
    {
        get
        {
            lock (_lock)
            {
                return _checkpoint;
            }
        }
    }

    /// <summary>The newest block the mirror has read (removals up to it are applied).</summary>
    public RegistryCheckpoint? Seen
    {
        get
        {
            lock (_lock)
            {
                return _seen;
            }
        }
    }

    /// <summary>How many times the mirror was built from the contract's enumeration.</summary>
    public int ColdStarts { get; private set; }

    /// <summary>The trusted node ids now.</summary>
    public IReadOnlyCollection<Bytes32> TrustedNodeIds => [.. _trusted.Keys];

    /// <summary>
    /// Opens (or creates) the mirror file. The stored state answers <see cref="IsTrusted"/> at once; call
    /// <see cref="RunAsync"/> to bring it up to date and follow the chain.
    /// </summary>
    /// <param name="client">Reads for the event stream and the cold start; it stays owned by the caller.</param>
    /// <param name="options">The registry, the file and the depth.</param>
    /// <exception cref="RegistryStoreException">The file is not a registry mirror or cannot be opened.</exception>
    public static RegistryMirror Open(RpcClient client, RegistryMirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stream = options.StreamOptions();
        var chain = new RpcRegistryChain(client, options.Registry, stream.WebSocketEndpoint, stream.WebSocketOptions, stream.PollInterval, stream.TimeProvider);
        return Open(chain, new RpcSnapshotReader(client, options.Registry, options.PageSize), options);
    }

    internal static RegistryMirror Open(IRegistryChain chain, IRegistrySnapshotReader reader, RegistryMirrorOptions options)
    {
        options.Validate();
        var path = Path.GetFullPath(options.DatabasePath);
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
            return new RegistryMirror(chain, reader, options, connection); // reads the stored state
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw failure(e);
        }
    }

    /// <summary>Whether <paramref name="nodeId"/> is trusted, from memory: no RPC call, no lock.</summary>
    public bool IsTrusted(Bytes32 nodeId) => _trusted.ContainsKey(nodeId);

    /// <summary>The confirmed state of a listing, or <c>null</c> when the mirror knows none.</summary>
    public MirroredListing? GetListing(Bytes32 nodeId)
    {
        lock (_lock)
        {
            return _confirmed.TryGetValue(nodeId, out var listing) ? listing.ToListing(nodeId) : null;
        }
    }

    /// <summary>
    /// Brings the mirror up to date (a cold start when the file is empty or the chain reorganised below its
    /// checkpoint) and follows the chain until <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (Checkpoint is null)
                {
                    await ColdStartAsync(cancellationToken).ConfigureAwait(false);
                }

                await FollowAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RegistryReorgTooDeepException or ConfirmedChangeRetractedException)
            {
                lock (_lock)
                {
                    _checkpoint = null;
                }
            }
            catch (Exception ex) when (ex is RpcUnavailableException or RpcProtocolException)
            {
                await Task.Delay(_options.Stream.RetryDelay, _options.Stream.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until the confirmed state reaches <paramref name="blockNumber"/> (tests and tools).</summary>
    /// <remarks>The wait ends as soon as the checkpoint moves there; <paramref name="pollInterval"/> bounds each wait between checks.</remarks>
    public async Task WaitForCheckpointAsync(ulong blockNumber, TimeSpan pollInterval, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task moved;
            lock (_lock)
            {
                if (_checkpoint is { } c && c.BlockNumber >= blockNumber)
                {
                    return;
                }

                moved = _checkpointMoved.Task;
            }

            await moved.WaitAsync(pollInterval, _options.Stream.TimeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _chain.DisposeAsync().ConfigureAwait(false);
        DisposeCommands();
        _connection.Dispose();
    }

    /// <summary>Closes the file; prefer <see cref="DisposeAsync"/>, which also closes a WebSocket.</summary>
    public void Dispose()
    {
        _chain.DisposeAsync().AsTask().GetAwaiter().GetResult();
        DisposeCommands();
        _connection.Dispose();
    }

    private async Task ColdStartAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var head = await _chain.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            var pinned = head >= (ulong)_options.ConfirmationDepth ? head - (ulong)_options.ConfirmationDepth : 0;
            var hash = await _chain.GetBlockHashAsync(pinned, cancellationToken).ConfigureAwait(false);
            if (hash is null)
            {
                await Task.Delay(_options.Stream.RetryDelay, _options.Stream.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var listed = await _reader.ReadListedAsync(pinned, cancellationToken).ConfigureAwait(false);
            // The reads name the block by number: check it is still the same block.
            if (await _chain.GetBlockHashAsync(pinned, cancellationToken).ConfigureAwait(false) != hash)
            {
                continue;
            }

            var checkpoint = new RegistryCheckpoint(pinned, hash.Value);
            lock (_lock)
            {
                _confirmed.Clear();
                foreach (var listing in listed)
                {
                    _confirmed[listing.NodeId] = ConfirmedListing.From(listing);
                }

                _pending.Clear();
                _holds.Clear();
                _progress.Clear();
                _checkpoint = checkpoint;
                _seen = checkpoint;
                SaveAll();
                SignalCheckpointMoved();
                RefreshAll();
                ColdStarts++;
            }

            return;
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        var start = Checkpoint!.Value;
        var events = new RegistryEvents(new NonDisposingChain(_chain), _options.StreamOptions(), null);
        await foreach (var update in events.ReadAsync(start, cancellationToken).ConfigureAwait(false))
        {
            lock (_lock)
            {
                Apply(update);
            }
        }
    }

    private void Apply(RegistryUpdate update)
    {
        switch (update.Kind)
        {
            case RegistryUpdateKind.Added:
                var added = update.Event!;
                _pending.Add(added);
                if (IsRemoval(added.Kind))
                {
                    Refresh(added.NodeId);
                }

                break;
            case RegistryUpdateKind.Retracted:
                var retracted = update.Event!;
                var index = _pending.FindIndex(p => p.Id == retracted.Id);
                if (index < 0)
                {
                    throw new ConfirmedChangeRetractedException();
                }

                _pending.RemoveAt(index);
                if (IsRemoval(retracted.Kind))
                {
                    _holds[retracted.NodeId] = Math.Max(_holds.GetValueOrDefault(retracted.NodeId), retracted.Block.BlockNumber);
                }

                _progress.RemoveAll(p => p.BlockNumber > update.Checkpoint.BlockNumber);
                _seen = update.Checkpoint;
                Refresh(retracted.NodeId);
                break;
            case RegistryUpdateKind.Progress:
                _seen = update.Checkpoint;
                _progress.Add(update.Checkpoint);
                Confirm();
                break;
        }
    }

    /// <summary>Applies the pending events whose blocks are deep enough, and stores the state at the newest such checkpoint.</summary>
    private void Confirm()
    {
        var depth = (ulong)_options.ConfirmationDepth;
        if (_seen is not { } seen || seen.BlockNumber < depth)
        {
            return;
        }

        var height = seen.BlockNumber - depth;
        var index = _progress.FindLastIndex(p => p.BlockNumber <= height);
        if (index < 0)
        {
            return;
        }

        var checkpoint = _progress[index];
        _progress.RemoveRange(0, index);
        var touched = new HashSet<Bytes32>();
        var confirmedCount = 0;
        while (confirmedCount < _pending.Count && _pending[confirmedCount].Log.BlockNumber <= checkpoint.BlockNumber)
        {
            var e = _pending[confirmedCount++];
            Fold(e);
            touched.Add(e.NodeId);
        }

        _pending.RemoveRange(0, confirmedCount);
        foreach (var (nodeId, until) in _holds.ToList())
        {
            if (until <= checkpoint.BlockNumber)
            {
                _holds.Remove(nodeId);
                touched.Add(nodeId);
            }
        }

        _checkpoint = checkpoint;
        Save(touched, checkpoint);
        SignalCheckpointMoved();
        foreach (var nodeId in touched)
        {
            Refresh(nodeId);
        }
    }

    private void Fold(RegistryEvent e)
    {
        switch (e.Kind)
        {
            case RegistryEventKind.Applied:
                _confirmed[e.NodeId] = new ConfirmedListing(e.Owner!.Value, ListingStage.Applied, e.GetUInt256("deposit"));
                return;
            case RegistryEventKind.Listed:
                _confirmed[e.NodeId] = new ConfirmedListing(e.Owner!.Value, ListingStage.Listed, e.GetUInt256("deposit"));
                return;
            case var kind when IsRemoval(kind):
                _confirmed.Remove(e.NodeId);
                return;
        }

        ref var current = ref CollectionsMarshal.GetValueRefOrNullRef(_confirmed, e.NodeId);
        if (Unsafe.IsNullRef(ref current))
        {
            return;
        }

        switch (e.Kind)
        {
            case RegistryEventKind.ExitStarted:
                current = current with { Stage = ListingStage.Exiting };
                break;
            // Each reports the deposit after the change (ChallengeFailed: after the reward joined it or was paid out).
            case RegistryEventKind.Deposited or RegistryEventKind.Withdrawn or RegistryEventKind.ChallengeFailed:
                current = current with { Deposit = e.GetUInt256("newDeposit") };
                break;
        }
    }

    private static bool IsRemoval(RegistryEventKind kind) =>
        kind is RegistryEventKind.ListingRemoved or RegistryEventKind.ApplicationRemoved or RegistryEventKind.Exited or RegistryEventKind.TouchedAndRemoved;

    private void Refresh(Bytes32 nodeId)
    {
        var trusted = _confirmed.TryGetValue(nodeId, out var listing) && listing.IsTrusted && !_holds.ContainsKey(nodeId) &&
            !_pending.Any(p => p.NodeId == nodeId && IsRemoval(p.Kind));
        if (trusted)
        {
            _trusted.TryAdd(nodeId, 0);
        }
        else
        {
            _trusted.TryRemove(nodeId, out _);
        }
    }

    private void RefreshAll()
    {
        foreach (var nodeId in _trusted.Keys.Where(id => !_confirmed.ContainsKey(id)).ToList())
        {
            _trusted.TryRemove(nodeId, out _);
        }

        foreach (var nodeId in _confirmed.Keys)
        {
            Refresh(nodeId);
        }
    }

    private void Load()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT number, hash FROM mirror_checkpoint WHERE id = 1";
        using (var reader = select.ExecuteReader())
        {
            if (reader.Read())
            {
                _checkpoint = new RegistryCheckpoint((ulong)reader.GetInt64(0), new Bytes32((byte[])reader[1]));
                _seen = _checkpoint;
            }
        }

        select.CommandText = "SELECT node_id, owner, stage, deposit FROM listings";
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                var nodeId = new Bytes32((byte[])reader[0]);
                _confirmed[nodeId] = new ConfirmedListing(
                    new Address((byte[])reader[1]),
                    (ListingStage)reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : UInt256.Parse(reader.GetString(3)));
            }
        }

        RefreshAll();
    }

    private void SaveAll()
    {
        using var transaction = _connection.BeginTransaction();
        using (var clear = _connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM listings";
            clear.ExecuteNonQuery();
        }

        WriteListings(transaction, _confirmed.Keys);
        WriteCheckpoint(transaction, _checkpoint!.Value);
        transaction.Commit();
    }

    private void Save(IEnumerable<Bytes32> nodeIds, RegistryCheckpoint checkpoint)
    {
        using var transaction = _connection.BeginTransaction();
        WriteListings(transaction, nodeIds);
        WriteCheckpoint(transaction, checkpoint);
        transaction.Commit();
    }

    private void WriteListings(SqliteTransaction transaction, IEnumerable<Bytes32> nodeIds)
    {
        var upserts = new List<Bytes32>();
        var deletes = new List<Bytes32>();
        foreach (var nodeId in nodeIds)
        {
            (_confirmed.ContainsKey(nodeId) ? upserts : deletes).Add(nodeId);
        }

        _listingWriter ??= new ListingWriter(_connection);
        _listingWriter.Upsert(transaction, upserts, _confirmed);
        _listingWriter.Delete(transaction, deletes);
    }

    private void WriteCheckpoint(SqliteTransaction transaction, RegistryCheckpoint checkpoint)
    {
        _listingWriter ??= new ListingWriter(_connection);
        _listingWriter.WriteCheckpoint(transaction, checkpoint);
    }

    /// <summary>Wakes the waits for the checkpoint; called under the lock.</summary>
    private void SignalCheckpointMoved()
    {
        var moved = _checkpointMoved;
        _checkpointMoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        moved.TrySetResult();
    }

    private void DisposeCommands()
    {
        _listingWriter?.Dispose();
        _listingWriter = null;
    }

    /// <summary>A confirmed listing as the mirror keeps it; <see cref="MirroredListing"/> is built when asked for.</summary>
    private readonly record struct ConfirmedListing(Address Owner, ListingStage Stage, UInt256? Deposit)
    {
        public bool IsTrusted => Stage is ListingStage.Listed or ListingStage.Exiting;

        public static ConfirmedListing From(MirroredListing listing) => new(listing.Owner, listing.Stage, listing.Deposit);

        public MirroredListing ToListing(Bytes32 nodeId) => new(nodeId, Owner, Stage, Deposit);
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

    /// <summary>A change already confirmed was retracted: the reorganisation was deeper than the depth.</summary>
    private sealed class ConfirmedChangeRetractedException : Exception
    {
        public ConfirmedChangeRetractedException()
            : base("A confirmed registry change was retracted; the mirror is rebuilt.")
        {
        }
    }

    /// <summary>Lends the mirror's chain to a stream, which must not close it.</summary>
    private sealed class NonDisposingChain(IRegistryChain inner) : IRegistryChain
    {
        public Task<ulong> GetHeadAsync(CancellationToken cancellationToken) => inner.GetHeadAsync(cancellationToken);

        public Task<Bytes32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken) => inner.GetBlockHashAsync(number, cancellationToken);

        public Task<IReadOnlyList<Bytes32?>> GetBlockHashesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken) => inner.GetBlockHashesAsync(numbers, cancellationToken);

        public Task<IReadOnlyList<Log>> GetLogsAsync(ulong from, ulong to, CancellationToken cancellationToken) => inner.GetLogsAsync(from, to, cancellationToken);

        public Task<IReadOnlyList<RegistryEvent>> GetEventsAsync(ulong from, ulong to, CancellationToken cancellationToken) => inner.GetEventsAsync(from, to, cancellationToken);

        public Task WaitForNewBlockAsync(ulong knownHead, CancellationToken cancellationToken) => inner.WaitForNewBlockAsync(knownHead, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Reads the trusted set with <c>listedCount</c>, <c>listedPage</c> and batched <c>listing</c> calls.</summary>
internal sealed class RpcSnapshotReader(RpcClient client, Address registry, int pageSize) : IRegistrySnapshotReader
{
    public async Task<IReadOnlyList<MirroredListing>> ReadListedAsync(ulong blockNumber, CancellationToken cancellationToken)
    {
        var abi = RegistryAbi.Abi;
        var block = BlockTag.FromNumber(blockNumber);
        var countFunction = abi.GetFunction("listedCount");
        var count = (ulong)countFunction.DecodeOutput(await client.CallAsync(new CallRequest { To = registry, Data = countFunction.EncodeCall() }, block, cancellationToken).ConfigureAwait(false))[0].AsUInt256();
        var page = abi.GetFunction("listedPage");
        var listingFunction = abi.GetFunction("listing");
        var listings = new List<MirroredListing>((int)Math.Min(count, 1_000_000));
        for (ulong offset = 0; offset < count; offset += (ulong)pageSize)
        {
            var data = page.EncodeCall((UInt256)offset, (UInt256)(ulong)pageSize);
            var ids = page.DecodeOutput(await client.CallAsync(new CallRequest { To = registry, Data = data }, block, cancellationToken).ConfigureAwait(false))[0].Items
                .Select(v => v.AsBytes32()).ToList();
            var calls = ids.Select(id => EthCalls.Call(new CallRequest { To = registry, Data = listingFunction.EncodeCall(id) }, block)).ToList();
            if (calls.Count > 0)
            {
                await client.SendBatchAsync(calls, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < ids.Count; i++)
            {
                var fields = listingFunction.DecodeOutput(await calls[i].Task.ConfigureAwait(false))[0].Items;
                listings.Add(new MirroredListing(ids[i], fields[0].AsAddress(), (ListingStage)(int)(ulong)fields[2].AsUInt256(), fields[1].AsUInt256()));
            }
        }

        return listings;
    }
}
