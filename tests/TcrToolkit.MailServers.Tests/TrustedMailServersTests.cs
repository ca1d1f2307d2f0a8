using Microsoft.Extensions.Time.Testing;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Tests;

public sealed class TrustedMailServersTests
{
    private readonly FakeTrust _trust = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Offer_UnlistedCandidate_IsDiscardedAndNotKept()
    {
        using var pool = NewPool();

        var verdict = pool.Offer(Candidate(1));

        verdict.Should().Be(CandidateVerdict.Discarded);
        pool.Servers.Should().BeEmpty();
        pool.Discarded.Should().Be(1);
    }

    [Fact]
    public void Offer_ThousandFakeStoreRecordsAndOneListed_KeepsOnlyTheListed()
    {
        using var pool = NewPool();
        _trust.List(Id(5000));

        var verdicts = Enumerable.Range(1, 1000).Select(i => pool.Offer(Candidate(i))).ToList();
        var listed = pool.Offer(Candidate(5000));

        verdicts.Should().OnlyContain(v => v == CandidateVerdict.Discarded);
        listed.Should().Be(CandidateVerdict.Added);
        pool.Servers.Should().ContainSingle().Which.Candidate.NodeId.Should().Be(Id(5000));
    }

    [Fact]
    public void Offer_NewerRecordOfAKnownServer_ReplacesItsAddressesAndOlderDoesNot()
    {
        using var pool = NewPool();
        _trust.List(Id(1));
        pool.Offer(Candidate(1, seq: 5, address: "/ip4/127.0.0.1/tcp/1"));

        pool.Offer(Candidate(1, seq: 4, address: "/ip4/127.0.0.1/tcp/2")).Should().Be(CandidateVerdict.Updated);
        pool.Servers.Single().Candidate.Addresses.Should().Equal("/ip4/127.0.0.1/tcp/1");
        pool.Offer(Candidate(1, seq: 6, address: "/ip4/127.0.0.1/tcp/3"));
        pool.Servers.Single().Candidate.Addresses.Should().Equal("/ip4/127.0.0.1/tcp/3");
    }

    [Fact]
    public async Task ExecuteAsync_RemovalArrivesMidQuery_CancelsItAndFinishesOnAnotherServer()
    {
        using var pool = NewPool();
        _trust.List(Id(1));
        _trust.List(Id(2));
        pool.Offer(Candidate(1));
        pool.Offer(Candidate(2));
        var evicted = new List<Bytes32>();
        pool.ServerEvicted += (_, e) => evicted.Add(e.NodeId);
        var first = new TaskCompletionSource<Bytes32>();

        var result = await pool.ExecuteAsync(async (lease, ct) =>
        {
            if (lease.Attempt == 1)
            {
                first.SetResult(lease.Server.NodeId);
                _trust.Remove(lease.Server.NodeId);
                await Task.Delay(Timeout.Infinite, ct);
            }

            return lease.Server.NodeId;
        });

        var removed = await first.Task;
        result.Should().NotBe(removed);
        evicted.Should().Equal(removed);
        pool.Servers.Select(s => s.Candidate.NodeId).Should().Equal(result);
    }

    [Fact]
    public async Task ExecuteAsync_ServerFails_BacksItOffAndUsesAnother()
    {
        using var pool = NewPool();
        _trust.List(Id(1));
        _trust.List(Id(2));
        pool.Offer(Candidate(1));
        pool.Offer(Candidate(2));
        pool.RecordRoundTrip(Id(1), TimeSpan.FromMilliseconds(1));
        pool.RecordRoundTrip(Id(2), TimeSpan.FromMilliseconds(50));

        var served = await pool.ExecuteAsync((lease, _) => lease.Server.NodeId == Id(1)
            ? Task.FromException<Bytes32>(new IOException("tampered page"))
            : Task.FromResult(lease.Server.NodeId));

        served.Should().Be(Id(2));
        pool.Servers.Single(s => s.Candidate.NodeId == Id(1)).AvailableAt.Should().BeAfter(_time.GetUtcNow());
    }

    [Fact]
    public async Task ExecuteAsync_MirrorWithdrawsAllTrust_FailsClosed()
    {
        using var pool = NewPool();
        _trust.List(Id(1));
        pool.Offer(Candidate(1));

        _trust.WithdrawAll("chain replaced");
        var act = () => pool.ExecuteAsync((lease, _) => Task.FromResult(lease.Server.NodeId));

        await act.Should().ThrowAsync<NoTrustedMailServerException>().WithMessage("No trusted mail server is known yet*");
        pool.Servers.Should().BeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_TrustEndedWithoutAnEvent_StillNotUsed()
    {
        // Fail closed even if an event were missed: trust is checked again at selection.
        using var pool = NewPool();
        _trust.List(Id(1));
        pool.Offer(Candidate(1));
        _trust.ForgetWithoutEvent(Id(1));

        var act = () => pool.ExecuteAsync((lease, _) => Task.FromResult(lease.Server.NodeId));

        await act.Should().ThrowAsync<NoTrustedMailServerException>();
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancels_DoesNotPenaliseTheServer()
    {
        using var pool = NewPool();
        _trust.List(Id(1));
        pool.Offer(Candidate(1));
        using var cts = new CancellationTokenSource();

        var act = () => pool.ExecuteAsync<int>(async (_, ct) => { await cts.CancelAsync(); ct.ThrowIfCancellationRequested(); return 0; }, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        pool.Servers.Single().AvailableAt.Should().BeNull();
    }

    private TrustedMailServers NewPool() => new(_trust, new TrustedMailServersOptions(), _time, new Random(42));

    private static MailServerCandidate Candidate(int n, ulong seq = 1, string address = "/ip4/127.0.0.1/tcp/60000") =>
        new(Id(n), [address], seq, CandidateSource.RandomWalk);

    private static Bytes32 Id(int n)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes.AsSpan(28), n);
        return new Bytes32(bytes);
    }
}
