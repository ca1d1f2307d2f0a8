using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Tests;

/// <summary>A registry stand-in: a set of listed ids and removals raised like the mirror raises them.</summary>
internal sealed class FakeTrust : IMailServerTrust
{
    private readonly HashSet<Bytes32> _listed = [];

    public event EventHandler<TrustWithdrawnEventArgs>? TrustWithdrawn;

    public IReadOnlyCollection<Bytes32> TrustedNodeIds => [.. _listed];

    public bool IsTrusted(Bytes32 nodeId) => _listed.Contains(nodeId);

    public void List(Bytes32 nodeId) => _listed.Add(nodeId);

    public void Remove(Bytes32 nodeId, string reason = "ListingRemoved")
    {
        _listed.Remove(nodeId);
        TrustWithdrawn?.Invoke(this, new TrustWithdrawnEventArgs([nodeId], reason));
    }

    public void ForgetWithoutEvent(Bytes32 nodeId) => _listed.Remove(nodeId);

    public void WithdrawAll(string reason)
    {
        _listed.Clear();
        TrustWithdrawn?.Invoke(this, new TrustWithdrawnEventArgs([], reason));
    }
}
