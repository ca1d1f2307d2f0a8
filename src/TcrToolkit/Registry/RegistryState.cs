using TcrToolkit.Ethereum;
using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>A registry entry as the contract stores it, with times as instants.</summary>
public sealed record ListingState(
    Bytes32 NodeId,
    Address Owner,
    UInt256 Deposit,
    MailServerRegistry.Stage Stage,
    DateTimeOffset ApplicationEnd,
    DateTimeOffset ExitStart,
    DateTimeOffset ExitEnd,
    ulong ChallengeId,
    uint Nonce)
{
    /// <summary>An absent entry (what the contract returns for an id never applied, apart from a kept nonce).</summary>
    public static ListingState Absent(Bytes32 nodeId, uint nonce = 0) =>
        new(nodeId, default, default, MailServerRegistry.Stage.Absent, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, nonce);

    /// <summary>Whether clients trust the entry (<see cref="StageRules.IsTrusted"/>).</summary>
    public bool IsTrusted => Stage.IsTrusted();
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
    MailServerRegistry.ChallengeStatus Status,
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
