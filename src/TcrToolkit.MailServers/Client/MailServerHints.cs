using System.Text;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Client;

/// <summary>
/// Records that are not trusted by themselves but worth offering once the registry trusts their node id: the ENR an
/// applicant published in its <c>Applied</c> event, and the entries of the persisted cache. Only the newest sequence
/// number per node id is kept, and at most a bounded number of node ids (the oldest hint goes first), so a flood of
/// applications or a large cache cannot grow memory.
/// </summary>
public sealed class MailServerHints
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<Bytes32, MailServerCandidate> _hints = [];
    private readonly Queue<Bytes32> _order = new();

    /// <summary>Creates an empty set keeping at most <paramref name="capacity"/> node ids.</summary>
    public MailServerHints(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Hints held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _hints.Count;
            }
        }
    }

    /// <summary>
    /// Reads the <c>data</c> of an <c>Applied</c> event as a record of <paramref name="nodeId"/>: ENR text
    /// (<c>enr:…</c>, UTF-8) or its RLP bytes, signed by the node key. Null when it is neither, names another node, or
    /// is not a mail server's record.
    /// </summary>
    public static MailServerCandidate? FromAppliedData(Bytes32 nodeId, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data.Length > 2 * Enr.MaxSize)
        {
            return null;
        }

        Enr record;
        try
        {
            record = data.StartsWith("enr:"u8) ? Enr.Parse(Encoding.UTF8.GetString(data)) : Enr.Decode(data);
        }
        catch (EnrFormatException)
        {
            return null;
        }

        return record.NodeId == nodeId ? MailServerRecords.ToCandidate(record, CandidateSource.RegistryEvent) : null;
    }

    /// <summary>Keeps <paramref name="candidate"/> unless a hint with a newer sequence number is held; returns whether it was kept.</summary>
    public bool Add(MailServerCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_gate)
        {
            if (_hints.TryGetValue(candidate.NodeId, out var held))
            {
                if (held.Sequence >= candidate.Sequence)
                {
                    return false;
                }

                _hints[candidate.NodeId] = candidate;
                return true;
            }

            while (_hints.Count >= _capacity && _order.TryDequeue(out var oldest))
            {
                _hints.Remove(oldest);
            }

            _hints[candidate.NodeId] = candidate;
            _order.Enqueue(candidate.NodeId);
            return true;
        }
    }

    /// <summary>The hint of <paramref name="nodeId"/>, if any.</summary>
    public MailServerCandidate? Get(Bytes32 nodeId)
    {
        lock (_gate)
        {
            return _hints.GetValueOrDefault(nodeId);
        }
    }

    /// <summary>
    /// Offers the hints of <paramref name="nodeIds"/> to <paramref name="pool"/> (which keeps them only if trusted, and
    /// keeps the newer of a hint and what it holds); returns how many joined.
    /// </summary>
    public int OfferTo(TrustedMailServers pool, IEnumerable<Bytes32> nodeIds)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(nodeIds);
        var added = 0;
        foreach (var id in nodeIds)
        {
            if (Get(id) is { } hint && pool.Offer(hint) == CandidateVerdict.Added)
            {
                added++;
            }
        }

        return added;
    }
}
