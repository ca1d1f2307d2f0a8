using System.Net;
using System.Text;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>Settings of a <see cref="Discv5Node"/>; validated when the node starts.</summary>
public sealed class Discv5Options
{
    /// <summary>The node's identity key; its node id is keccak256 of the public key. The caller keeps ownership.</summary>
    public PrivateKey? PrivateKey { get; set; }

    /// <summary>The UDP endpoint to bind: IPv4, IPv6, or [::] for dual-stack. Port 0 picks a free port.</summary>
    public IPEndPoint BindEndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>The address to put in the record; defaults to the bound address unless that is a wildcard.</summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>Nodes to contact first, as records.</summary>
    public IList<Enr> Bootnodes { get; } = [];

    /// <summary>The static header's protocol id: "discv5", or "d5waku" for Waku's separate DHT.</summary>
    public string ProtocolId { get; set; } = "discv5";

    /// <summary>The clock for timeouts, rate limits and maintenance.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long a request waits for its answer (a handshake included).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a WHOAREYOU challenge stays answerable.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra record entries (waku2, multiaddrs, ...), applied when the node builds its record.</summary>
    public Action<EnrBuilder>? ConfigureRecord { get; set; }

    /// <summary>The sequence number of the node's previous record, so a restarted node's sequence keeps growing.</summary>
    public ulong PreviousSequence { get; set; }

    /// <summary>How many sessions to keep (least recently used are dropped).</summary>
    public int SessionCapacity { get; set; } = 1024;

    /// <summary>Packets accepted per second from one IP address before the rest are dropped unread.</summary>
    public int PacketsPerSecondPerIp { get; set; } = 2000;

    /// <summary>Requests answered per second for one node id.</summary>
    public int RequestsPerSecondPerNode { get; set; } = 200;

    /// <summary>How often one table entry is pinged for liveness; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan LivenessCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a random lookup refreshes the table; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether agreeing PONGs from <see cref="EndpointVotes"/> nodes may change the record's ip/udp.</summary>
    public bool UpdateEndpointFromPongs { get; set; } = true;

    /// <summary>How many distinct nodes must report the same new endpoint before the record changes.</summary>
    public int EndpointVotes { get; set; } = 3;

    /// <summary>Lookup parallelism (α).</summary>
    public int LookupParallelism { get; set; } = 3;

    internal byte[] ProtocolIdBytes => Encoding.ASCII.GetBytes(ProtocolId);

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (PrivateKey is null)
        {
            throw new ArgumentException("Discv5Options.PrivateKey is required: the node's identity key.", nameof(PrivateKey));
        }

        ArgumentNullException.ThrowIfNull(BindEndPoint);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (string.IsNullOrEmpty(ProtocolId) || ProtocolId.Length != 6 || !Ascii.IsValid(ProtocolId))
        {
            throw new ArgumentException("Discv5Options.ProtocolId must be 6 ASCII characters, such as \"discv5\" or \"d5waku\".", nameof(ProtocolId));
        }

        if (RequestTimeout <= TimeSpan.Zero || ChallengeLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("Discv5Options.RequestTimeout and ChallengeLifetime must be positive.");
        }

        if (SessionCapacity < 1 || PacketsPerSecondPerIp < 1 || RequestsPerSecondPerNode < 1 || EndpointVotes < 1 || LookupParallelism < 1)
        {
            throw new ArgumentException("Discv5Options limits (SessionCapacity, PacketsPerSecondPerIp, RequestsPerSecondPerNode, EndpointVotes, LookupParallelism) must be at least 1.");
        }
    }
}

/// <summary>The answer to a PING: the peer's record sequence number and the endpoint it saw us at.</summary>
public sealed record PongResult(ulong EnrSeq, IPEndPoint ObservedEndPoint);

/// <summary>A TALKREQ delivered to a registered handler.</summary>
public sealed record TalkRequest(Bytes32 NodeId, IPEndPoint From, byte[] Protocol, byte[] Request);

/// <summary>Answers a TALKREQ for one protocol; the returned bytes become the TALKRESP.</summary>
public delegate ValueTask<byte[]> TalkHandler(TalkRequest request, CancellationToken cancellationToken);
