using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.Cli.Commands.MailServers;

/// <summary>
/// <c>tcr servers</c>: discovers mail servers (bootnodes, registry-directed lookups, a random walk), verifies each
/// against the registry mirror and shows the verdict, the round trip and where it was found; with <c>--watch</c> it then
/// follows the registry and prints each server the pool adds or evicts, with the block.
/// </summary>
internal sealed class ServersCommand : TcrCommand
{
    private readonly MailServerClientCliOptions _client = new();

    private readonly Option<bool> _watch = new("--watch")
    {
        Description = "After the table, follow the registry: print each server the pool adds or evicts, with its block, until Ctrl-C",
    };

    public override string Noun => "servers";

    public override string? Verb => null;

    public override string Description => "Discover mail servers and show which the registry lets you trust, with round trips and sources";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr servers --bootnode enr:-Iu4QG…", "Find mail servers from a bootnode and show which are trusted"),
        new("tcr servers --bootnode enr:-Iu4QG… --watch --json", "Then follow: one JSON line per server added or evicted"),
    ];

    public override void Configure(Command command)
    {
        _client.AddTo(command);
        command.Options.Add(_watch);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var watch = context.Parse.GetValue(_watch);
        var session = await _client.StartAsync(context, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await session.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            await session.MeasureAsync(cancellationToken).ConfigureAwait(false);
            var candidates = session.Observations.Select(View).ToList();
            var result = new ServersResult(session.SeenBlock, session.Trust.TrustedNodeIds.Count, candidates);
            if (!watch)
            {
                context.Output.Result(result, MailServerJsonContext.Default.ServersResult, view => Show(view, result));
                return;
            }

            context.Output.BeginStream();
            if (context.Output.IsJson)
            {
                foreach (var candidate in candidates)
                {
                    context.Output.StreamItem(candidate, MailServerJsonContext.Default.ServerCandidateView, _ => { });
                }
            }
            else
            {
                Show(context.Output.Human, result);
                context.Output.Human.Line("Following the registry; Ctrl-C stops.");
            }

            await FollowAsync(context, session, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task FollowAsync(CommandContext context, MailServerSession session, CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<ServerPoolEvent>();
        var granted = Channel.CreateUnbounded<IReadOnlyList<Bytes32>>();
        void OnEvicted(object? sender, MailServerEventArgs e)
        {
            session.MarkEvicted(e.NodeId, e.Reason ?? "trust withdrawn");
            events.Writer.TryWrite(new ServerPoolEvent("evicted", e.NodeId.ToString(), e.Reason, session.HeadBlock, Now()));
        }

        void OnAdded(object? sender, MailServerEventArgs e) =>
            events.Writer.TryWrite(new ServerPoolEvent("added", e.NodeId.ToString(), null, session.HeadBlock, Now()));

        void OnGranted(object? sender, IReadOnlyList<Bytes32> ids) => granted.Writer.TryWrite(ids);

        session.Pool.ServerEvicted += OnEvicted;
        session.Pool.ServerAdded += OnAdded;
        session.Trust.TrustGranted += OnGranted;
        try
        {
            // Newly listed node ids are resolved in discovery and offered; the pool's events say what it did.
            var resolving = Task.Run(async () =>
            {
                await foreach (var ids in granted.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await session.ResolveAsync(ids, cancellationToken).ConfigureAwait(false);
                }
            }, CancellationToken.None);

            try
            {
                await foreach (var line in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    context.Output.StreamItem(line, MailServerJsonContext.Default.ServerPoolEvent, view => view.Line(Describe(line)));
                }
            }
            finally
            {
                granted.Writer.TryComplete();
                await resolving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            session.Pool.ServerEvicted -= OnEvicted;
            session.Pool.ServerAdded -= OnAdded;
            session.Trust.TrustGranted -= OnGranted;
        }
    }

    private static string Describe(ServerPoolEvent line) => line.Event == "evicted"
        ? $"{line.Time}  head {line.Block}  evicted {Short(line.NodeId)}  ({line.Reason})"
        : $"{line.Time}  head {line.Block}  added   {Short(line.NodeId)}  (listed in the registry)";

    private static void Show(HumanView view, ServersResult result)
    {
        var trusted = result.Candidates.Count(c => c.Verdict == "trusted");
        view.Line($"Registry mirror at block {result.Block}: {result.Listed} node id(s) listed; {result.Candidates.Count} mail server(s) found, {trusted} trusted.");
        view.Table(
            ["node id", "verdict", "why", "rtt", "source"],
            result.Candidates.Select(c => (IReadOnlyList<string>)
            [
                Short(c.NodeId), c.Verdict, c.Reason,
                c.RoundTripMs is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-", c.Source,
            ]));
    }

    private static ServerCandidateView View(CandidateObservation o) => new(
        o.NodeId.ToString(), o.Trusted ? "trusted" : "discarded", o.Reason, o.Source, o.RoundTripMs, o.Addresses, o.Record);

    internal static string Short(string nodeId) => nodeId.Length > 14 ? nodeId[..10] + "…" + nodeId[^4..] : nodeId;

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
