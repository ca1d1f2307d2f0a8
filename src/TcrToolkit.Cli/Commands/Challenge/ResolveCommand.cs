using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Challenge;

/// <summary>The <c>--json</c> result of <c>tcr challenge resolve</c>.</summary>
/// <param name="Updated">The entries that moved on.</param>
/// <param name="Skipped">The entries that could not be updated now, with the reason.</param>
/// <param name="TransactionHash">The transaction, or null when nothing was sent.</param>
internal sealed record ChallengeResolveResult(IReadOnlyList<ChallengeResolvedEntry> Updated, IReadOnlyList<ChallengeSkippedEntry> Skipped, string? TransactionHash);

/// <summary>One updated entry.</summary>
/// <param name="NodeId">The entry.</param>
/// <param name="Outcome">listed, challenge-succeeded (entry removed) or challenge-failed (entry stays).</param>
/// <param name="ChallengeId">The resolved challenge, 0 for a listing.</param>
/// <param name="WinnerReward">Succeeded: what the challenger was paid; failed: what was added to the owner's deposit (base units).</param>
/// <param name="WinnerRewardFormatted">The same in whole tokens.</param>
/// <param name="VoterRewardPool">What the majority voters share (base units; 0 without quorum).</param>
/// <param name="VoterRewardPoolFormatted">The same in whole tokens.</param>
internal sealed record ChallengeResolvedEntry(
    string NodeId, string Outcome, ulong ChallengeId, string WinnerReward, string WinnerRewardFormatted, string VoterRewardPool, string VoterRewardPoolFormatted);

/// <summary>One skipped entry.</summary>
/// <param name="NodeId">The entry.</param>
/// <param name="Reason">Why it cannot be updated now.</param>
/// <param name="AvailableAt">When it can (Unix seconds), or null.</param>
internal sealed record ChallengeSkippedEntry(string NodeId, string Reason, ulong? AvailableAt);

/// <summary><c>tcr challenge resolve &lt;node-id&gt;...</c>: list ended applications and resolve ended votes (updateStatus).</summary>
internal sealed class ChallengeResolveCommand : TcrCommand
{
    private readonly Argument<Bytes32[]> _nodeIds = RegistryArgs.NodeIds("The entries to update: 0x and 64 hex digits each");

    public override string Noun => "challenge";

    public override string? Verb => "resolve";

    public override bool SendsTransactions => true;

    public override string Description => "Move entries on: list applications whose stage ended, resolve challenges whose vote ended";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr challenge resolve 0x3f5a…c01d --account bob", "Resolve one entry (fails with the instant when it is too early)"),
        new("tcr challenge resolve 0x3f5a…c01d 0x88b2…0e41 0x9c1e…77aa --account bob", "Update every ready entry in one transaction; the others are skipped with the reason"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_nodeIds);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeIds = (context.Parse.GetValue(_nodeIds) ?? []).Distinct().ToArray();
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var challenger = new RegistryChallenger(account);
        ChallengeResolveResult result;
        if (nodeIds.Length == 1)
        {
            var recorder = TransactionRecorder.Attach(account);
            var update = await challenger.UpdateStatusAsync(nodeIds[0], cancellationToken).ConfigureAwait(false);
            result = new ChallengeResolveResult([Entry(update)], [], recorder.Confirmed.Count > 0 ? recorder.Confirmed[^1].ToString() : null);
        }
        else
        {
            var batch = await challenger.UpdateStatusesAsync(nodeIds, cancellationToken).ConfigureAwait(false);
            var skipped = nodeIds.Where(batch.Skipped.ContainsKey)
                .Select(id => new ChallengeSkippedEntry(id.ToString(), batch.Skipped[id].Reason ?? "it cannot be updated now.", RegistryDisplay.Unix(batch.Skipped[id].AvailableAt)))
                .ToList();
            if (batch.Updated.Count == 0)
            {
                var reasons = string.Join(", ", skipped.Select(s => $"{s.NodeId[..18]}…: {FirstClause(s.Reason)}"));
                throw CliException.Refused(
                    "nothing-to-update",
                    $"None of the {nodeIds.Length} entries can be updated now ({reasons}); nothing was sent, so check them with `tcr listing status` and try again later.");
            }

            result = new ChallengeResolveResult([.. batch.Updated.Select(Entry)], skipped, batch.Receipt?.TransactionHash.ToString());
        }

        context.Output.Result(result, CliJsonContext.Default.ChallengeResolveResult, view =>
        {
            view.Table(
                ["Node id", "Outcome", "Challenge", "Winner reward", "Voter pool"],
                result.Updated.Select(u => (IReadOnlyList<string>)[
                    u.NodeId, Describe(u.Outcome), u.ChallengeId == 0 ? "-" : u.ChallengeId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    u.ChallengeId == 0 ? "-" : u.WinnerRewardFormatted, u.ChallengeId == 0 ? "-" : u.VoterRewardPoolFormatted]));
            foreach (var s in result.Skipped)
            {
                view.Line($"Skipped {s.NodeId}: {s.Reason}");
            }

            if (result.TransactionHash is not null)
            {
                view.Line($"Transaction {result.TransactionHash}");
            }
        });
    }

    private static ChallengeResolvedEntry Entry(StatusUpdate update) => new(
        update.NodeId.ToString(),
        update.Outcome switch
        {
            StatusOutcome.Listed => "listed",
            StatusOutcome.ChallengeSucceeded => "challenge-succeeded",
            _ => "challenge-failed",
        },
        update.ChallengeId,
        RegistryDisplay.Units(update.WinnerReward),
        RegistryDisplay.Formatted(update.WinnerReward),
        RegistryDisplay.Units(update.VoterRewardPool),
        RegistryDisplay.Formatted(update.VoterRewardPool));

    private static string Describe(string outcome) => outcome switch
    {
        "listed" => "listed",
        "challenge-succeeded" => "challenge succeeded: removed",
        _ => "challenge failed: stays",
    };

    private static string FirstClause(string reason) => reason.Split("; ")[0].TrimEnd('.');
}
