using System.CommandLine;
using System.Text;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Challenge;

/// <summary>The <c>--json</c> result of <c>tcr challenge open</c>.</summary>
/// <param name="NodeId">The challenged entry.</param>
/// <param name="ChallengeId">The challenge id, which is the poll id to vote in; 0 when the entry was removed at once.</param>
/// <param name="RemovedAtOnce">True when the entry's deposit was below the minimum: removed at once (touch-and-remove), no stake taken, no vote.</param>
/// <param name="Stake">The stake taken, in base units ("0" after touch-and-remove).</param>
/// <param name="StakeFormatted">The same in whole tokens.</param>
/// <param name="CommitEnd">End of the commit stage (Unix seconds; 0 after touch-and-remove).</param>
/// <param name="RevealEnd">End of the reveal stage, from which it can be resolved (Unix seconds; 0 after touch-and-remove).</param>
/// <param name="TransactionHash">The challenge's transaction.</param>
internal sealed record ChallengeOpenResult(
    string NodeId, ulong ChallengeId, bool RemovedAtOnce, string Stake, string StakeFormatted, ulong CommitEnd, ulong RevealEnd, string TransactionHash);

/// <summary><c>tcr challenge open &lt;node-id&gt;</c>: challenge an entry, staking the minimum deposit.</summary>
internal sealed class ChallengeOpenCommand : TcrCommand
{
    private readonly Argument<Bytes32> _nodeId = CliArgs.NodeId();

    private readonly Option<string?> _evidence = new("--evidence")
    {
        Description = "Text published with the challenge (for example a link to the reason); not stored",
        HelpName = "text",
    };

    public override string Noun => "challenge";

    public override string? Verb => "open";

    public override bool SendsTransactions => true;

    public override string Description => "Challenge a listing or application, staking the minimum deposit; a vote decides";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr challenge open 0x3f5a…c01d --evidence \"https://example.org/spam-report\" --account bob", "Challenge with evidence; prints the challenge id and the vote's deadlines"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_nodeId);
        command.Options.Add(_evidence);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nodeId = context.Parse.GetValue(_nodeId);
        var evidence = context.Parse.GetValue(_evidence) is { } text ? Encoding.UTF8.GetBytes(text) : null;
        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var challenge = await new RegistryChallenger(account).ChallengeAsync(nodeId, evidence, cancellationToken).ConfigureAwait(false);
        var removed = challenge.RemovedAtOnce;
        var result = new ChallengeOpenResult(
            nodeId.ToString(),
            challenge.ChallengeId,
            removed,
            RegistryDisplay.Units(challenge.Stake),
            RegistryDisplay.Formatted(challenge.Stake),
            removed ? 0 : RegistryDisplay.Unix(challenge.CommitEnd),
            removed ? 0 : RegistryDisplay.Unix(challenge.RevealEnd),
            challenge.Receipt.TransactionHash.ToString());
        context.Output.Result(result, CliJsonContext.Default.ChallengeOpenResult, view =>
        {
            if (removed)
            {
                view.Line($"Node {result.NodeId} was removed at once: its deposit was below the minimum deposit (touch-and-remove), so no stake was taken and there is no vote.");
                view.Line($"Transaction {result.TransactionHash}");
                return;
            }

            view.Properties(
                ("Node id", result.NodeId),
                ("Challenge id", $"{result.ChallengeId} (the poll id to vote in)"),
                ("Stake", RegistryDisplay.Tokens(challenge.Stake)),
                ("Commit end", RegistryDisplay.Time(result.CommitEnd)),
                ("Reveal end", $"{RegistryDisplay.Time(result.RevealEnd)} (then `tcr challenge resolve {result.NodeId}`)"),
                ("Transaction", result.TransactionHash));
        });
    }
}
