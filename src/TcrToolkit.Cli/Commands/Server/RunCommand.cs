using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Commands.Message;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Libp2p;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Cli.Commands.Server;

/// <summary>
/// <c>tcr server run</c>: a Waku store node. Serves Store v3, LightPush v3 (and 2.0.0-beta1) and Metadata on libp2p
/// (TCP and WebSocket, Noise, yamux or mplex), keeps messages in a SQLite file, applies retention every minute, and runs
/// until Ctrl-C.
/// </summary>
internal sealed class RunCommand : TcrCommand
{
    private readonly Option<string?> _nodeKey = new("--node-key")
    {
        Description = "File holding the node's secp256k1 key (its peer id); created on first run [default: $TCR_HOME/waku/node.key]",
        HelpName = "file",
    };

    private readonly Option<string[]> _listen = new("--listen")
    {
        Description = "Multiaddr to listen on, repeatable [default: /ip4/127.0.0.1/tcp/60000 and /ip4/127.0.0.1/tcp/8000/ws]",
        HelpName = "multiaddr",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _store = new("--store")
    {
        Description = "The SQLite message store file [default: $TCR_HOME/waku/messages.db]",
        HelpName = "file",
    };

    private readonly Option<string?> _retentionAge = new("--retention-age")
    {
        Description = "Delete messages older than this: a number with s, m, h or d, such as 30d [default: keep]",
        HelpName = "age",
    };

    private readonly Option<long?> _retentionCount = new("--retention-count")
    {
        Description = "Keep only the newest this many messages [default: keep all]",
        HelpName = "n",
    };

    private readonly Option<uint> _clusterId = new("--cluster-id")
    {
        Description = "The Waku cluster announced by the metadata protocol (js-waku's default network is 1)",
        DefaultValueFactory = _ => 1,
        HelpName = "id",
    };

    private readonly Option<uint[]> _shards = new("--shard")
    {
        Description = "A shard announced by the metadata protocol, repeatable [default: 0 to 7, js-waku's autosharding]",
        HelpName = "n",
    };

    public override string Noun => "server";

    public override string? Verb => "run";

    public override string Description => "Run a Waku store node (Store v3, LightPush v3, Metadata) until Ctrl-C";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr server run", "Serve on 127.0.0.1 (TCP 60000, WebSocket 8000) with the store in $TCR_HOME/waku"),
        new("tcr server run --listen /ip4/0.0.0.0/tcp/60000 --store ./messages.db --retention-age 30d --json", "A public node keeping 30 days, its addresses as JSON"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_nodeKey);
        command.Options.Add(_listen);
        command.Options.Add(_store);
        command.Options.Add(_retentionAge);
        command.Options.Add(_retentionCount);
        command.Options.Add(_clusterId);
        command.Options.Add(_shards);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var home = Path.Combine(context.Environment.TcrHome, "waku");
        var keyPath = FullPath(context, context.Parse.GetValue(_nodeKey)) ?? Path.Combine(home, "node.key");
        var storePath = FullPath(context, context.Parse.GetValue(_store)) ?? Path.Combine(home, "messages.db");
        var listen = context.Parse.GetValue(_listen) is { Length: > 0 } given ? given : ["/ip4/127.0.0.1/tcp/60000", "/ip4/127.0.0.1/tcp/8000/ws"];
        var retention = new MessageRetention
        {
            MaxAge = context.Parse.GetValue(_retentionAge) is { } age ? ParseAge(age) : null,
            MaxCount = context.Parse.GetValue(_retentionCount) is { } count
                ? count >= 1 ? count : throw CliException.Usage("retention-count", "--retention-count must be 1 or more; give the number of messages to keep.")
                : null,
        };
        var addresses = listen.Select(text => MessageCommands.ParseAddress(text, "--listen")).ToList();

        using var key = NodeKeyFile.LoadOrCreate(keyPath);
        await using var store = SqliteMessageStore.Open(storePath);
        var options = new WakuServiceOptions { ClusterId = context.Parse.GetValue(_clusterId) };
        foreach (var shard in context.Parse.GetValue(_shards) is { Length: > 0 } shards ? shards : [0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u])
        {
            options.Shards.Add(shard);
        }

        await using var host = new Libp2pHost(key);
        host.AddWakuStoreNode(new WakuStoreNode(store, options));
        var bound = new List<string>();
        foreach (var address in addresses)
        {
            try
            {
                bound.Add((await host.ListenAsync(address, cancellationToken).ConfigureAwait(false)).ToString());
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or Libp2pException)
            {
                throw CliException.Configuration("listen-failed", $"Could not listen on {address}: {ex.Message}; choose another address or port with --listen.", ex);
            }
        }

        var report = new ServerRunReport(
            host.PeerId.ToString(), bound, storePath, await store.CountAsync(cancellationToken).ConfigureAwait(false),
            [WakuProtocols.StoreQuery, WakuProtocols.LightPush, WakuProtocols.LightPushV2Beta1, WakuProtocols.Metadata]);
        context.Output.BeginStream();
        context.Output.StreamItem(report, WakuCliJsonContext.Default.ServerRunReport, view =>
        {
            view.Properties(
                ("Peer id", report.PeerId),
                ("Store", $"{report.Store} ({report.StoredMessages.ToString("N0", CultureInfo.InvariantCulture)} messages)"),
                ("Protocols", string.Join(", ", report.Protocols)));
            foreach (var address in report.Addresses)
            {
                view.Line("Listening on " + address);
            }

            view.Line("Ctrl-C stops the node.");
        });

        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
            do
            {
                if (retention.MaxAge is not null || retention.MaxCount is not null)
                {
                    await store.ApplyRetentionAsync(retention, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the host and the store close below, after every acknowledged message was committed.
        }
    }

    private static string? FullPath(CommandContext context, string? path) =>
        path is null ? null : Path.GetFullPath(path, context.Environment.CurrentDirectory);

    private static TimeSpan ParseAge(string text)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }

        throw CliException.Usage("retention-age", $"--retention-age '{text}' is not an age; give a number with s, m, h or d, such as 30d.");
    }
}
