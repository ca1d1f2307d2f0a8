using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Cli.Commands.Devnet;

/// <summary>The <c>--json</c> result of <c>tcr devnet advance</c>.</summary>
/// <param name="Seconds">How far the clock moved.</param>
/// <param name="BlockNumber">The block mined at the new time.</param>
/// <param name="Timestamp">That block's time (Unix seconds).</param>
internal sealed record DevnetAdvanceResult(ulong Seconds, ulong BlockNumber, ulong Timestamp);

/// <summary><c>tcr devnet advance &lt;duration&gt;</c>: moves the devnet's clock forward and mines a block at the new time.</summary>
internal sealed class AdvanceCommand : TcrCommand
{
    private const ulong DevnetChainId = 31337;
    private const ulong MaxSeconds = 10UL * 365 * 86_400;

    private readonly Argument<ulong> _duration = new("duration")
    {
        Description = "How far to move the clock: seconds or a duration (601, 10m, 1h30m)",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (HumanDuration.TryParse(text, out var seconds) && seconds > 0 && seconds <= MaxSeconds)
            {
                return seconds;
            }

            result.AddError($"<duration> '{text}' is not a duration; {HumanDuration.Hint}, up to ten years.");
            return 0;
        },
    };

    public override string Noun => "devnet";

    public override string? Verb => "advance";

    public override string Description => "Move the devnet's clock forward (stages and votes end) and mine a block";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr devnet advance 10m", "End a 600-second application stage"),
        new("tcr devnet advance 3600 --json", "One hour later, as JSON"),
    ];

    public override void Configure(Command command) => command.Arguments.Add(_duration);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Parse.GetValue(_duration);
        var rpc = await context.GetRpcAsync(cancellationToken).ConfigureAwait(false);
        var chainId = await rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (chainId != DevnetChainId)
        {
            throw CliException.Configuration(
                "not-devnet",
                $"The node at {context.Network.RpcEndpointForDisplay} is on chain {chainId}, not the devnet ({DevnetChainId}); only a devnet's clock can be moved.");
        }

        await rpc.IncreaseTimeAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        await rpc.MineAsync(cancellationToken).ConfigureAwait(false);
        var block = await rpc.GetBlockAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcProtocolException("The node returned no latest block.", rpc.Transport.Endpoint, "eth_getBlockByNumber");

        var result = new DevnetAdvanceResult(seconds, block.Number, block.Timestamp);
        context.Output.Result(result, CliJsonContext.Default.DevnetAdvanceResult, view => view.Line(
            $"Moved the clock {seconds.ToString(CultureInfo.InvariantCulture)} s: block {block.Number.ToString(CultureInfo.InvariantCulture)} at {DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp).ToString("u", CultureInfo.InvariantCulture)}"));
    }
}
