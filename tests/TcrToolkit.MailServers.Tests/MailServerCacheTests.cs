using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Tests;

public sealed class MailServerCacheTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tcr-cache-{Guid.NewGuid():N}.db");

    [Fact]
    public void LoadInto_AfterRestart_KeepsOnlyServersStillTrusted()
    {
        var trust = new FakeTrust();
        trust.List(Id(1));
        trust.List(Id(2));
        using (var pool = new TrustedMailServers(trust))
        using (var cache = MailServerCache.Open(_path))
        {
            pool.Offer(new MailServerCandidate(Id(1), ["/ip4/127.0.0.1/tcp/1"], 3, CandidateSource.RandomWalk, "enr:-x"));
            pool.Offer(new MailServerCandidate(Id(2), ["/ip4/127.0.0.1/tcp/2"], 1, CandidateSource.RegistryLookup));
            pool.RecordRoundTrip(Id(1), TimeSpan.FromMilliseconds(12));
            cache.Save(pool.Servers, DateTimeOffset.UnixEpoch);
        }

        // While the client was down, server 2 was removed from the registry.
        var restarted = new FakeTrust();
        restarted.List(Id(1));
        using var newPool = new TrustedMailServers(restarted);
        using var reopened = MailServerCache.Open(_path);

        var kept = reopened.LoadInto(newPool);

        kept.Should().Be(1);
        var server = newPool.Servers.Should().ContainSingle().Subject;
        server.Candidate.Should().BeEquivalentTo(new MailServerCandidate(Id(1), ["/ip4/127.0.0.1/tcp/1"], 3, CandidateSource.Cache, "enr:-x"));
        server.RoundTrip.Should().Be(TimeSpan.FromMilliseconds(12));
    }

    [Fact]
    public void LoadInto_MirrorNotSynced_TrustsNothingFromTheCache()
    {
        using (var cache = MailServerCache.Open(_path))
        {
            cache.Save([new TrustedMailServer(new MailServerCandidate(Id(1), [], 1, CandidateSource.Static), null, null)], DateTimeOffset.UnixEpoch);
        }

        using var pool = new TrustedMailServers(new FakeTrust());
        using var reopened = MailServerCache.Open(_path);

        reopened.LoadInto(pool).Should().Be(0);
        pool.Servers.Should().BeEmpty();
    }

    public void Dispose()
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static Bytes32 Id(int n)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)n;
        return new Bytes32(bytes);
    }
}
