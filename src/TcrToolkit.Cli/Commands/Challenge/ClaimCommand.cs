using System.CommandLine;
using System.CommandLine.Parsing;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

namespace TcrToolkit.Cli.Commands.Challenge;

/// <summary>The <c>--json</c> result of <c>tcr challenge claim</c>.</summary>
/// <param name="Claimed">What was paid in base units (the sum over the claims made).</param>
/// <param name="ClaimedFormatted">The same in whole tokens.</param>
/// <param name="Claims">The claims made.</param>
/// <param name="Skipped">The claims not made, with the reason.</param>
/// <param name="TransactionHash">The transaction.</param>
internal sealed record ChallengeClaimResult(string Claimed, string ClaimedFormatted, IReadOnlyList<ChallengeClaimRef> Claims, IReadOnlyList<ChallengeClaimSkipped> Skipped, string TransactionHash);

/// <summary>A claim: a node id and a challenge id.</summary>
/// <param name="NodeId">The challenged node.</param>
/// <param name="ChallengeId">The resolved challenge.</param>
internal sealed record ChallengeClaimRef(string NodeId, ulong ChallengeId);

/// <summary>A claim not made.</summary>
/// <param name="NodeId">The challenged node.</param>
/// <param name="ChallengeId">The challenge.</param>
/// <param name="Reason">Why it cannot be claimed.</param>
internal sealed record ChallengeClaimSkipped(string NodeId, ulong ChallengeId, string Reason);

/// <summary><c>tcr challenge claim &lt;node-id&gt; &lt;challenge-id&gt;</c> or <c>node:challenge...</c>: claim voter rewards.</summary>
internal sealed class ChallengeClaimCommand : TcrCommand
{
    private readonly Argument<(Bytes32 NodeId, ulong ChallengeId)[]> _claims = new("claim")
    {
        Description = "<node-id> <challenge-id>, or one or more <node-id>:<challenge-id> pairs",
        Arity = ArgumentArity.OneOrMore,
        CustomParser = Parse,
    };

    public override string Noun => "challenge";

    public override string? Verb => "claim";

    public override bool SendsTransactions => true;

    public override string Description => "Claim your voter reward from resolved challenges you voted on the winning side of";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr challenge claim 0x3f5a…c01d 7 --account carol", "Claim the reward of challenge 7"),
        new("tcr challenge claim 0x3f5a…c01d:7 0x88b2…0e41:9 --account carol", "Claim several in one transaction; the others are skipped with the reason"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_claims);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var claims = (context.Parse.GetValue(_claims) ?? []).Distinct().ToArray();
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var voter = new TcrVoter(account, context.SaltVault);
        ChallengeClaimResult result;
        if (claims.Length == 1)
        {
            var (nodeId, challengeId) = claims[0];
            var claim = await voter.ClaimRewardAsync(nodeId, challengeId, cancellationToken).ConfigureAwait(false);
            result = new ChallengeClaimResult(
                RegistryDisplay.Units(claim.Amount), RegistryDisplay.Formatted(claim.Amount),
                [new ChallengeClaimRef(nodeId.ToString(), challengeId)], [], claim.Receipt.TransactionHash.ToString());
        }
        else
        {
            var (claimed, skipped) = await voter.ClaimRewardsAsync(claims, cancellationToken).ConfigureAwait(false);
            var skippedRows = claims.Where(skipped.ContainsKey)
                .Select(c => new ChallengeClaimSkipped(c.NodeId.ToString(), c.ChallengeId, skipped[c].Reason ?? "it cannot be claimed now."))
                .ToList();
            if (claimed is null)
            {
                var reasons = string.Join(", ", skippedRows.Select(s => $"{s.NodeId[..18]}…:{s.ChallengeId}: {s.Reason.Split("; ")[0].TrimEnd('.')}"));
                throw CliException.Refused(
                    "nothing-to-claim",
                    $"None of the {claims.Length} rewards can be claimed ({reasons}); nothing was sent, so check them with `tcr challenge show <node-id> --id N`.");
            }

            result = new ChallengeClaimResult(
                RegistryDisplay.Units(claimed.Amount), RegistryDisplay.Formatted(claimed.Amount),
                [.. claims.Where(c => !skipped.ContainsKey(c)).Select(c => new ChallengeClaimRef(c.NodeId.ToString(), c.ChallengeId))],
                skippedRows, claimed.Receipt.TransactionHash.ToString());
        }

        context.Output.Result(result, CliJsonContext.Default.ChallengeClaimResult, view =>
        {
            view.Line($"Claimed {result.ClaimedFormatted} tokens from {string.Join(", ", result.Claims.Select(c => $"challenge {c.ChallengeId} of {c.NodeId}"))}");
            foreach (var s in result.Skipped)
            {
                view.Line($"Skipped challenge {s.ChallengeId} of {s.NodeId}: {s.Reason}");
            }

            view.Line($"Transaction {result.TransactionHash}");
        });
    }

    private static (Bytes32 NodeId, ulong ChallengeId)[] Parse(ArgumentResult result)
    {
        var tokens = result.Tokens.Select(t => t.Value).ToArray();
        if (tokens.Length == 2 && !tokens[0].Contains(':', StringComparison.Ordinal) && !tokens[1].Contains(':', StringComparison.Ordinal))
        {
            return RegistryArgs.ParseNodeId(result, tokens[0], "<node-id>") is { } id && RegistryArgs.ParseChallengeId(result, tokens[1], "<challenge-id>") is { } challenge
                ? [(id, challenge)]
                : [];
        }

        var claims = new List<(Bytes32, ulong)>();
        foreach (var token in tokens)
        {
            var colon = token.LastIndexOf(':');
            if (colon < 0)
            {
                result.AddError($"'{(token.Length <= 70 ? token : token[..12] + "…")}' is not a claim; give <node-id> <challenge-id>, or pairs written <node-id>:<challenge-id>.");
                return [];
            }

            if (RegistryArgs.ParseNodeId(result, token[..colon], "<node-id>") is not { } id || RegistryArgs.ParseChallengeId(result, token[(colon + 1)..], "<challenge-id>") is not { } challenge)
            {
                return [];
            }

            claims.Add((id, challenge));
        }

        return [.. claims];
    }
}
