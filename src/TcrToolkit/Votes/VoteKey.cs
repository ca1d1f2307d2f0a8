using TcrToolkit.Ethereum;

namespace TcrToolkit.Votes;

/// <summary>Identifies one voter's vote in one poll of one TCR deployment.</summary>
/// <param name="ChainId">The chain the deployment lives on.</param>
/// <param name="Registry">The registry of the deployment (its voting contract and governor belong to it).</param>
/// <param name="PollId">The poll id on the deployment's voting contract (a challenge id is its poll id).</param>
/// <param name="Voter">The voting account.</param>
public readonly record struct VoteKey(ulong ChainId, Address Registry, UInt256 PollId, Address Voter)
{
    /// <inheritdoc/>
    public override string ToString() => $"poll {PollId} of registry {Registry} on chain {ChainId}, voter {Voter}";
}

/// <summary>Where a stored vote stands.</summary>
public enum VoteProgress
{
    /// <summary>The salt is stored; the commit transaction may or may not have been sent.</summary>
    Reserved = 0,

    /// <summary>The commit transaction was mined.</summary>
    Committed = 1,

    /// <summary>The vote was revealed; the salt is kept for the record.</summary>
    Revealed = 2,
}

/// <summary>A vote as the vault keeps it. The salt is secret until revealed: it never appears in <see cref="ToString"/>.</summary>
public sealed record StoredVote(
    long Id,
    VoteKey Key,
    Address Voting,
    byte Option,
    Bytes32 Salt,
    Bytes32 Commitment,
    VoteProgress Progress,
    Bytes32? CommitTransaction,
    DateTimeOffset CreatedAt)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Progress} vote #{Id} ({Key}), commitment {Commitment}";
}
