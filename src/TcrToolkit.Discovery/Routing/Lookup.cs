using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>
/// An iterative Kademlia lookup as a state machine with no I/O (discv5-theory.md "Lookup"): keep the k closest records
/// seen, query up to α of the closest not yet asked, stop when the k closest have all answered or failed. The node drives
/// it over the network; the simulator drives it in process.
/// </summary>
internal sealed class Lookup
{
    private readonly Bytes32 _target;
    private readonly int _k;
    private readonly List<Candidate> _candidates = [];
    private readonly HashSet<Bytes32> _seen = [];

    public Lookup(Bytes32 target, Bytes32 localId, IEnumerable<Enr> seeds, int k = RoutingTable.BucketSize)
    {
        _target = target;
        _k = k;
        _seen.Add(localId);
        Add(seeds);
    }

    public Bytes32 Target => _target;

    public int InFlight { get; private set; }

    public int Queried { get; private set; }

    /// <summary>Every verified record met, in order of arrival, for random walks.</summary>
    public List<Enr> Met { get; } = [];

    /// <summary>The closest records that answered, closest first.</summary>
    public IReadOnlyList<Enr> Result =>
        [.. _candidates.Where(c => c.State == CandidateState.Answered).Take(_k).Select(c => c.Record)];

    public bool IsFinished
    {
        get
        {
            if (InFlight > 0)
            {
                return false;
            }

            var considered = 0;
            foreach (var c in _candidates)
            {
                if (c.State == CandidateState.Failed)
                {
                    continue;
                }

                if (c.State == CandidateState.New)
                {
                    return false;
                }

                if (++considered >= _k)
                {
                    break;
                }
            }

            return true;
        }
    }

    /// <summary>The next records to query, at most <paramref name="alpha"/> in flight in all; marks them in flight.</summary>
    public List<Enr> Next(int alpha)
    {
        var next = new List<Enr>();
        var considered = 0;
        foreach (var c in _candidates)
        {
            if (InFlight >= alpha || considered >= _k)
            {
                break;
            }

            if (c.State == CandidateState.Failed)
            {
                continue;
            }

            considered++;
            if (c.State == CandidateState.New)
            {
                c.State = CandidateState.InFlight;
                InFlight++;
                Queried++;
                next.Add(c.Record);
            }
        }

        return next;
    }

    public void OnAnswer(Bytes32 from, IEnumerable<Enr> records)
    {
        var c = _candidates.Find(x => x.Record.NodeId == from);
        if (c is { State: CandidateState.InFlight })
        {
            c.State = CandidateState.Answered;
            InFlight--;
        }

        Add(records);
    }

    public void OnFailure(Bytes32 from)
    {
        var c = _candidates.Find(x => x.Record.NodeId == from);
        if (c is { State: CandidateState.InFlight })
        {
            c.State = CandidateState.Failed;
            InFlight--;
        }
    }

    private void Add(IEnumerable<Enr> records)
    {
        foreach (var r in records)
        {
            if (!_seen.Add(r.NodeId))
            {
                var existing = _candidates.Find(x => x.Record.NodeId == r.NodeId);
                if (existing is not null && r.Sequence > existing.Record.Sequence)
                {
                    existing.Record = r;
                }

                continue;
            }

            Met.Add(r);
            var candidate = new Candidate(r);
            var index = _candidates.BinarySearch(candidate, Comparer<Candidate>.Create((a, b) => NodeDistance.Compare(_target, a.Record.NodeId, b.Record.NodeId)));
            _candidates.Insert(index < 0 ? ~index : index, candidate);
        }
    }

    /// <summary>The newest record seen for <paramref name="nodeId"/>, if any.</summary>
    public Enr? Seen(Bytes32 nodeId) => _candidates.Find(x => x.Record.NodeId == nodeId)?.Record;

    private enum CandidateState
    {
        New,
        InFlight,
        Answered,
        Failed,
    }

    private sealed class Candidate(Enr record)
    {
        public Enr Record { get; set; } = record;

        public CandidateState State { get; set; }
    }
}
