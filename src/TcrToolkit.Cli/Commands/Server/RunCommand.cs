using System.CommandLine;
using System.Globalization;
using System.Net;
using TcrToolkit.Cli.Commands.Discovery;
using TcrToolkit.Cli.Commands.MailServers;
using TcrToolkit.Cli.Commands.Message;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Server;
using TcrToolkit.Registry;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Cli.Commands.Server;

/// <summary>
/// <c>tcr server run</c>: a mail server on <see cref="MailServerHost"/>. One node key is its Discovery v5 identity, its
/// libp2p peer id and its registry listing; it serves Store v3 and LightPush from a SQLite store with retention,
/// advertises itself in discovery (the <c>waku2</c> store and lightpush bits, its addresses), prints its node id, record,
/// addresses and whether the registry lists it, and runs until Ctrl-C.
/// </summary>
internal sealed class RunCommand : TcrCommand
{
    private readonly Option<string?> _nodeKey = new("--node-key")
    {
        Description = "File holding the node key (64 hex digits, as `tcr listing proof --node-key` reads it): discovery, libp2p and registry identity; created on first run [default: $TCR_HOME/waku/node.key]",
        HelpName = "file",
    };

    private readonly Option<string[]> _listen = new("--listen")
    {
        Description = "libp2p multiaddr to listen on, repeatable [default: /ip4/127.0.0.1/tcp/60000 and /ip4/127.0.0.1/tcp/8000/ws]",
        HelpName = "multiaddr",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _discovery = new("--discovery")
    {
        Description = "The UDP address and port discovery listens on",
        HelpName = "ip:port",
        DefaultValueFactory = _ => "127.0.0.1:9000",
    };

    private readonly Option<string[]> _bootnodes = new("--bootnode")
    {
        Description = "A discovery node to join through, as its enr: text (repeatable)",
        HelpName = "enr",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _store = new("--store")
    {
        Description = "The SQLite message store file [default: $TCR_HOME/waku/messages.db]",
        HelpName = "file",
    };

    private readonly Option<string?> _retentionAge = new("--retention-age")
    {
        Description = "Delete messages older than this: a number with s, m, h or d, such as 30d [default: 30d]",
        HelpName = "age",
    };

    private readonly Option<long?> _retentionCount = new("--retention-count")
    {
        Description = "Keep only the newest this many messages [default: 10,000,000]",
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

    public override string Description => "Run a mail server: Store and LightPush, advertised in Discovery v5, one node key for discovery, libp2p and the registry";

    public override bool IsForeground => true;

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr server run --node-key ./node.key", "Serve on 127.0.0.1 (TCP 60000, WebSocket 8000, discovery UDP 9000); prints node id, enr and addresses"),
        new("tcr server run --node-key ./node.key --bootnode enr:-Iu4QG… --network devnet --json", "Join through a bootnode and say whether the devnet registry lists it, as JSON"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_nodeKey);
        command.Options.Add(_listen);
        command.Options.Add(_discovery);
        command.Options.Add(_bootnodes);
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
        foreach (var text in listen)
        {
            MessageCommands.ParseAddress(text, "--listen");
        }

        var discoveryText = context.Parse.GetValue(_discovery)!;
        if (!IPEndPoint.TryParse(discoveryText, out var discovery))
        {
            throw CliException.Usage("bad-discovery", $"--discovery '{(discoveryText.Length <= 40 ? discoveryText : discoveryText[..12] + "…")}' is not an ip:port; give one such as 127.0.0.1:9000.");
        }

        var bootnodes = (context.Parse.GetValue(_bootnodes) ?? []).Select(text => DiscoveryNodeOptions.ParseRecord(text, "--bootnode")).ToList();
        var retention = new MessageRetention
        {
            MaxAge = context.Parse.GetValue(_retentionAge) is { } age ? ParseAge(age) : TimeSpan.FromDays(30),
            MaxCount = context.Parse.GetValue(_retentionCount) is { } count
                ? count >= 1 ? count : throw CliException.Usage("retention-count", "--retention-count must be 1 or more; give the number of messages to keep.")
                : 10_000_000,
        };
        var shards = context.Parse.GetValue(_shards) is { Length: > 0 } given2 ? given2 : [0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u];
        var checksRegistry = context.Parse.GetResult(GlobalOptions.Network) is not null || context.Parse.GetResult(GlobalOptions.Rpc) is not null
            || context.Parse.GetResult(GlobalOptions.Manifest) is not null || context.Environment.GetNonBlank(CliEnvironment.NetworkVariable) is not null
            || context.Environment.GetNonBlank(CliEnvironment.RpcUrlVariable) is not null || context.Environment.GetNonBlank(CliEnvironment.ManifestVariable) is not null;

        using var key = File.Exists(keyPath) ? Listing.NodeKeyFile.Read(context, keyPath) : NodeKeyFile.LoadOrCreate(keyPath);
        var options = new MailServerHostOptions
        {
            NodeKey = key, StorePath = storePath, DiscoveryEndPoint = discovery, Retention = retention,
        };
        options.ListenAddresses.Clear();
        foreach (var text in listen)
        {
            options.ListenAddresses.Add(text);
        }

        foreach (var bootnode in bootnodes)
        {
            options.Bootnodes.Add(bootnode);
        }

        options.Waku.ClusterId = context.Parse.GetValue(_clusterId);
        foreach (var shard in shards)
        {
            options.Waku.Shards.Add(shard);
        }

        MailServerHost host;
        try
        {
            host = await MailServerHost.StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or Libp2p.Libp2pException)
        {
            throw CliException.Configuration("listen-failed", $"The mail server could not listen ({ex.Message.TrimEnd('.')}); choose other addresses or ports with --listen and --discovery.", ex);
        }

        await using (host.ConfigureAwait(false))
        {
            var registry = checksRegistry
                ? await CheckRegistryAsync(context, host.NodeId, cancellationToken).ConfigureAwait(false)
                : new ServerRegistryView(false, null, "not checked (give --network, --rpc or --manifest to check)");
            var health = await host.GetHealthAsync(cancellationToken).ConfigureAwait(false);
            var report = new MailServerRunReport(
                host.NodeId.ToString(), host.PeerId.ToString(), host.Record.ToString(), host.Discovery.LocalEndPoint.ToString(),
                [.. host.ListenAddresses.Select(a => a.ToString())], storePath, health.StoredMessages,
                [WakuProtocols.StoreQuery, WakuProtocols.LightPush, WakuProtocols.LightPushV2Beta1, WakuProtocols.Metadata], registry);
            context.Output.BeginStream();
            context.Output.StreamItem(report, MailServerJsonContext.Default.MailServerRunReport, view =>
            {
                view.Properties(
                    ("Node id", report.NodeId),
                    ("Peer id", report.PeerId),
                    ("ENR", report.Enr),
                    ("Discovery", report.Discovery + " (UDP; waku2 store, lightpush)"),
                    ("Store", $"{report.Store} ({report.StoredMessages.ToString("N0", CultureInfo.InvariantCulture)} messages)"),
                    ("Registry", registry.Checked ? (registry.Listed == true ? "listed: " : "not listed: ") + registry.Status : registry.Status));
                foreach (var address in report.Addresses)
                {
                    view.Line("Listening on " + address);
                }

                view.Line("Ctrl-C stops the server.");
            });

            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: a clean stop, exit 0. The host closes discovery, libp2p and then the store, every acknowledged message committed.
            }
        }
    }

    /// <summary>A read-only registry check; a failure is reported in the output, and the server serves anyway.</summary>
    private static async Task<ServerRegistryView> CheckRegistryAsync(CommandContext context, Bytes32 nodeId, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
            var reader = new RegistryReader(connection);
            var trusted = await reader.IsTrustedAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var view = await reader.GetListingAsync(nodeId, null, cancellationToken).ConfigureAwait(false);
            return new ServerRegistryView(true, trusted, view.Status);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ErrorTranslator.Translate(ex, context.Command.DisplayName, context.ResolvedNetworkOrNull, null, streaming: false);
            return new ServerRegistryView(true, null, "unknown: " + error.Message);
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
