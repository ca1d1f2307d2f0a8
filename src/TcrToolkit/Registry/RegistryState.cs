using TcrToolkit.Ethereum;

namespace TcrToolkit.Registry;

/// <summary>Lifecycle of a registry entry, as <c>IMailServerRegistry.Stage</c>. Listed and Exiting entries are trusted.</summary>
public enum ListingStage
{
    /// <summary>No entry.</summary>
    Absent = 0,

    /// <summary>Applied; listed once the application stage ends unchallenged.</summary>
    Applied = 1,

    /// <summary>Trusted.</summary>
    Listed = 2,

    /// <summary>Trusted, leaving: finalizeExit is possible inside the exit window.</summary>
    Exiting = 3,
}

/// <summary>Lifecycle of a challenge, as <c>IMailServerRegistry.ChallengeStatus</c>.</summary>
public enum ChallengeStatus
{
    /// <summary>No such challenge.</summary>
    None = 0,

    /// <summary>The vote runs or awaits resolution.</summary>
    Open = 1,

    /// <summary>The challenger won; the entry was removed.</summary>
    Succeeded = 2,

    /// <summary>The challenge was rejected or missed quorum; the entry stayed.</summary>
    Failed = 3,
}

/// <summary>A registry entry as the contract stores it, with times as instants.</summary>
public sealed record ListingState(
    Bytes32 NodeId,
    Address Owner,
    UInt256 Deposit,
    ListingStage Stage,
    DateTimeOffset ApplicationEnd,
    DateTimeOffset ExitStart,
    DateTimeOffset ExitEnd,
    ulong ChallengeId,
    uint Nonce)
{
    /// <summary>An absent entry (what the contract returns for an id never applied, apart from a kept nonce).</summary>
    public static ListingState Absent(Bytes32 nodeId, uint nonce = 0) =>
        new(nodeId, default, default, ListingStage.Absent, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, nonce);

    /// <summary>Whether clients trust the entry (Listed or Exiting).</summary>
    public bool IsTrusted => Stage is ListingStage.Listed or ListingStage.Exiting;
}

/// <summary>A challenge with the timing of its vote.</summary>
/// <param name="ChallengeId">The challenge id, which is its poll id on the voting contract.</param>
/// <param name="Challenger">Who challenged.</param>
/// <param name="Amount">The challenger's stake while open; the voters' reward pool once resolved.</param>
/// <param name="Status">Where the challenge stands.</param>
/// <param name="CommitEnd">End of the commit stage.</param>
/// <param name="RevealEnd">End of the reveal stage; the challenge can be resolved from then on.</param>
public sealed record ChallengeState(
    ulong ChallengeId,
    Address Challenger,
    UInt256 Amount,
    ChallengeStatus Status,
    DateTimeOffset CommitEnd,
    DateTimeOffset RevealEnd);

/// <summary>The registry parameters that pre-flight checks need.</summary>
public sealed record RegistryParameters(
    UInt256 MinDeposit,
    TimeSpan ApplyStageLength,
    TimeSpan CommitStageLength,
    TimeSpan RevealStageLength,
    int DispensationPct,
    int VoteQuorum,
    int PassThreshold,
    TimeSpan ExitDelay,
    TimeSpan ExitWindow);

/// <summary>An account's tokens and its allowance towards the contract that would take them.</summary>
public readonly record struct Funds(UInt256 Balance, UInt256 Allowance);
