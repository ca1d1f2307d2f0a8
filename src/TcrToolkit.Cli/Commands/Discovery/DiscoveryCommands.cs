using System.CommandLine;
using System.Diagnostics;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Discovery;

/// <summary><c>tcr discovery start</c>: runs a node, prints its record, and serves until Ctrl-C or --duration.</summary>
internal sealed class DiscoveryStartCommand : TcrCommand
{
    private readonly DiscoveryNodeOptions _node = new();
    private readonly Option<int?> _duration = new("--duration") { Description = "Stop after this many seconds [default: until Ctrl-C]", HelpName = "s" };

    public override string Noun => "discovery";

    public override string? Verb => "start";

    public override bool IsForeground => true;

    public override string Description => "Start a Discovery v5 node, print its record and serve until stopped";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr discovery start --bind 127.0.0.1:9000", "Serve discovery on port 9000 and print the node's enr"),
        new("tcr discovery start --bootnode enr:-IS4Q... --json --duration 60", "Join through a bootnode for a minute; print the record as JSON"),
    ];

    public override void Configure(Command command)
    {
        _node.AddTo(command);
        command.Options.Add(_duration);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (node, key) = await _node.StartAsync(context, cancellationToken).ConfigureAwait(false);
        using (key)
        {
            await using (node.ConfigureAwait(false))
            {
                var view = DiscoveryRecordView.Of(node.LocalEnr);
                context.Output.Result(view, DiscoveryJsonContext.Default.DiscoveryRecordView, human => human.Properties(
                    ("node id", view.NodeId), ("listening", node.LocalEndPoint.ToString()), ("enr", view.Enr)));
                context.Output.Note("Serving discovery; press Ctrl-C to stop.");
                try
                {
                    var duration = context.Parse.GetValue(_duration);
                    await Task.Delay(duration is { } s ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
}

/// <summary><c>tcr discovery ping &lt;enr&gt;</c>: handshakes with a node and pings it.</summary>
internal sealed class DiscoveryPingCommand : TcrCommand
{
    private readonly DiscoveryNodeOptions _node = new();
    private readonly Argument<string> _enr = new("enr") { Description = "The node's record (enr:...)" };

    public override string Noun => "discovery";

    public override string? Verb => "ping";

    public override string Description => "Ping a Discovery v5 node given its record";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr discovery ping enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZX...", "Handshake with the node, ping it and show the round trip"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_enr);
        _node.AddTo(command);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var target = DiscoveryNodeOptions.ParseRecord(context.Parse.GetValue(_enr)!, "The argument");
        var (node, key) = await _node.StartAsync(context, cancellationToken).ConfigureAwait(false);
        using (key)
        {
            await using (node.ConfigureAwait(false))
            {
                var watch = Stopwatch.StartNew();
                PongResult pong;
                try
                {
                    pong = await node.PingAsync(target, cancellationToken).ConfigureAwait(false);
                }
                catch (DiscoveryTimeoutException ex)
                {
                    throw new CliException(ExitCode.RpcUnavailable, "node-unreachable", $"{ex.Message} Check that the node runs and that UDP reaches it.", ex);
                }

                var result = new DiscoveryPingResult(DiscoveryRecordView.Of(target), pong.EnrSeq, pong.ObservedEndPoint.ToString(), watch.Elapsed.TotalMilliseconds);
                context.Output.Result(result, DiscoveryJsonContext.Default.DiscoveryPingResult, human => human.Properties(
                    ("node id", result.Node.NodeId), ("enr seq", result.EnrSeq.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("saw us at", result.ObservedEndpoint), ("round trip", $"{result.RoundTripMs:F1} ms")));
            }
        }
    }
}

/// <summary><c>tcr discovery lookup &lt;enr|node-id&gt;</c>: finds the newest record of a node.</summary>
internal sealed class DiscoveryLookupCommand : TcrCommand
{
    private readonly DiscoveryNodeOptions _node = new();
    private readonly Argument<string> _target = new("target") { Description = "The node's record (enr:...) or its node id (0x + 64 hex)" };

    public override string Noun => "discovery";

    public override string? Verb => "lookup";

    public override string Description => "Find the newest record of a node id (or refresh a record) through the DHT";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr discovery lookup 0x<node-id> --bootnode enr:-IS4Q...", "Resolve a registry-listed node id to its newest record"),
        new("tcr discovery lookup enr:-IS4Q... --json", "Ask the node itself for its newest record"),
    ];

    public override void Configure(Command command)
    {
        command.Arguments.Add(_target);
        _node.AddTo(command);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var text = context.Parse.GetValue(_target)!.Trim();
        Enr? given = null;
        Bytes32 id;
        if (text.StartsWith(Enr.TextPrefix, StringComparison.Ordinal))
        {
            given = DiscoveryNodeOptions.ParseRecord(text, "The argument");
            id = given.NodeId;
        }
        else
        {
            try
            {
                id = Bytes32.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new CliException(ExitCode.Usage, "bad-node-id", $"'{(text.Length <= 20 ? text : text[..20] + "…")}' is neither an enr: record nor a 0x node id of 64 hex digits.", ex);
            }
        }

        var (node, key) = await _node.StartAsync(context, cancellationToken).ConfigureAwait(false);
        using (key)
        {
            await using (node.ConfigureAwait(false))
            {
                if (given is not null)
                {
                    await node.AddNodeAsync(given, cancellationToken).ConfigureAwait(false);
                }

                var found = await node.ResolveAsync(id, cancellationToken).ConfigureAwait(false);
                var result = new DiscoveryLookupResult(id.ToString(), found is not null, found is null ? null : DiscoveryRecordView.Of(found));
                context.Output.Result(result, DiscoveryJsonContext.Default.DiscoveryLookupResult, human =>
                {
                    if (result.Record is { } r)
                    {
                        human.Properties(("node id", r.NodeId), ("seq", r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                            ("endpoint", $"{r.Ip}:{r.Udp}"), ("waku2", r.Waku2 ?? "-"), ("enr", r.Enr));
                    }
                    else
                    {
                        human.Line($"No node with id {result.Target} was found; give a --bootnode that is part of its network.");
                    }
                });
            }
        }
    }
}

/// <summary><c>tcr discovery walk</c>: random walks, listing each record met.</summary>
internal sealed class DiscoveryWalkCommand : TcrCommand
{
    private readonly DiscoveryNodeOptions _node = new();
    private readonly Option<int> _limit = new("--limit") { Description = "Stop after this many records", HelpName = "n", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _seconds = new("--seconds") { Description = "Stop after this many seconds", HelpName = "s", DefaultValueFactory = _ => 30 };
    private readonly Option<bool> _store = new("--store-only") { Description = "List only nodes advertising the Waku store capability (mail servers)" };

    public override string Noun => "discovery";

    public override string? Verb => "walk";

    public override string Description => "Random-walk the DHT and list the node records met";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr discovery walk --bootnode enr:-IS4Q... --limit 50", "List up to 50 nodes found by random lookups"),
        new("tcr discovery walk --bootnode enr:-IS4Q... --store-only --json", "Stream Waku store (mail server) records as NDJSON"),
    ];

    public override void Configure(Command command)
    {
        _node.AddTo(command);
        command.Options.Add(_limit);
        command.Options.Add(_seconds);
        command.Options.Add(_store);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var limit = Math.Max(1, context.Parse.GetValue(_limit));
        var storeOnly = context.Parse.GetValue(_store);
        var (node, key) = await _node.StartAsync(context, cancellationToken).ConfigureAwait(false);
        using (key)
        {
            await using (node.ConfigureAwait(false))
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                stop.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, context.Parse.GetValue(_seconds))));
                context.Output.BeginStream();
                var count = 0;
                await foreach (var record in node.RandomWalkAsync(stop.Token).ConfigureAwait(false))
                {
                    if (storeOnly && record.Waku2?.HasFlag(Waku2Capabilities.Store) != true)
                    {
                        continue;
                    }

                    var view = DiscoveryRecordView.Of(record);
                    context.Output.StreamItem(view, DiscoveryJsonContext.Default.DiscoveryRecordView,
                        human => human.Line($"{view.NodeId}  {view.Ip}:{view.Udp}  seq {view.Seq}  {view.Waku2 ?? ""}"));
                    if (++count >= limit)
                    {
                        break;
                    }
                }
            }
        }
    }
}
