using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;
using TcrToolkit.Registry;

using static TcrToolkit.Registry.Formatting;

namespace TcrToolkit.Votes;

/// <summary>An account's voting power: its tokens and the votes delegated to it.</summary>
/// <param name="Balance">Tokens held.</param>
/// <param name="Votes">Votes it can cast now (delegated to it, by itself or others).</param>
/// <param name="Delegate">Whom its own tokens are delegated to (the zero address when to nobody).</param>
public sealed record VotingPower(UInt256 Balance, UInt256 Votes, Address Delegate);

/// <summary>A committed vote still to reveal, with its poll's timing.</summary>
/// <param name="PollId">The poll (a registry challenge id, or a proposal challenge's poll id).</param>
/// <param name="Option">The option committed: 1 upholds the challenge, 0 rejects it.</param>
/// <param name="Commitment">The commitment sent.</param>
/// <param name="CommitEnd">When the reveal stage opens.</param>
/// <param name="RevealEnd">When it closes; an unrevealed vote no longer counts after that.</param>
/// <param name="CanReveal">Whether it can be revealed now, or why not.</param>
public sealed record PendingReveal(ulong PollId, byte Option, Bytes32 Commitment, DateTimeOffset CommitEnd, DateTimeOffset RevealEnd, ActionCheck CanReveal);

/// <summary>What a reward claim paid.</summary>
public sealed record RewardClaim(UInt256 Amount, TransactionReceipt Receipt);

/// <summary>
/// A token holder's voting: voting power set-up (delegation), commit with the salt stored durably in the
/// <see cref="SaltVault"/> before the commit is sent, reveal from the vault (after a restart, or on another machine
/// with the vault file), the list of pending reveals, and reward claims for registry challenges.
/// </summary>
public sealed class TcrVoter
{
    private readonly TcrAccount _account;
    private readonly SaltVault _vault;
    private readonly RegistryReader _reader;

    /// <summary>Creates the voter role of <paramref name="account"/>, keeping salts in <paramref name="vault"/>.</summary>
    public TcrVoter(TcrAccount account, SaltVault vault)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(vault);
        _account = account;
        _vault = vault;
        _reader = new RegistryReader(account.Connection);
    }

    private TcrConnection Connection => _account.Connection;

    /// <summary>The voting account.</summary>
    public TcrAccount Account => _account;

    /// <summary>Where the salts are kept.</summary>
    public SaltVault Vault => _vault;

    /// <summary>The account's tokens, votes and delegate.</summary>
    public async Task<VotingPower> GetVotingPowerAsync(CancellationToken cancellationToken = default)
    {
        var token = Connection.TokenContract;
        var balance = await token.BalanceOfAsync(_account.Address, cancellationToken: cancellationToken).ConfigureAwait(false);
        var votes = await token.GetVotesAsync(_account.Address, cancellationToken: cancellationToken).ConfigureAwait(false);
        var delegatee = await token.DelegatesAsync(_account.Address, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new VotingPower(balance, votes, delegatee);
    }

    /// <summary>
    /// Makes the account's tokens count as its own votes (delegates to itself) unless they already do. Votes count
    /// from the poll's snapshot: do this before the polls you want to vote in start.
    /// </summary>
    /// <returns>The delegation's receipt, or null when nothing was needed.</returns>
    public async Task<TransactionReceipt?> SetUpAsync(CancellationToken cancellationToken = default)
    {
        var power = await GetVotingPowerAsync(cancellationToken).ConfigureAwait(false);
        return power.Delegate == _account.Address ? null : await DelegateAsync(_account.Address, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delegates the account's votes to <paramref name="delegatee"/> (itself to vote in person).</summary>
    /// <exception cref="InvalidRequestException"><paramref name="delegatee"/> is the zero address.</exception>
    public Task<TransactionReceipt> DelegateAsync(Address delegatee, CancellationToken cancellationToken = default)
    {
        return new TokenAccount(_account).DelegateAsync(delegatee, cancellationToken);
    }

    /// <summary>
    /// Commits a vote: checks the poll is in its commit stage and the account had votes at its snapshot, generates a
    /// salt and stores it (written and flushed) in the vault, then sends the commitment. If the process dies at any
    /// point, the salt is in the vault; committing again sends the same commitment.
    /// </summary>
    /// <param name="pollId">The poll: a registry challenge id, or a proposal challenge's poll id.</param>
    /// <param name="option"><see cref="VoteCommitment.Uphold"/> (1) or <see cref="VoteCommitment.Reject"/> (0).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PreflightException">The poll does not exist, its commit stage ended, or the account has no votes in it.</exception>
    public async Task<(StoredVote Vote, TransactionReceipt Receipt)> CommitAsync(ulong pollId, byte option, CancellationToken cancellationToken = default)
    {
        const string Action = "commitVote";
        var (timing, snapshot) = await GetPollAsync(pollId, cancellationToken).ConfigureAwait(false);
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        VotingRules.CanCommit(timing, option, now).ThrowIfBlocked(Action);
        var weight = await Connection.TokenContract.GetPastVotesAsync(_account.Address, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (weight.IsZero)
        {
            throw new ActionNotAllowedException(Action,
                $"this account had no votes at the snapshot of poll {pollId}, so its vote could never count; delegate to yourself (tcr token delegate) before the next poll starts.");
        }

        var stored = _vault.Reserve(Key(pollId), Connection.Voting, option);
        var receipt = await _account.SendAsync(Action, Connection.Voting, CommitRevealVoting.EncodeCommitVote(pollId, stored.Commitment), cancellationToken).ConfigureAwait(false);
        _vault.MarkCommitted(stored.Id, receipt.TransactionHash);
        return (stored with { Progress = VoteProgress.Committed, CommitTransaction = receipt.TransactionHash }, receipt);
    }

    /// <summary>Reveals the account's vote in <paramref name="pollId"/> with the salt from the vault.</summary>
    /// <exception cref="ActionNotYetPossibleException">The reveal stage has not opened; retry at its <c>AvailableAt</c>.</exception>
    /// <exception cref="PreflightException">No commitment, already revealed, the stage ended, or the vault has no matching salt.</exception>
    public async Task<(StoredVote Vote, TransactionReceipt Receipt)> RevealAsync(ulong pollId, CancellationToken cancellationToken = default)
    {
        const string Action = "revealVote";
        var (timing, snapshot) = await GetPollAsync(pollId, cancellationToken).ConfigureAwait(false);
        var record = await GetVoterRecordAsync(pollId, cancellationToken).ConfigureAwait(false);
        var stored = record.State == VoteState.Committed ? _vault.FindByCommitment(Key(pollId), record.Commitment) : null;
        var weight = await Connection.TokenContract.GetPastVotesAsync(_account.Address, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        VotingRules.CanReveal(timing, record, stored, weight, now).ThrowIfBlocked(Action);

        var receipt = await _account.SendAsync(Action, Connection.Voting, CommitRevealVoting.EncodeRevealVote(pollId, stored!.Option, stored.Salt), cancellationToken).ConfigureAwait(false);
        _vault.MarkRevealed(Key(pollId));
        return (stored with { Progress = VoteProgress.Revealed }, receipt);
    }

    /// <summary>The account's votes on this deployment that the vault holds and that are not revealed yet, oldest first.</summary>
    public async Task<IReadOnlyList<PendingReveal>> GetPendingRevealsAsync(CancellationToken cancellationToken = default)
    {
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        var pending = new List<PendingReveal>();
        foreach (var stored in _vault.Unrevealed())
        {
            var key = stored.Key;
            if (key.ChainId != Connection.ChainId || key.Registry != Connection.Registry || key.Voter != _account.Address)
            {
                continue;
            }

            var pollId = (ulong)key.PollId;
            var (timing, snapshot) = await GetPollAsync(pollId, cancellationToken).ConfigureAwait(false);
            var record = await GetVoterRecordAsync(pollId, cancellationToken).ConfigureAwait(false);
            if (record.State != VoteState.Committed || !stored.Commitment.AsSpan()[..31].SequenceEqual(record.Commitment.AsSpan()[..31]))
            {
                continue; // revealed elsewhere, or a reservation whose commit never reached the chain (or was replaced)
            }

            var weight = await Connection.TokenContract.GetPastVotesAsync(_account.Address, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
            pending.Add(new PendingReveal(pollId, stored.Option, stored.Commitment, timing!.CommitEnd, timing.RevealEnd, VotingRules.CanReveal(timing, record, stored, weight, now)));
        }

        return pending;
    }

    /// <summary>What the account did in <paramref name="pollId"/>, as the voting contract records it.</summary>
    public Task<VoterRecord> GetVoterRecordAsync(ulong pollId, CancellationToken cancellationToken = default) =>
        _reader.GetVoterRecordAsync(pollId, _account.Address, cancellationToken);

    /// <summary>Claims the account's voter reward from a resolved registry challenge.</summary>
    /// <exception cref="ActionNotYetPossibleException">The challenge is not resolved yet.</exception>
    /// <exception cref="PreflightException">Nothing to claim: no pool, a losing or unrevealed vote, or already claimed.</exception>
    public async Task<RewardClaim> ClaimRewardAsync(Bytes32 nodeId, ulong challengeId, CancellationToken cancellationToken = default)
    {
        const string Action = "claimReward";
        var check = await CheckClaimAsync(nodeId, challengeId, cancellationToken).ConfigureAwait(false);
        check.ThrowIfBlocked(Action);
        var receipt = await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeClaimReward(nodeId, challengeId), cancellationToken).ConfigureAwait(false);
        return new RewardClaim(Claimed(receipt), receipt);
    }

    /// <summary>
    /// Claims every reward of <paramref name="claims"/> that can be claimed now, in one transaction; the others are
    /// returned with the reason. Nothing is sent when none can be claimed.
    /// </summary>
    public async Task<(RewardClaim? Claimed, IReadOnlyDictionary<(Bytes32 NodeId, ulong ChallengeId), ActionCheck> Skipped)> ClaimRewardsAsync(
        IEnumerable<(Bytes32 NodeId, ulong ChallengeId)> claims, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var ready = new List<(Bytes32 NodeId, ulong ChallengeId)>();
        var skipped = new Dictionary<(Bytes32, ulong), ActionCheck>();
        foreach (var claim in claims.Distinct())
        {
            var check = await CheckClaimAsync(claim.NodeId, claim.ChallengeId, cancellationToken).ConfigureAwait(false);
            if (check.IsAllowed)
            {
                ready.Add(claim);
            }
            else
            {
                skipped[claim] = check;
            }
        }

        if (ready.Count == 0)
        {
            return (null, skipped);
        }

        var call = MailServerRegistry.EncodeClaimRewards([.. ready.Select(c => c.NodeId)], [.. ready.Select(c => (UInt256)c.ChallengeId)]);
        var receipt = await _account.SendAsync("claimRewards", Connection.Registry, call, cancellationToken).ConfigureAwait(false);
        return (new RewardClaim(Claimed(receipt), receipt), skipped);
    }

    internal static UInt256 Claimed(TransactionReceipt receipt)
    {
        var total = UInt256.Zero;
        foreach (var log in receipt.Logs)
        {
            if (MailServerRegistry.RewardClaimedEvent.TryDecode(log) is { } registryClaim)
            {
                total += registryClaim.Amount;
            }
            else if (ParameterGovernor.RewardClaimedEvent.TryDecode(log) is { } governorClaim)
            {
                total += governorClaim.Amount;
            }
        }

        return total;
    }

    private async Task<ActionCheck> CheckClaimAsync(Bytes32 nodeId, ulong challengeId, CancellationToken cancellationToken)
    {
        var challenge = await _reader.GetChallengeAsync(nodeId, challengeId, cancellationToken).ConfigureAwait(false);
        var record = challenge is null ? new VoterRecord(VoteState.None, default, 0, default) : await GetVoterRecordAsync(challengeId, cancellationToken).ConfigureAwait(false);
        return VotingRules.CanClaimReward(challenge, record);
    }

    internal async Task<(PollTiming? Timing, UInt256 Snapshot)> GetPollAsync(ulong pollId, CancellationToken cancellationToken)
    {
        var poll = await Connection.VotingContract.PollAsync(pollId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (poll.Owner == Address.Zero)
        {
            return (null, default);
        }

        var commitEnd = RegistryReader.Instant(poll.CommitEnd);
        return (new PollTiming(pollId, commitEnd, commitEnd + TimeSpan.FromSeconds(poll.RevealDuration)), poll.Snapshot);
    }

    private VoteKey Key(ulong pollId) => new(Connection.ChainId, Connection.Registry, pollId, _account.Address);
}
