using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;
using TcrToolkit.Registry;
using TcrToolkit.Votes;

using static TcrToolkit.Registry.Formatting;

namespace TcrToolkit.Governance;

/// <summary>Lifecycle of a parameter proposal, as <c>IParameterGovernor.ProposalStatus</c>.</summary>
public enum ProposalStatus
{
    /// <summary>No such proposal.</summary>
    None = 0,

    /// <summary>Challengeable until its challenge stage ends, then processable.</summary>
    Pending = 1,

    /// <summary>A vote runs or awaits processing.</summary>
    Challenged = 2,

    /// <summary>The value took effect.</summary>
    Applied = 3,

    /// <summary>A challenge succeeded; the value was not applied.</summary>
    Rejected = 4,

    /// <summary>Processed after its window; not applied.</summary>
    Expired = 5,
}

/// <summary>A parameter proposal with its challenge, if any.</summary>
/// <param name="ProposalId">The proposal id.</param>
/// <param name="Proposer">Who proposed.</param>
/// <param name="Deposit">The proposer's deposit, which is also the stake to challenge it.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Parameter">The parameter it changes.</param>
/// <param name="Value">The proposed value.</param>
/// <param name="ChallengeEnd">The end of its challenge stage.</param>
/// <param name="ProcessBy">The last instant at which processing applies it; later it expires.</param>
/// <param name="PollId">The poll of its challenge, 0 when never challenged.</param>
/// <param name="Challenge">The challenge (its pool once resolved), or null.</param>
public sealed record ProposalState(
    ulong ProposalId,
    Address Proposer,
    UInt256 Deposit,
    ProposalStatus Status,
    ParameterInfo Parameter,
    UInt256 Value,
    DateTimeOffset ChallengeEnd,
    DateTimeOffset ProcessBy,
    ulong PollId,
    ChallengeState? Challenge);

/// <summary>The governor's own parameters (those of proposals and their challenges).</summary>
public sealed record GovernanceParameters(
    UInt256 MinDeposit,
    TimeSpan ApplyStageLength,
    TimeSpan CommitStageLength,
    TimeSpan RevealStageLength,
    TimeSpan ProcessWindow,
    int DispensationPct,
    int VoteQuorum,
    int PassThreshold);

/// <summary>What processing did.</summary>
/// <param name="Status">The proposal's status afterwards (applied, rejected or expired).</param>
/// <param name="Receipt">The receipt.</param>
public sealed record ProposalProcessed(ProposalStatus Status, TransactionReceipt Receipt);

/// <summary>
/// Parameter governance: read every parameter, propose a change, challenge a proposal, process it when its time has
/// come, and claim voter rewards of proposal challenges. Votes on proposal challenges go through
/// <see cref="TcrVoter"/> with the proposal's <see cref="ProposalState.PollId"/>.
/// </summary>
public sealed class ParameterGovernance
{
    private readonly TcrConnection _connection;
    private readonly TcrAccount? _account;

    /// <summary>Creates a read-only governance view of <paramref name="connection"/>.</summary>
    public ParameterGovernance(TcrConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>Creates the governance role of <paramref name="account"/>.</summary>
    public ParameterGovernance(TcrAccount account)
        : this(account?.Connection!)
    {
        _account = account;
    }

    private ParameterGovernor Governor => _connection.GovernorContract;

    private TcrAccount Account => _account ?? throw new InvalidOperationException("This ParameterGovernance is read-only: create it from a TcrAccount to send transactions.");

    /// <summary>Every parameter's current value, in catalogue order.</summary>
    public async Task<IReadOnlyList<(ParameterInfo Parameter, UInt256 Value)>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        var values = new List<(ParameterInfo, UInt256)>(TcrParameterCatalog.All.Count);
        foreach (var parameter in TcrParameterCatalog.All)
        {
            values.Add((parameter, await Governor.GetAsync((byte)parameter.Name, cancellationToken: cancellationToken).ConfigureAwait(false)));
        }

        return values;
    }

    /// <summary>The current value of one parameter.</summary>
    public Task<UInt256> GetAsync(ParameterName name, CancellationToken cancellationToken = default) =>
        Governor.GetAsync((byte)name, cancellationToken: cancellationToken);

    /// <summary>The governor's own parameters.</summary>
    public async Task<GovernanceParameters> GetGovernanceParametersAsync(CancellationToken cancellationToken = default)
    {
        var g = await Governor.ParametersAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new GovernanceParameters(
            g.MinDeposit, TimeSpan.FromSeconds(g.ApplyStageLength), TimeSpan.FromSeconds(g.CommitStageLength), TimeSpan.FromSeconds(g.RevealStageLength),
            TimeSpan.FromSeconds(g.ProcessWindow), g.DispensationPct, g.VoteQuorum, g.PassThreshold);
    }

    /// <summary>How many proposals were made (ids run from 1).</summary>
    public async Task<ulong> GetProposalCountAsync(CancellationToken cancellationToken = default) =>
        (ulong)await Governor.ProposalCountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>A proposal, or null when there is none with this id.</summary>
    public async Task<ProposalState?> GetProposalAsync(ulong proposalId, CancellationToken cancellationToken = default)
    {
        var count = await GetProposalCountAsync(cancellationToken).ConfigureAwait(false);
        if (proposalId == 0 || proposalId > count)
        {
            return null;
        }

        var p = await Governor.ProposalAsync(proposalId, cancellationToken: cancellationToken).ConfigureAwait(false);
        ChallengeState? challenge = null;
        if (p.ChallengeId != 0)
        {
            var c = await Governor.ProposalChallengeAsync(proposalId, cancellationToken: cancellationToken).ConfigureAwait(false);
            var poll = await _connection.VotingContract.PollDeadlinesAsync(p.ChallengeId, cancellationToken: cancellationToken).ConfigureAwait(false);
            // The governor's proposal challenges run the registry's challenge lifecycle; each contract's bindings carry a copy of the Solidity enum.
            challenge = new ChallengeState(p.ChallengeId, c.Challenger, c.Amount, (MailServerRegistry.ChallengeStatus)c.Status, RegistryReader.Instant(poll.CommitEnd), RegistryReader.Instant(poll.RevealEnd));
        }

        return new ProposalState(
            proposalId, p.Proposer, p.Deposit, (ProposalStatus)p.Status, TcrParameterCatalog.Get((ParameterName)p.Name), p.Value,
            RegistryReader.Instant(p.ChallengeEnd), RegistryReader.Instant(p.ProcessBy), p.ChallengeId, challenge);
    }

    /// <summary>Proposes <paramref name="value"/> for <paramref name="name"/>, depositing the governor's minimum deposit (approved first when needed).</summary>
    /// <returns>The new proposal.</returns>
    /// <exception cref="PreflightException">The value is out of the parameter's bounds or is the current one, another
    /// proposal of the parameter is live, or the account lacks tokens.</exception>
    public async Task<ProposalState> ProposeAsync(ParameterName name, UInt256 value, CancellationToken cancellationToken = default)
    {
        const string Action = "propose";
        var parameter = TcrParameterCatalog.Get(name);
        var g = await GetGovernanceParametersAsync(cancellationToken).ConfigureAwait(false);
        var funds = await _connection.GetFundsAsync(Account.Address, _connection.Governor, cancellationToken).ConfigureAwait(false);
        GovernanceRules.CanPropose(parameter, value, g.MinDeposit, funds with { Allowance = UInt256.MaxValue }).ThrowIfBlocked(Action);
        var current = await Governor.GetAsync((byte)name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var live = (ulong)await Governor.LiveProposalOfAsync((byte)name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var liveUntil = live == 0 ? default : (await GetProposalAsync(live, cancellationToken).ConfigureAwait(false))!.ProcessBy;
        GovernanceRules.CanProposeNow(parameter, value, current, live, liveUntil).ThrowIfBlocked(Action);
        await Account.EnsureAllowanceAsync(_connection.Governor, g.MinDeposit, funds, cancellationToken).ConfigureAwait(false);
        var receipt = await Account.SendAsync(Action, _connection.Governor, ParameterGovernor.EncodePropose((byte)name, value), cancellationToken).ConfigureAwait(false);
        var created = receipt.Logs.Select(ParameterGovernor.ProposalCreatedEvent.TryDecode).First(e => e is not null)!;
        return (await GetProposalAsync((ulong)created.ProposalId, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Challenges a pending proposal, staking its deposit (approved first when needed).</summary>
    /// <returns>The proposal, now challenged, with its poll id.</returns>
    /// <exception cref="PreflightException">No such proposal, not pending, its challenge stage ended, or the account lacks tokens.</exception>
    public async Task<ProposalState> ChallengeAsync(ulong proposalId, byte[]? evidence = null, CancellationToken cancellationToken = default)
    {
        const string Action = "challengeProposal";
        var proposal = await GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        var funds = await _connection.GetFundsAsync(Account.Address, _connection.Governor, cancellationToken).ConfigureAwait(false);
        var now = await _connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        GovernanceRules.CanChallengeProposal(proposalId, proposal, funds with { Allowance = UInt256.MaxValue }, now).ThrowIfBlocked(Action);
        await Account.EnsureAllowanceAsync(_connection.Governor, proposal!.Deposit, funds, cancellationToken).ConfigureAwait(false);
        await Account.SendAsync(Action, _connection.Governor, ParameterGovernor.EncodeChallengeProposal(proposalId, evidence ?? []), cancellationToken).ConfigureAwait(false);
        return (await GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Processes a proposal: applies it (or lets it expire) after its challenge stage, or resolves its ended vote.</summary>
    /// <exception cref="ActionNotYetPossibleException">The challenge stage or the vote has not ended.</exception>
    /// <exception cref="PreflightException">No such proposal, or it was already processed.</exception>
    public async Task<ProposalProcessed> ProcessAsync(ulong proposalId, CancellationToken cancellationToken = default)
    {
        const string Action = "processProposal";
        var proposal = await GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        var now = await _connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);
        GovernanceRules.CanProcess(proposalId, proposal, now).ThrowIfBlocked(Action);
        var receipt = await Account.SendAsync(Action, _connection.Governor, ParameterGovernor.EncodeProcessProposal(proposalId), cancellationToken).ConfigureAwait(false);
        var after = await GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        return new ProposalProcessed(after!.Status, receipt);
    }

    /// <summary>Claims the account's voter reward from a resolved proposal challenge.</summary>
    /// <exception cref="PreflightException">Nothing to claim for this account.</exception>
    public async Task<RewardClaim> ClaimRewardAsync(ulong proposalId, CancellationToken cancellationToken = default)
    {
        const string Action = "claimReward";
        var proposal = await GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        var vote = proposal is { PollId: not 0 }
            ? await _connection.VotingContract.VoteOfAsync(proposal.PollId, Account.Address, cancellationToken: cancellationToken).ConfigureAwait(false)
            : null;
        var record = vote is null ? new VoterRecord(VoteState.None, default, 0, default) : new VoterRecord((VoteState)vote.State, vote.Commitment, vote.Option, vote.Weight);
        VotingRules.CanClaimReward(proposal?.Challenge, record).ThrowIfBlocked(Action);
        var receipt = await Account.SendAsync(Action, _connection.Governor, ParameterGovernor.EncodeClaimReward(proposalId), cancellationToken).ConfigureAwait(false);
        return new RewardClaim(TcrVoter.Claimed(receipt), receipt);
    }
}
