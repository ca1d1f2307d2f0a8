using TcrToolkit.Ethereum;
using static TcrToolkit.Registry.Formatting;

namespace TcrToolkit.Registry;

/// <summary>The governable parameters, by their on-chain index (<c>TcrParameters.Name</c>; append-only).</summary>
public enum ParameterName : byte
{
    /// <summary>Tokens an entry must hold; also the challenge stake.</summary>
    MinDeposit = 0,

    /// <summary>Seconds an application waits before it can be listed.</summary>
    ApplyStageLength = 1,

    /// <summary>Commit stage of a registry challenge, in seconds.</summary>
    CommitStageLength = 2,

    /// <summary>Reveal stage of a registry challenge, in seconds.</summary>
    RevealStageLength = 3,

    /// <summary>Percent of the loser's stake paid to the winner; the rest goes to the majority voters.</summary>
    DispensationPct = 4,

    /// <summary>Percent of the snapshot supply that must reveal for a vote to count.</summary>
    VoteQuorum = 5,

    /// <summary>Percent of revealed weight a challenge must strictly exceed to succeed.</summary>
    PassThreshold = 6,

    /// <summary>Seconds between initExit and the earliest finalizeExit.</summary>
    ExitDelay = 7,

    /// <summary>Seconds after the delay during which finalizeExit is allowed.</summary>
    ExitWindow = 8,

    /// <summary>Deposit of a parameter proposal; also the stake to challenge one.</summary>
    GovMinDeposit = 9,

    /// <summary>Seconds a proposal can be challenged.</summary>
    GovApplyStageLength = 10,

    /// <summary>Commit stage of a vote on a proposal, in seconds.</summary>
    GovCommitStageLength = 11,

    /// <summary>Reveal stage of a vote on a proposal, in seconds.</summary>
    GovRevealStageLength = 12,

    /// <summary>As <see cref="DispensationPct"/>, for proposal challenges.</summary>
    GovDispensationPct = 13,

    /// <summary>As <see cref="VoteQuorum"/>, for proposal challenges.</summary>
    GovVoteQuorum = 14,

    /// <summary>As <see cref="PassThreshold"/>, for proposal challenges.</summary>
    GovPassThreshold = 15,

    /// <summary>Seconds after a proposal becomes processable before it expires.</summary>
    GovProcessWindow = 16,
}

/// <summary>How a parameter's value is measured.</summary>
public enum ParameterUnit
{
    /// <summary>Token amounts in the smallest unit (18 decimals).</summary>
    Tokens,

    /// <summary>Seconds.</summary>
    Seconds,

    /// <summary>Whole percent.</summary>
    Percent,
}

/// <summary>One governable parameter: its index, its camel-case key, its unit and its inclusive bounds.</summary>
public sealed record ParameterInfo(ParameterName Name, string Key, ParameterUnit Unit, UInt256 Min, UInt256 Max)
{
    /// <summary>Whether the governor itself holds it (otherwise the registry does).</summary>
    public bool IsGovernance => Name >= ParameterName.GovMinDeposit;

    /// <summary>A value of this parameter, for people (tokens with decimals, durations, percent).</summary>
    public string Describe(UInt256 value) => Unit switch
    {
        ParameterUnit.Tokens => Tokens(value),
        ParameterUnit.Percent => $"{value}%",
        _ => value.FitsInUInt64 && (ulong)value <= (ulong)TimeSpan.MaxValue.TotalSeconds
            ? $"{value} s ({TimeSpan.FromSeconds((ulong)value)})"
            : $"{value} s",
    };
}

/// <summary>
/// The parameters and bounds of <c>contracts/libraries/TcrParameters.sol</c>, so that a proposal outside them is
/// refused before it is sent. Bounds are fixed in the contracts: no vote can cross them.
/// </summary>
public static class TcrParameterCatalog
{
    private static readonly UInt256 MaxDeposit = new(0, 0, 0xFFFFFFUL, ulong.MaxValue); // 2^88 - 1
    private const ulong MinPeriod = 60;
    private const ulong MaxPeriod = 365UL * 24 * 3600;

    /// <summary>Every parameter, by index.</summary>
    public static IReadOnlyList<ParameterInfo> All { get; } =
    [
        new(ParameterName.MinDeposit, "minDeposit", ParameterUnit.Tokens, 1UL, MaxDeposit),
        new(ParameterName.ApplyStageLength, "applyStageLength", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.CommitStageLength, "commitStageLength", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.RevealStageLength, "revealStageLength", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.DispensationPct, "dispensationPct", ParameterUnit.Percent, 0UL, 100UL),
        new(ParameterName.VoteQuorum, "voteQuorum", ParameterUnit.Percent, 0UL, 100UL),
        new(ParameterName.PassThreshold, "passThreshold", ParameterUnit.Percent, 50UL, 99UL),
        new(ParameterName.ExitDelay, "exitDelay", ParameterUnit.Seconds, 0UL, MaxPeriod),
        new(ParameterName.ExitWindow, "exitWindow", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.GovMinDeposit, "govMinDeposit", ParameterUnit.Tokens, 1UL, MaxDeposit),
        new(ParameterName.GovApplyStageLength, "govApplyStageLength", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.GovCommitStageLength, "govCommitStageLength", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.GovRevealStageLength, "govRevealStageLength", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
        new(ParameterName.GovDispensationPct, "govDispensationPct", ParameterUnit.Percent, 0UL, 100UL),
        new(ParameterName.GovVoteQuorum, "govVoteQuorum", ParameterUnit.Percent, 0UL, 100UL),
        new(ParameterName.GovPassThreshold, "govPassThreshold", ParameterUnit.Percent, 50UL, 99UL),
        new(ParameterName.GovProcessWindow, "govProcessWindow", ParameterUnit.Seconds, MinPeriod, MaxPeriod),
    ];

    /// <summary>The parameter with this key (case-insensitive; dashes and underscores ignored, so "min-deposit" works).</summary>
    /// <exception cref="ArgumentException">No parameter has this key; the message lists the keys.</exception>
    public static ParameterInfo Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wanted = Normalise(key);
        return All.FirstOrDefault(p => Normalise(p.Key) == wanted)
            ?? throw new ArgumentException($"There is no parameter \"{key}\"; the parameters are {string.Join(", ", All.Select(p => p.Key))}.", nameof(key));
    }

    /// <summary>The parameter at an on-chain index.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not a known parameter (17 or more).</exception>
    public static ParameterInfo Get(ParameterName name) =>
        (int)name < All.Count ? All[(int)name] : throw new ArgumentOutOfRangeException(nameof(name), name, $"Parameter indices run from 0 to {All.Count - 1}.");

    private static string Normalise(string key) => key.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}

/// <summary>Pre-flight checks of parameter governance.</summary>
public static class GovernanceRules
{
    /// <summary><c>propose(name, value)</c> by an account with <paramref name="funds"/> towards the governor.</summary>
    public static ActionCheck CanPropose(ParameterInfo parameter, UInt256 value, UInt256 proposalDeposit, Funds funds)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (value < parameter.Min || value > parameter.Max)
        {
            return ActionCheck.BadRequest(
                $"{parameter.Key} must be between {parameter.Describe(parameter.Min)} and {parameter.Describe(parameter.Max)}, not {parameter.Describe(value)}.");
        }

        if (funds.Balance < proposalDeposit)
        {
            return ActionCheck.NeedsFunds($"a proposal deposit is {Tokens(proposalDeposit)} but the account holds {Tokens(funds.Balance)}; get {Tokens(proposalDeposit - funds.Balance)} more.");
        }

        return funds.Allowance < proposalDeposit
            ? ActionCheck.NeedsFunds($"a proposal deposit is {Tokens(proposalDeposit)} but the governor may take only {Tokens(funds.Allowance)}; approve the governor for at least that.")
            : ActionCheck.Allowed;
    }

    /// <summary>
    /// The governor's concurrent-proposal rule for <c>propose(name, value)</c>: the value must differ from the
    /// parameter's <paramref name="current"/> one, and no other proposal of it may be live
    /// (<paramref name="liveProposalId"/>, 0 when none, live until <paramref name="liveUntil"/>).
    /// </summary>
    public static ActionCheck CanProposeNow(ParameterInfo parameter, UInt256 value, UInt256 current, ulong liveProposalId, DateTimeOffset liveUntil)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (value == current)
        {
            return ActionCheck.WrongState($"{parameter.Describe(current)} is already the current {parameter.Key}; propose another value.");
        }

        return liveProposalId != 0
            ? ActionCheck.WrongState($"proposal {liveProposalId} for {parameter.Key} is live until {Time(liveUntil)}; challenge it, or propose after it is processed or after that time.")
            : ActionCheck.Allowed;
    }

    /// <summary><c>challengeProposal</c> of <paramref name="proposal"/> (null when there is none) by an account with <paramref name="funds"/> towards the governor.</summary>
    public static ActionCheck CanChallengeProposal(ulong proposalId, Governance.ProposalState? proposal, Funds funds, DateTimeOffset now)
    {
        if (proposal is null)
        {
            return ActionCheck.WrongState($"there is no proposal {proposalId}; check the id (tcr params show lists proposals).");
        }

        if (proposal.Status != Governance.ProposalStatus.Pending)
        {
            return ActionCheck.WrongState($"proposal {proposalId} is {proposal.Status.ToString().ToLowerInvariant()}; only a pending proposal can be challenged.");
        }

        if (now >= proposal.ChallengeEnd)
        {
            return ActionCheck.WrongState($"the challenge stage of proposal {proposalId} ended at {Time(proposal.ChallengeEnd)}; it can only be processed now.");
        }

        if (funds.Balance < proposal.Deposit)
        {
            return ActionCheck.NeedsFunds($"the challenge stake is {Tokens(proposal.Deposit)} but the account holds {Tokens(funds.Balance)}; get {Tokens(proposal.Deposit - funds.Balance)} more.");
        }

        return funds.Allowance < proposal.Deposit
            ? ActionCheck.NeedsFunds($"the challenge stake is {Tokens(proposal.Deposit)} but the governor may take only {Tokens(funds.Allowance)}; approve the governor for at least that.")
            : ActionCheck.Allowed;
    }

    /// <summary><c>processProposal</c> of <paramref name="proposal"/> (null when there is none).</summary>
    public static ActionCheck CanProcess(ulong proposalId, Governance.ProposalState? proposal, DateTimeOffset now)
    {
        if (proposal is null)
        {
            return ActionCheck.WrongState($"there is no proposal {proposalId}; check the id.");
        }

        switch (proposal.Status)
        {
            case Governance.ProposalStatus.Pending:
                if (now < proposal.ChallengeEnd)
                {
                    return ActionCheck.NotYet($"proposal {proposalId} can be challenged until {Time(proposal.ChallengeEnd)}; process it after that.", proposal.ChallengeEnd);
                }

                break;
            case Governance.ProposalStatus.Challenged when proposal.Challenge is { } challenge:
                if (now < challenge.RevealEnd)
                {
                    return ActionCheck.NotYet($"the vote on proposal {proposalId} ends at {Time(challenge.RevealEnd)}; process it after that.", challenge.RevealEnd);
                }

                break;
            default:
                return ActionCheck.WrongState($"proposal {proposalId} is already {proposal.Status.ToString().ToLowerInvariant()}; there is nothing to process.");
        }

        return now > proposal.ProcessBy
            ? ActionCheck.AllowedWith($"the process window closed at {Time(proposal.ProcessBy)}: processing settles the stakes but the value expires instead of taking effect.")
            : ActionCheck.Allowed;
    }
}
