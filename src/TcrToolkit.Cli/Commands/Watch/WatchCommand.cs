using System.CommandLine;
using System.Globalization;
using System.Text;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.Generated;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Watch;

/// <summary>Where <c>tcr watch</c> starts: a block, or the checkpoint file's saved position.</summary>
/// <param name="Block">The first block to show, or null to resume from the checkpoint.</param>
internal sealed record WatchStart(ulong? Block);

/// <summary>
/// <c>tcr watch</c>: the registry's events, one line each, resumed from a checkpoint file (reorganisations shown as
/// retractions); with <c>--no-follow</c> it stops at the head, with <c>--limit N</c> after N events.
/// </summary>
internal sealed class WatchCommand : TcrCommand
{
    private readonly Option<WatchStart?> _from = new("--from")
    {
        Description = "The first block to show, or `checkpoint` to resume where the checkpoint file left off [default: checkpoint, else the registry's deployment block]",
        HelpName = "block|checkpoint",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (text.Equals("checkpoint", StringComparison.OrdinalIgnoreCase))
            {
                return new WatchStart(null);
            }

            if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var block))
            {
                return new WatchStart(block);
            }

            result.AddError($"--from '{(text.Length <= 40 ? text : text[..12] + "…")}' is neither a block number nor `checkpoint`; give a whole number such as 120, or checkpoint.");
            return null;
        },
    };

    private readonly Option<string?> _checkpoint = new("--checkpoint")
    {
        Description = "The checkpoint file [default: $TCR_HOME/watch/<chain id>-<registry>.db]",
        HelpName = "file",
    };

    private readonly Option<int?> _confirmations = new("--confirmations")
    {
        Description = "Blocks built on an event's block before it is shown [default: 0 on the devnet, 2 elsewhere]",
        HelpName = "n",
        Validators = { result => { if (result.GetValueOrDefault<int?>() is < 0) { result.AddError("--confirmations must be 0 or more; give a whole number of blocks."); } } },
    };

    private readonly Option<bool> _follow = new("--follow") { Description = "Keep following new blocks after catching up (the default)" };
    private readonly Option<bool> _noFollow = new("--no-follow") { Description = "Stop once caught up with the chain's head" };

    private readonly Option<int?> _limit = new("--limit")
    {
        Description = "Stop after this many events",
        HelpName = "n",
        Validators = { result => { if (result.GetValueOrDefault<int?>() is < 1) { result.AddError("--limit must be 1 or more; give the number of events to show."); } } },
    };

    public override string Noun => "watch";

    public override string? Verb => null;

    public override string Description => "Follow the registry's events as they happen, resuming where the last run stopped";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr watch", "Follow the devnet registry's events (Ctrl-C stops; the next run resumes)"),
        new("tcr watch --from 1 --no-follow --json", "Every event since block 1 as NDJSON, then stop"),
        new("tcr watch --network sepolia --confirmations 6 --limit 10", "The next ten events on Sepolia, six blocks deep"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_from);
        command.Options.Add(_checkpoint);
        command.Options.Add(_confirmations);
        command.Options.Add(_follow);
        command.Options.Add(_noFollow);
        command.Options.Add(_limit);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Parse.GetValue(_follow) && context.Parse.GetValue(_noFollow))
        {
            throw CliException.Usage("follow-ambiguous", "`tcr watch` got both --follow and --no-follow; give one of them.");
        }

        var follow = !context.Parse.GetValue(_noFollow);
        var limit = context.Parse.GetValue(_limit);
        var from = context.Parse.GetValue(_from);
        var isDevnet = context.Network.Network.Name == "devnet";
        var depth = context.Parse.GetValue(_confirmations) ?? (isDevnet ? 0 : 2);

        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var rpc = connection.Client;
        var path = context.Parse.GetValue(_checkpoint) is { } file
            ? Path.GetFullPath(file, context.Environment.CurrentDirectory)
            : Path.Combine(context.Environment.TcrHome, "watch", $"{connection.ChainId}-{connection.Registry.ToString().ToLowerInvariant()}.db");

        var head = await rpc.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        var firstBlock = from?.Block ?? context.Manifest.Registry.BlockNumber ?? 0;
        if (firstBlock > head)
        {
            throw CliException.Usage("from-beyond-head", $"--from {firstBlock} is beyond the chain's head (block {head}); give a block number up to {head}.");
        }

        if (from?.Block is not null)
        {
            // --from starts over: the file's saved position would otherwise win.
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                if (File.Exists(path + suffix))
                {
                    File.Delete(path + suffix);
                }
            }
        }

        using var store = SqliteRegistryCheckpointStore.Open(path);
        var start = await RegistryEvents.GetCheckpointAsync(rpc, firstBlock == 0 ? 0 : firstBlock - 1, cancellationToken).ConfigureAwait(false);
        var options = new RegistryEventsOptions
        {
            Registry = connection.Registry,
            ConfirmationDepth = depth,
            PollInterval = TimeSpan.FromSeconds(isDevnet ? 1 : 4),
            WebSocketEndpoint = follow ? WebSocketOf(context.Network.RpcUrl, isDevnet) : null,
        };

        context.Output.BeginStream();
        var target = head >= (ulong)depth ? head - (ulong)depth : 0;
        var resumeAfter = store.Load()?.Checkpoint.BlockNumber ?? start.BlockNumber;
        if (!follow && resumeAfter >= target)
        {
            return;
        }

        var times = new Dictionary<ulong, ulong>();
        var shown = 0;
        await using var events = new RegistryEvents(rpc, options, store);
        await foreach (var update in events.ReadAsync(start, cancellationToken).ConfigureAwait(false))
        {
            if (update.Kind == RegistryUpdateKind.Progress)
            {
                if (!follow && update.Checkpoint.BlockNumber >= target)
                {
                    break;
                }

                continue;
            }

            var registryEvent = update.Event!;
            if (!times.TryGetValue(registryEvent.Log.BlockNumber, out var time))
            {
                var block = await rpc.GetBlockAsync(BlockTag.FromNumber(registryEvent.Log.BlockNumber), cancellationToken).ConfigureAwait(false);
                time = times[registryEvent.Log.BlockNumber] = block?.Timestamp ?? 0;
            }

            Show(context.Output, update.Kind, registryEvent, time);
            if (++shown == limit)
            {
                // Leaving the loop would leave this last event unacknowledged, and the next run would show it again.
                if (update.Kind == RegistryUpdateKind.Added)
                {
                    store.SaveDelivered(registryEvent);
                }
                else
                {
                    store.SaveRetracted(registryEvent);
                }

                break;
            }
        }
    }

    private static void Show(CommandOutput output, RegistryUpdateKind kind, RegistryEvent e, ulong time)
    {
        var args = e.Arguments.ToDictionary(a => a.Key, a => RegistryEvent.FormatValue(a.Value));
        var line = new WatchEventLine(
            kind == RegistryUpdateKind.Added ? "added" : "retracted",
            e.Name,
            e.Log.BlockNumber,
            e.Log.BlockHash.ToString(),
            e.Log.LogIndex,
            e.Log.TransactionHash.ToString(),
            time,
            e.Payload is MailServerRegistry.ParameterSetEvent ? null : e.NodeId.ToString(),
            e.Owner?.ToString(),
            args);
        output.StreamItem(line, CliJsonContext.Default.WatchEventLine, view => view.Line(Describe(line, e)));
    }

    /// <summary>"2025-01-31 12:00:00 UTC  #42  Applied  0x3f5a…c01d  owner 0x7099…79C8  deposit 100 tokens".</summary>
    private static string Describe(WatchEventLine line, RegistryEvent e)
    {
        var text = new StringBuilder();
        if (line.Kind == "retracted")
        {
            text.Append("RETRACTED (reorg)  ");
        }

        text.Append(HumanTime.Format(line.Time)).Append("  #").Append(line.Block).Append("  ").Append(line.Event);
        if (line.NodeId is { } nodeId)
        {
            text.Append("  ").Append(nodeId[..10]).Append('…').Append(nodeId[^4..]);
        }

        if (line.Owner is { } owner)
        {
            text.Append("  owner ").Append(owner[..6]).Append('…').Append(owner[^4..]);
        }

        foreach (var (name, value) in e.Arguments)
        {
            if (name is "nodeId" or "owner" or "data" or "evidence")
            {
                continue;
            }

            text.Append("  ").Append(name).Append(' ').Append(Format(e, name, value));
        }

        return text.ToString();
    }

    private static string Format(RegistryEvent e, string name, object? value) => (name, value, e.Payload) switch
    {
        ("applicationEnd" or "commitEnd" or "revealEnd" or "exitStart" or "exitEnd", UInt256 seconds, _) => HumanTime.Format((ulong)seconds),
        ("name", _, MailServerRegistry.ParameterSetEvent set) => TcrParameterCatalog.Get((ParameterName)set.Name).Key,
        ("value", _, MailServerRegistry.ParameterSetEvent set) => TcrParameterCatalog.Get((ParameterName)set.Name).Describe(set.Value),
        ("challengeId", _, _) => RegistryEvent.FormatValue(value),
        (_, UInt256 amount, _) => EthUnits.FormatEther(amount) + " tokens",
        _ => RegistryEvent.FormatValue(value),
    };

    // The devnet's Hardhat node answers WebSocket on its HTTP port; elsewhere only a ws:// URL gives a subscription.
    private static Uri? WebSocketOf(Uri rpc, bool isDevnet) => rpc.Scheme switch
    {
        "ws" or "wss" => rpc,
        "http" when isDevnet => new UriBuilder(rpc) { Scheme = "ws" }.Uri,
        _ => null,
    };
}
