using TcrToolkit.Ethereum;

namespace TcrToolkit.MailServers.Pool;

/// <summary>Where a candidate mail server came from.</summary>
public enum CandidateSource
{
    /// <summary>A Discovery v5 random walk met a record with the store capability.</summary>
    RandomWalk,

    /// <summary>A registry-listed node id resolved by a targeted Discovery v5 lookup.</summary>
    RegistryLookup,

    /// <summary>The record published with the listing's <c>Applied</c> event.</summary>
    RegistryEvent,

    /// <summary>The client's persisted cache, re-verified on load.</summary>
    Cache,

    /// <summary>Configured by the application.</summary>
    Static,
}

/// <summary>
/// A mail server the pool may use: its registry listing key (the discovery node id), how to reach it, the record's
/// sequence number (the newest wins) and where it was found. The addresses carry the libp2p peer id of the same key,
/// so the transport handshake proves the pool talks to the listed server.
/// </summary>
/// <param name="NodeId">keccak256 of the server's 64-byte secp256k1 public key: its discv5 id and registry listing.</param>
/// <param name="Addresses">libp2p multiaddrs, text form, each ending in <c>/p2p/</c> and the key's peer id.</param>
/// <param name="Sequence">The ENR sequence number the addresses came from.</param>
/// <param name="Source">Where the candidate was found.</param>
/// <param name="Record">The ENR text (<c>enr:…</c>), when known.</param>
public sealed record MailServerCandidate(Bytes32 NodeId, IReadOnlyList<string> Addresses, ulong Sequence, CandidateSource Source, string? Record = null);
