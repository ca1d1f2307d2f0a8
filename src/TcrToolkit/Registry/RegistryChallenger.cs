using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>What a challenge did.</summary>
/// <param name="NodeId">The challenged entry.</param>
/// <param name="ChallengeId">The challenge id, which is its poll id; 0 when the entry was removed at once (touch-and-remove).</param>
/// <param name="Stake">The stake taken from the challenger (0 after touch-and-remove).</param>
/// <param name="CommitEnd">End of the vote's commit stage.</param>
/// <param name="RevealEnd">End of the reveal stage; the challenge can be resolved from then on.</param>
/// <param name="Receipt">The challenge's receipt.</param>
public sealed record ChallengeResult(Bytes32 NodeId, ulong ChallengeId, UInt256 Stake, DateTimeOffset CommitEnd, DateTimeOffset RevealEnd, TransactionReceipt Receipt)
{
    /// <summary>Whether the entry was removed at once because its deposit had fallen below the minimum.</summary>
    public bool RemovedAtOnce => ChallengeId == 0;
}

/// <summary>How an entry changed when its status was updated.</summary>
public enum StatusOutcome
{
    /// <summary>The application became a listing.</summary>
    Listed,

    /// <summary>The challenge succeeded: the entry was removed, the challenger paid.</summary>
    ChallengeSucceeded,

    /// <summary>The challenge failed (rejected, or no quorum): the entry stays, its owner paid; an application is listed at once.</summary>
    ChallengeFailed,
}

/// <summary>The outcome of updating one entry.</summary>
/// <param name="NodeId">The entry.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="ChallengeId">The resolved challenge, 0 for a listing.</param>
/// <param name="WinnerReward">For a successful challenge, what the challenger was paid (its stake back plus its share of the owner's stake); for a failed one, the share of the challenger's stake added to the owner's deposit.</param>
/// <param name="VoterRewardPool">What the majority voters share (0 without quorum or without majority voters).</param>
public sealed record StatusUpdate(Bytes32 NodeId, StatusOutcome Outcome, ulong ChallengeId, UInt256 WinnerReward, UInt256 VoterRewardPool);

/// <summary>The outcome of a batch update: what was updated in one transaction, and what was skipped and why.</summary>
public sealed record StatusUpdateBatch(IReadOnlyList<StatusUpdate> Updated, IReadOnlyDictionary<Bytes32, ActionCheck> Skipped, TransactionReceipt? Receipt);

/// <summary>
/// A curator's operations on entries: challenge one, and move entries on when their time has come — list an
/// unchallenged application, resolve an ended vote (one entry, or many in one transaction).
/// </summary>
public sealed class RegistryChallenger
{
    private readonly TcrAccount _account;
    private readonly RegistryReader _reader;

    /// <summary>Creates the curator role of <paramref name="account"/>.</summary>
    public RegistryChallenger(TcrAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
        _reader = new RegistryReader(account.Connection);
    }

    private TcrConnection Connection => _account.Connection;

    /// <summary>Challenges <paramref name="nodeId"/>, staking the minimum deposit (approved first when needed).</summary>
    /// <param name="nodeId">The entry.</param>
    /// <param name="evidence">Published with the challenge, not stored (for example a link to the reason).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PreflightException">No such entry, already challenged, or not enough tokens.</exception>
    public async Task<ChallengeResult> ChallengeAsync(Bytes32 nodeId, byte[]? evidence = null, CancellationToken cancellationToken = default)
    {
        const string Action = "challenge";
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var parameters = await _reader.GetParametersAsync(cancellationToken).ConfigureAwait(false);
        var funds = await Connection.GetFundsAsync(_account.Address, Connection.Registry, cancellationToken).ConfigureAwait(false);
        RegistryRules.CanChallenge(listing, parameters, funds with { Allowance = UInt256.MaxValue }).ThrowIfBlocked(Action);
        if (listing.Deposit >= parameters.MinDeposit)
        {
            await _account.EnsureAllowanceAsync(Connection.Registry, parameters.MinDeposit, funds, cancellationToken).ConfigureAwait(false);
        }

        var receipt = await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeChallenge(nodeId, evidence ?? []), cancellationToken).ConfigureAwait(false);
        if (receipt.Logs.Select(MailServerRegistry.ChallengedEvent.TryDecode).FirstOrDefault(e => e is not null) is { } challenged)
        {
            return new ChallengeResult(nodeId, (ulong)challenged.ChallengeId, challenged.Stake, RegistryReader.Instant(challenged.CommitEnd), RegistryReader.Instant(challenged.RevealEnd), receipt);
        }

        var now = DateTimeOffset.FromUnixTimeSeconds(0);
        return new ChallengeResult(nodeId, 0, default, now, now, receipt);
    }

    /// <summary>Lists an application whose stage ended, or resolves the entry's ended challenge.</summary>
    /// <exception cref="ActionNotYetPossibleException">The stage or vote has not ended; retry at its <c>AvailableAt</c>.</exception>
    /// <exception cref="PreflightException">There is nothing to update.</exception>
    public async Task<StatusUpdate> UpdateStatusAsync(Bytes32 nodeId, CancellationToken cancellationToken = default)
    {
        const string Action = "updateStatus";
        var check = await CheckUpdateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        check.ThrowIfBlocked(Action);
        var receipt = await _account.SendAsync(Action, Connection.Registry, MailServerRegistry.EncodeUpdateStatus(nodeId), cancellationToken).ConfigureAwait(false);
        return Outcomes(receipt).Single(o => o.NodeId == nodeId);
    }

    /// <summary>
    /// Updates every entry of <paramref name="nodeIds"/> that can be updated now, in one transaction; the others are
    /// skipped with the reason. Nothing is sent when none can be updated.
    /// </summary>
    public async Task<StatusUpdateBatch> UpdateStatusesAsync(IEnumerable<Bytes32> nodeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodeIds);
        var ready = new List<Bytes32>();
        var skipped = new Dictionary<Bytes32, ActionCheck>();
        foreach (var nodeId in nodeIds.Distinct())
        {
            var check = await CheckUpdateAsync(nodeId, cancellationToken).ConfigureAwait(false);
            if (check.IsAllowed)
            {
                ready.Add(nodeId);
            }
            else
            {
                skipped[nodeId] = check;
            }
        }

        if (ready.Count == 0)
        {
            return new StatusUpdateBatch([], skipped, null);
        }

        var receipt = await _account.SendAsync("updateStatuses", Connection.Registry, MailServerRegistry.EncodeUpdateStatuses(ready), cancellationToken).ConfigureAwait(false);
        return new StatusUpdateBatch(Outcomes(receipt), skipped, receipt);
    }

    private async Task<ActionCheck> CheckUpdateAsync(Bytes32 nodeId, CancellationToken cancellationToken)
    {
        var listing = await _reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var challenge = await _reader.GetChallengeAsync(nodeId, listing.ChallengeId, cancellationToken).ConfigureAwait(false);
        var now = await Connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        return RegistryRules.CanUpdateStatus(listing, challenge, now);
    }

    private static List<StatusUpdate> Outcomes(TransactionReceipt receipt)
    {
        var outcomes = new List<StatusUpdate>();
        foreach (var log in receipt.Logs)
        {
            switch (MailServerRegistry.DecodeEvent(log))
            {
                case MailServerRegistry.ListedEvent e:
                    outcomes.Add(new StatusUpdate(e.NodeId, StatusOutcome.Listed, 0, default, default));
                    break;
                case MailServerRegistry.ChallengeSucceededEvent e:
                    outcomes.Add(new StatusUpdate(e.NodeId, StatusOutcome.ChallengeSucceeded, (ulong)e.ChallengeId, e.ChallengerReward, e.VoterRewardPool));
                    break;
                case MailServerRegistry.ChallengeFailedEvent e:
                    outcomes.Add(new StatusUpdate(e.NodeId, StatusOutcome.ChallengeFailed, (ulong)e.ChallengeId, e.OwnerReward, e.VoterRewardPool));
                    break;
            }
        }

        // A failed challenge on an application also lists it (ChallengeFailed then Listed): one outcome per entry, the challenge's.
        var resolved = outcomes.Where(o => o.Outcome != StatusOutcome.Listed).Select(o => o.NodeId).ToHashSet();
        outcomes.RemoveAll(o => o.Outcome == StatusOutcome.Listed && resolved.Contains(o.NodeId));
        return outcomes;
    }
}
