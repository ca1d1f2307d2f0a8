using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>
/// Reads the registry's state with its stages and deadlines, and says which actions are possible now and why not.
/// Every read is one or a few <c>eth_call</c>s at the latest block; nothing is cached.
/// </summary>
public sealed class RegistryReader
{
    private readonly TcrConnection _connection;

    /// <summary>Creates a reader of <paramref name="connection"/>'s registry.</summary>
    public RegistryReader(TcrConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    private MailServerRegistry Contract => _connection.RegistryContract;

    /// <summary>The registry's current parameters.</summary>
    public async Task<RegistryParameters> GetParametersAsync(CancellationToken cancellationToken = default)
    {
        var p = await Contract.ParametersAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new RegistryParameters(
            p.MinDeposit,
            TimeSpan.FromSeconds(p.ApplyStageLength),
            TimeSpan.FromSeconds(p.CommitStageLength),
            TimeSpan.FromSeconds(p.RevealStageLength),
            p.DispensationPct,
            p.VoteQuorum,
            p.PassThreshold,
            TimeSpan.FromSeconds(p.ExitDelay),
            TimeSpan.FromSeconds(p.ExitWindow));
    }

    /// <summary>The entry of <paramref name="nodeId"/> as stored (an absent entry when there is none).</summary>
    public async Task<ListingState> GetListingStateAsync(Bytes32 nodeId, CancellationToken cancellationToken = default)
    {
        var l = await Contract.ListingAsync(nodeId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToState(nodeId, l);
    }

    /// <summary>A challenge of <paramref name="nodeId"/> with its vote's timing; null when there is no such challenge.</summary>
    public async Task<ChallengeState?> GetChallengeAsync(Bytes32 nodeId, ulong challengeId, CancellationToken cancellationToken = default)
    {
        if (challengeId == 0)
        {
            return null;
        }

        var challenge = await Contract.ChallengeOfAsync(nodeId, challengeId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (challenge.Status == MailServerRegistry.ChallengeStatus.None)
        {
            return null;
        }

        var poll = await _connection.VotingContract.PollDeadlinesAsync(challengeId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ChallengeState(
            challengeId, challenge.Challenger, challenge.Amount, challenge.Status, Instant(poll.CommitEnd), Instant(poll.RevealEnd));
    }

    /// <summary>
    /// The entry of <paramref name="nodeId"/> with its open challenge, the chain's time, and the verdict of every
    /// action on it — for <paramref name="account"/> when given (ownership and funds count), otherwise for anyone.
    /// </summary>
    public async Task<ListingView> GetListingAsync(Bytes32 nodeId, Address? account = null, CancellationToken cancellationToken = default)
    {
        var listingTask = GetListingStateAsync(nodeId, cancellationToken);
        var parametersTask = GetParametersAsync(cancellationToken);
        var nowTask = _connection.GetChainTimeAsync(cancellationToken);
        var fundsTask = account is { } a ? _connection.GetFundsAsync(a, _connection.Registry, cancellationToken) : Task.FromResult(default(Funds));
        var listing = await listingTask.ConfigureAwait(false);
        var parameters = await parametersTask.ConfigureAwait(false);
        var now = await nowTask.ConfigureAwait(false);
        var funds = await fundsTask.ConfigureAwait(false);
        var challenge = await GetChallengeAsync(nodeId, listing.ChallengeId, cancellationToken).ConfigureAwait(false);
        return new ListingView(listing, challenge, parameters, now, Actions(listing, challenge, parameters, account, funds, now));
    }

    /// <summary>A page of trusted (listed or exiting) node ids in enumeration order, and how many there are.</summary>
    public async Task<(IReadOnlyList<Bytes32> NodeIds, ulong Total)> GetTrustedPageAsync(ulong offset, ulong limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(limit);
        var total = (ulong)await Contract.ListedCountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var page = offset >= total
            ? []
            : await Contract.ListedPageAsync(offset, limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (page, total);
    }

    /// <summary>The trusted entries from <paramref name="offset"/>, at most <paramref name="limit"/>, with their state.</summary>
    public async Task<IReadOnlyList<ListingState>> GetTrustedListingsAsync(ulong offset = 0, ulong limit = 100, CancellationToken cancellationToken = default)
    {
        var (ids, _) = await GetTrustedPageAsync(offset, limit, cancellationToken).ConfigureAwait(false);
        var states = new ListingState[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            states[i] = await GetListingStateAsync(ids[i], cancellationToken).ConfigureAwait(false);
        }

        return states;
    }

    /// <summary>
    /// Every entry present now — applications as well as trusted entries — found from the <c>Applied</c> events since
    /// <paramref name="fromBlock"/> (the deployment block from the manifest), with its current state, in order of
    /// application. The enumeration view (<see cref="GetTrustedListingsAsync"/>) lists trusted entries only.
    /// </summary>
    /// <exception cref="RpcErrorException">The node refused the log range; read from a later block.</exception>
    public async Task<IReadOnlyList<ListingState>> GetEntriesAsync(ulong fromBlock = 0, CancellationToken cancellationToken = default)
    {
        var filter = MailServerRegistry.AppliedEvent.CreateFilter(_connection.Registry, fromBlock: fromBlock, toBlock: BlockTag.Latest);
        var logs = await _connection.Client.GetLogsAsync(filter, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<Bytes32>();
        var entries = new List<ListingState>();
        foreach (var log in logs)
        {
            if (MailServerRegistry.AppliedEvent.TryDecode(log) is { } applied && seen.Add(applied.NodeId))
            {
                var state = await GetListingStateAsync(applied.NodeId, cancellationToken).ConfigureAwait(false);
                if (state.Stage != MailServerRegistry.Stage.Absent)
                {
                    entries.Add(state);
                }
            }
        }

        return entries;
    }

    /// <summary>The revealed tallies of a poll and whether it ended, reached quorum and passed (so far).</summary>
    public async Task<PollResult> GetPollResultAsync(ulong pollId, CancellationToken cancellationToken = default)
    {
        var r = await _connection.VotingContract.ResultAsync(pollId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new PollResult(pollId, r.VotesFor, r.VotesAgainst, r.SnapshotSupply, Instant(r.RevealEnd), r.Ended, r.QuorumReached, r.Passed);
    }

    /// <summary>What <paramref name="voter"/> did in <paramref name="pollId"/>, as the voting contract records it (no key needed).</summary>
    public async Task<VoterRecord> GetVoterRecordAsync(ulong pollId, Address voter, CancellationToken cancellationToken = default)
    {
        var vote = await _connection.VotingContract.VoteOfAsync(pollId, voter, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new VoterRecord((VoteState)vote.State, vote.Commitment, vote.Option, vote.Weight);
    }

    /// <summary>Whether <paramref name="nodeId"/> is trusted now (listed or exiting), by the contract.</summary>
    public Task<bool> IsTrustedAsync(Bytes32 nodeId, CancellationToken cancellationToken = default) =>
        Contract.IsListedAsync(nodeId, cancellationToken: cancellationToken);

    /// <summary>The voter reward <paramref name="voter"/> can claim from a resolved challenge (0 when none).</summary>
    public Task<UInt256> GetRewardAsync(Bytes32 nodeId, ulong challengeId, Address voter, CancellationToken cancellationToken = default) =>
        Contract.RewardOfAsync(nodeId, challengeId, voter, cancellationToken: cancellationToken);

    /// <summary>The amount a withdraw verdict is made for: all that can be withdrawn, or one unit when nothing can.</summary>
    internal static UInt256 WithdrawProbe(ListingState listing, ChallengeState? openChallenge, RegistryParameters parameters) =>
        RegistryRules.Withdrawable(listing, openChallenge, parameters) is { IsZero: false } available ? available : UInt256.One;

    internal static ListingState ToState(Bytes32 nodeId, MailServerRegistry.Listing l) => new(
        nodeId, l.Owner, l.Deposit, l.Stage, Instant(l.ApplicationEnd), Instant(l.ExitStart), Instant(l.ExitEnd), l.ChallengeId, l.Nonce);

    internal static DateTimeOffset Instant(ulong seconds) => DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(seconds, (ulong)long.MaxValue / 1000));

    internal static DateTimeOffset Instant(UInt256 seconds) => Instant(seconds.FitsInUInt64 ? (ulong)seconds : ulong.MaxValue);

    private static Dictionary<ListingAction, ActionCheck> Actions(
        ListingState listing, ChallengeState? challenge, RegistryParameters parameters, Address? account, Funds funds, DateTimeOffset now)
    {
        var open = challenge is { Status: MailServerRegistry.ChallengeStatus.Open } ? challenge : null;
        var actions = new Dictionary<ListingAction, ActionCheck>
        {
            [ListingAction.UpdateStatus] = listing.ChallengeId != 0 && open is null
                ? ActionCheck.WrongState($"challenge {listing.ChallengeId} could not be read; try again.")
                : RegistryRules.CanUpdateStatus(listing, open, now),
        };
        // The services approve what they need, so only the balance can block a token-taking action here.
        var spendable = funds with { Allowance = UInt256.MaxValue };
        if (account is { } a)
        {
            actions[ListingAction.Challenge] = RegistryRules.CanChallenge(listing, parameters, spendable);
            actions[ListingAction.Deposit] = RegistryRules.CanDeposit(listing, a, UInt256.One, spendable);
            actions[ListingAction.Withdraw] = RegistryRules.CanWithdraw(listing, open, parameters, a, WithdrawProbe(listing, open, parameters));
            actions[ListingAction.InitExit] = RegistryRules.CanInitExit(listing, a, now);
            actions[ListingAction.FinalizeExit] = RegistryRules.CanFinalizeExit(listing, a, now);
        }
        else
        {
            actions[ListingAction.Challenge] = RegistryRules.CanChallenge(listing, parameters, new Funds(UInt256.MaxValue, UInt256.MaxValue));
        }

        return actions;
    }
}

/// <summary>A poll's revealed tallies.</summary>
/// <param name="PollId">The poll.</param>
/// <param name="VotesFor">Revealed weight upholding the challenge.</param>
/// <param name="VotesAgainst">Revealed weight rejecting it.</param>
/// <param name="SnapshotSupply">The token supply at the snapshot, against which quorum is measured.</param>
/// <param name="RevealEnd">When the vote ends.</param>
/// <param name="Ended">Whether it ended.</param>
/// <param name="QuorumReached">Whether enough weight was revealed.</param>
/// <param name="Passed">Whether the challenge is upheld on the revealed votes.</param>
public sealed record PollResult(
    ulong PollId, UInt256 VotesFor, UInt256 VotesAgainst, UInt256 SnapshotSupply, DateTimeOffset RevealEnd, bool Ended, bool QuorumReached, bool Passed);

/// <summary>What can be done to a registry entry.</summary>
public enum ListingAction
{
    /// <summary>List an application whose stage ended, or resolve an ended challenge (<c>updateStatus</c>).</summary>
    UpdateStatus,

    /// <summary>Challenge the entry.</summary>
    Challenge,

    /// <summary>Add to the deposit (owner).</summary>
    Deposit,

    /// <summary>Take out what exceeds the minimum deposit and any open stake (owner).</summary>
    Withdraw,

    /// <summary>Start leaving the registry (owner).</summary>
    InitExit,

    /// <summary>Leave the registry and take the deposit back (owner, inside the exit window).</summary>
    FinalizeExit,
}

/// <summary>A registry entry as a curator sees it: its state, its open challenge, and what can be done now.</summary>
/// <param name="Listing">The entry.</param>
/// <param name="Challenge">The challenge named by the entry (open while the vote runs), or null.</param>
/// <param name="Parameters">The registry's parameters.</param>
/// <param name="Now">The latest block's time, against which the verdicts were made.</param>
/// <param name="Actions">Each action's verdict; owner-only actions appear when the view was read for an account.</param>
public sealed record ListingView(
    ListingState Listing,
    ChallengeState? Challenge,
    RegistryParameters Parameters,
    DateTimeOffset Now,
    IReadOnlyDictionary<ListingAction, ActionCheck> Actions)
{
    /// <summary>The next instant at which the entry changes by itself, or what a waiting party waits for; null when none.</summary>
    public DateTimeOffset? NextDeadline => Listing switch
    {
        { ChallengeId: not 0 } when Challenge is { Status: MailServerRegistry.ChallengeStatus.Open } c => Now < c.CommitEnd ? c.CommitEnd : Now < c.RevealEnd ? c.RevealEnd : null,
        { Stage: MailServerRegistry.Stage.Applied } l when Now < l.ApplicationEnd => l.ApplicationEnd,
        { Stage: MailServerRegistry.Stage.Exiting } l when Now < l.ExitStart => l.ExitStart,
        { Stage: MailServerRegistry.Stage.Exiting } l when Now <= l.ExitEnd => l.ExitEnd,
        _ => null,
    };

    /// <summary>One phrase for the entry's situation, for example "challenged: commit stage until …".</summary>
    public string Status => Listing switch
    {
        { Stage: MailServerRegistry.Stage.Absent } => "absent",
        { ChallengeId: not 0 } when Challenge is { Status: MailServerRegistry.ChallengeStatus.Open } c =>
            Now < c.CommitEnd ? "challenged, votes being committed" : Now < c.RevealEnd ? "challenged, votes being revealed" : "challenged, vote ended: resolve it",
        { Stage: MailServerRegistry.Stage.Applied } l => Now < l.ApplicationEnd ? "applied, challengeable" : "applied, ready to be listed",
        { Stage: MailServerRegistry.Stage.Listed } => "listed",
        { Stage: MailServerRegistry.Stage.Exiting } l => Now < l.ExitStart ? "exiting, waiting for the exit window" : Now <= l.ExitEnd ? "exiting, can finalize" : "exiting, window missed",
        _ => Listing.Stage.ToString().ToLowerInvariant(),
    };
}
