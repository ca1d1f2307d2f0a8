using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;
using TcrToolkit.Generated;

namespace TcrToolkit.Cli.Commands.Challenge;

/// <summary>The <c>--json</c> result of <c>tcr challenge show</c>.</summary>
/// <param name="NodeId">The challenged node.</param>
/// <param name="ChallengeId">The challenge id (its poll id).</param>
/// <param name="Challenger">Who challenged.</param>
/// <param name="Status">open, succeeded (entry removed) or failed (entry stayed).</param>
/// <param name="Stage">The vote's stage now: commit, reveal or ended.</param>
/// <param name="Amount">While open the challenger's stake, once resolved the voters' reward pool (base units).</param>
/// <param name="AmountFormatted">The same in whole tokens.</param>
/// <param name="AmountIs">"stake" or "reward-pool": what <c>amount</c> is.</param>
/// <param name="CommitEnd">End of the commit stage (Unix seconds).</param>
/// <param name="RevealEnd">End of the reveal stage (Unix seconds).</param>
/// <param name="VotesFor">Revealed weight upholding the challenge (base units).</param>
/// <param name="VotesAgainst">Revealed weight rejecting it (base units).</param>
/// <param name="SnapshotSupply">The token supply at the poll's snapshot, against which quorum is measured (base units).</param>
/// <param name="QuorumPercent">The registry's quorum parameter now, in percent of the snapshot supply.</param>
/// <param name="QuorumReached">Whether the revealed weight reaches quorum, by the voting contract.</param>
/// <param name="Passed">Whether the challenge is upheld on the revealed votes so far, by the voting contract.</param>
/// <param name="Now">The chain time (Unix seconds).</param>
/// <param name="Voter">For <c>--account</c>, its vote and reward; otherwise null.</param>
internal sealed record ChallengeShowResult(
    string NodeId,
    ulong ChallengeId,
    string Challenger,
    string Status,
    string Stage,
    string Amount,
    string AmountFormatted,
    string AmountIs,
    ulong CommitEnd,
    ulong RevealEnd,
    string VotesFor,
    string VotesAgainst,
    string SnapshotSupply,
    int QuorumPercent,
    bool QuorumReached,
    bool Passed,
    ulong Now,
    ChallengeVoterResult? Voter);

/// <summary>An account's part in a challenge.</summary>
/// <param name="Account">The account, EIP-55.</param>
/// <param name="Vote">none, committed, revealed or settled (reward paid).</param>
/// <param name="Option">Once revealed: 1 upheld the challenge, 0 rejected it; otherwise null.</param>
/// <param name="Weight">Once revealed: the weight counted (base units).</param>
/// <param name="Reward">The reward it can claim now (base units; 0 when none).</param>
/// <param name="RewardFormatted">The same in whole tokens.</param>
/// <param name="CanClaim">Whether <c>tcr challenge claim</c> would pay now.</param>
/// <param name="ClaimReason">Why not, when it cannot; otherwise null.</param>
internal sealed record ChallengeVoterResult(string Account, string Vote, int? Option, string Weight, string Reward, string RewardFormatted, bool CanClaim, string? ClaimReason);

/// <summary><c>tcr challenge show &lt;node-id&gt; [--id N]</c>: a challenge's stake, vote, tallies and (for --account) the account's reward.</summary>
internal sealed class ChallengeShowCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    private readonly Option<ulong?> _id = new("--id")
    {
        Description = "The challenge id [default: the listing's open challenge]",
        HelpName = "challenge-id",
    };

    public override string Noun => "challenge";

    public override string? Verb => "show";

    public override string Description => "Show a challenge: challenger, stake or pool, status, vote deadlines, tallies, quorum, your vote";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr challenge show 0x3f5a…c01d", "The listing's open challenge"),
        new("tcr challenge show 0x3f5a…c01d --id 7 --account carol", "A resolved challenge, with carol's vote and claimable reward"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_nodeId);
        command.Options.Add(_id);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        Address? account = context.Accounts.HasAccount ? context.Accounts.GetAddress() : null;
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var reader = new RegistryReader(connection);
        var challengeId = context.Parse.GetValue(_id)
            ?? (await reader.GetListingStateAsync(nodeId, cancellationToken).ConfigureAwait(false)).ChallengeId;
        if (challengeId == 0)
        {
            throw CliException.Refused("no-open-challenge", $"Node {nodeId} has no open challenge; pass --id N to show a past one (the id `tcr challenge open` printed).");
        }

        var challenge = await reader.GetChallengeAsync(nodeId, challengeId, cancellationToken).ConfigureAwait(false)
            ?? throw CliException.Refused("challenge-not-found", $"Node {nodeId} has no challenge {challengeId}; check the node id and the challenge id.");
        var poll = await reader.GetPollResultAsync(challengeId, cancellationToken).ConfigureAwait(false);
        var parameters = await reader.GetParametersAsync(cancellationToken).ConfigureAwait(false);
        var now = await connection.GetChainTimeAsync(cancellationToken).ConfigureAwait(false);

        ChallengeVoterResult? voter = null;
        if (account is { } a)
        {
            var record = await reader.GetVoterRecordAsync(challengeId, a, cancellationToken).ConfigureAwait(false);
            var check = VotingRules.CanClaimReward(challenge, record);
            var reward = check.IsAllowed ? await reader.GetRewardAsync(nodeId, challengeId, a, cancellationToken).ConfigureAwait(false) : UInt256.Zero;
            voter = new ChallengeVoterResult(
                a.ToString(),
                record.State.ToString().ToLowerInvariant(),
                record.State is VoteState.Revealed or VoteState.Settled ? record.Option : null,
                RegistryDisplay.Units(record.Weight),
                RegistryDisplay.Units(reward),
                RegistryDisplay.Formatted(reward),
                check.IsAllowed,
                check.Reason);
        }

        var open = challenge.Status == MailServerRegistry.ChallengeStatus.Open;
        var result = new ChallengeShowResult(
            nodeId.ToString(),
            challengeId,
            challenge.Challenger.ToString(),
            challenge.Status.ToString().ToLowerInvariant(),
            new PollTiming(challengeId, challenge.CommitEnd, challenge.RevealEnd).StageAt(now).ToString().ToLowerInvariant(),
            RegistryDisplay.Units(challenge.Amount),
            RegistryDisplay.Formatted(challenge.Amount),
            open ? "stake" : "reward-pool",
            RegistryDisplay.Unix(challenge.CommitEnd),
            RegistryDisplay.Unix(challenge.RevealEnd),
            RegistryDisplay.Units(poll.VotesFor),
            RegistryDisplay.Units(poll.VotesAgainst),
            RegistryDisplay.Units(poll.SnapshotSupply),
            parameters.VoteQuorum,
            poll.QuorumReached,
            poll.Passed,
            RegistryDisplay.Unix(now),
            voter);

        context.Output.Result(result, CliJsonContext.Default.ChallengeShowResult, view =>
        {
            var rows = new List<(string, string)>
            {
                ("Node id", result.NodeId),
                ("Challenge id", challengeId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Challenger", result.Challenger),
                ("Status", open ? $"open, {result.Stage} stage" : result.Status == "succeeded" ? "succeeded: the entry was removed" : "failed: the entry stayed"),
                (open ? "Stake" : "Voter reward pool", RegistryDisplay.Tokens(challenge.Amount)),
                ("Commit end", RegistryDisplay.Time(result.CommitEnd)),
                ("Reveal end", RegistryDisplay.Time(result.RevealEnd)),
                ("Votes", $"{EthUnits.FormatEther(poll.VotesFor)} for, {EthUnits.FormatEther(poll.VotesAgainst)} against (revealed)"),
                ("Quorum", $"{(poll.QuorumReached ? "reached" : "not reached")} ({result.QuorumPercent}% of the {EthUnits.FormatEther(poll.SnapshotSupply)}-token snapshot supply)"),
                ("Passing", poll.Passed ? "yes, on the revealed votes" : "no"),
            };
            if (voter is not null)
            {
                rows.Add(("Your vote", voter.Option is { } option ? $"{voter.Vote}: {(option == 1 ? "uphold" : "reject")} with {EthUnits.FormatEther(UInt256.Parse(voter.Weight))} votes" : voter.Vote));
                rows.Add(("Your reward", voter.CanClaim ? $"{voter.RewardFormatted} tokens (`tcr challenge claim {result.NodeId} {challengeId}`)" : voter.ClaimReason ?? "none"));
            }

            view.Properties(rows);
        });
    }
}
