using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace TcrToolkit.Benchmarks;

/// <summary>Trust lookups from a mirror holding 10,000 listings (the target is at most 1 µs per node id).</summary>
[MemoryDiagnoser]
public class MirrorBenchmarks : IDisposable
{
    private const int Listings = 10_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-mirror-bench-").FullName;
    private RpcClient _client = null!;
    private RegistryMirror _mirror = null!;
    private Bytes32[] _listed = [];
    private Bytes32[] _unknown = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(_directory, "mirror.db");
        // Never contacted: opening a mirror reads its file only.
        _client = RpcClient.CreateHttp(new Uri("http://127.0.0.1:9/"));
        var options = new RegistryMirrorOptions { Registry = Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"), DatabasePath = path };
        RegistryMirror.Open(_client, options).Dispose();

        _listed = [.. Enumerable.Range(0, Listings).Select(i => Keccak256.HashUtf8("listed " + i))];
        _unknown = [.. Enumerable.Range(0, Listings).Select(i => Keccak256.HashUtf8("unknown " + i))];
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO listings (node_id, owner, stage, deposit) VALUES ($node, $owner, 2, '100')";
            var node = insert.Parameters.Add("$node", SqliteType.Blob);
            insert.Parameters.AddWithValue("$owner", new byte[20]);
            foreach (var id in _listed)
            {
                node.Value = id.ToArray();
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        _mirror = RegistryMirror.Open(_client, options);
        if (_mirror.TrustedNodeIds.Count != Listings)
        {
            throw new InvalidOperationException("The mirror did not load the listings.");
        }
    }

    [Benchmark(Description = "IsTrusted(listed node id), 10,000 listings")]
    public bool IsTrustedListed() => _mirror.IsTrusted(_listed[_next++ % Listings]);

    [Benchmark(Description = "IsTrusted(unknown node id), 10,000 listings")]
    public bool IsTrustedUnknown() => _mirror.IsTrusted(_unknown[_next++ % Listings]);

    [GlobalCleanup]
    public void Dispose()
    {
        _mirror?.Dispose();
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
