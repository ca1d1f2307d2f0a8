using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Commands.Server;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Cli.Commands.Message;

/// <summary><c>tcr message query</c>: reads history from a store node with Store v3, every page checked strictly.</summary>
internal sealed class QueryCommand : TcrCommand
{
    private readonly Option<string> _peer = MessageCommands.PeerOption();
    private readonly Option<string> _pubsubTopic = MessageCommands.PubsubTopicOption(required: false);

    private readonly Option<string[]> _contentTopics = new("--content-topic")
    {
        Description = "A content topic to match, repeatable (the pubsub topic defaults to the first one's autosharded topic)",
        HelpName = "topic",
    };

    private readonly Option<DateTimeOffset?> _from = new("--from") { Description = "Only messages at or after this time (ISO 8601)", HelpName = "time" };
    private readonly Option<DateTimeOffset?> _to = new("--to") { Description = "Only messages before this time (ISO 8601)", HelpName = "time" };
    private readonly Option<string[]> _hashes = new("--hash") { Description = "Look up this message hash (0x…), repeatable", HelpName = "hash" };
    private readonly Option<bool> _backward = new("--backward") { Description = "Newest first (Store v3's default direction); otherwise oldest first" };

    private readonly Option<int> _pageSize = new("--page-size")
    {
        Description = "Messages per page (the server caps it, usually at 100)",
        DefaultValueFactory = _ => 100,
        HelpName = "n",
    };

    private readonly Option<int?> _limit = new("--limit") { Description = "Stop after this many messages", HelpName = "n" };

    public override string Noun => "message";

    public override string? Verb => "query";

    public override string Description => "Read message history from a Waku store node with Store v3";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr message query --peer /ip4/127.0.0.1/tcp/60000/p2p/16Uiu2… --content-topic /tcr/1/chat/proto", "Every message of a topic, oldest first"),
        new("tcr message query --peer … --content-topic /tcr/1/chat/proto --from 2026-12-01T00:00:00Z --backward --limit 20 --json", "The newest 20 since 1 December as NDJSON"),
        new("tcr message query --peer … --hash 0x64cc…fe05", "Look one message up by its hash"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_peer);
        command.Options.Add(_pubsubTopic);
        command.Options.Add(_contentTopics);
        command.Options.Add(_from);
        command.Options.Add(_to);
        command.Options.Add(_hashes);
        command.Options.Add(_backward);
        command.Options.Add(_pageSize);
        command.Options.Add(_limit);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var contentTopics = context.Parse.GetValue(_contentTopics) ?? [];
        var hashes = (context.Parse.GetValue(_hashes) ?? []).Select(ParseHash).ToList();
        var pubsubTopic = context.Parse.GetValue(_pubsubTopic)
            ?? (contentTopics.Length > 0 ? MessageCommands.AutoshardedPubsubTopic(contentTopics[0]) : null);
        var pageSize = context.Parse.GetValue(_pageSize);
        if (pageSize < 1)
        {
            throw CliException.Usage("page-size", "--page-size must be 1 or more; give the number of messages per page.");
        }

        var limit = context.Parse.GetValue(_limit);
        var query = new MessageQuery
        {
            PubsubTopic = hashes.Count > 0 ? null : pubsubTopic,
            ContentTopics = contentTopics,
            TimeStart = context.Parse.GetValue(_from) is { } from ? from.ToUnixTimeMilliseconds() * 1_000_000L : null,
            TimeEnd = context.Parse.GetValue(_to) is { } to ? to.ToUnixTimeMilliseconds() * 1_000_000L : null,
            MessageHashes = hashes,
            Forward = !context.Parse.GetValue(_backward),
            Limit = pageSize,
        };

        context.Output.BeginStream();
        var shown = 0;
        var (host, client) = await MessageCommands.ConnectAsync(context.Parse.GetValue(_peer)!, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            try
            {
                await foreach (var page in client.QueryAllAsync(query, cancellationToken).ConfigureAwait(false))
                {
                    var ordered = query.Forward ? page.Messages : page.Messages.Reverse();
                    foreach (var message in ordered)
                    {
                        if (shown == limit)
                        {
                            return;
                        }

                        var item = MessageCommands.ToItem(message);
                        context.Output.StreamItem(item, WakuCliJsonContext.Default.MessageQueryItem, view => view.Line(
                            $"{DateTimeOffset.FromUnixTimeMilliseconds(item.Timestamp / 1_000_000L).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)}  {item.ContentTopic}  {item.Payload ?? item.PayloadHex}  {item.Hash[..12]}…"));
                        shown++;
                    }
                }
            }
            catch (WakuException ex)
            {
                throw MessageCommands.Translate(ex);
            }
        }
    }

    private static byte[] ParseHash(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (hex.Length == 64 && hex.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(hex);
        }

        throw CliException.Usage("hash", $"--hash '{(text.Length <= 20 ? text : text[..12] + "…")}' is not a 32-byte message hash; give 0x and 64 hex digits.");
    }
}
