using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Commands.Message;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.Cli.Commands.MailServers;

/// <summary>
/// <c>tcr history</c>: fetches the messages of content topics in a time range from trusted mail servers only, merged
/// (unique by hash, by time), with what each server returned and which disagreed.
/// </summary>
internal sealed class HistoryCommand : TcrCommand
{
    private readonly MailServerClientCliOptions _client = new();

    private readonly Option<string[]> _topics = new("--topic")
    {
        Description = "A content topic, /application/version/name/encoding (repeatable; the pubsub topic is the first one's autosharded topic)",
        HelpName = "topic",
        Required = true,
    };

    private readonly Option<string> _pubsubTopic = MessageCommands.PubsubTopicOption(required: true);
    private readonly Option<DateTimeOffset?> _from = new("--from") { Description = "Messages at or after this time, ISO 8601 [default: 24 hours ago]", HelpName = "time" };
    private readonly Option<DateTimeOffset?> _to = new("--to") { Description = "Messages before this time, ISO 8601 [default: now, plus the stores' 20 s clock allowance]", HelpName = "time" };

    private readonly Option<int> _servers = new("--servers")
    {
        Description = "How many distinct trusted servers to ask; their answers are merged",
        HelpName = "n",
        DefaultValueFactory = _ => 2,
    };

    public override string Noun => "history";

    public override string? Verb => null;

    public override string Description => "Fetch a topic's history from trusted mail servers, merged, with each server's count";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr history --topic /tcr/1/chat/proto --bootnode enr:-Iu4QG…", "The last 24 hours, merged from two trusted servers"),
        new("tcr history --topic /tcr/1/chat/proto --from 2026-12-01T00:00:00Z --servers 3 --json", "Since 1 December from three servers, as JSON"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_topics);
        command.Options.Add(_pubsubTopic);
        command.Options.Add(_from);
        command.Options.Add(_to);
        command.Options.Add(_servers);
        _client.AddTo(command);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var topics = context.Parse.GetValue(_topics) ?? [];
        var pubsubTopic = context.Parse.GetValue(_pubsubTopic) ?? MessageCommands.AutoshardedPubsubTopic(topics[0]);
        var to = context.Parse.GetValue(_to) ?? DateTimeOffset.UtcNow.AddSeconds(20);
        var from = context.Parse.GetValue(_from) ?? to.AddDays(-1);
        if (to < from)
        {
            throw CliException.Usage("bad-range", $"--to ({to:O}) is before --from ({from:O}); give a range that starts before it ends.");
        }

        var servers = context.Parse.GetValue(_servers);
        if (servers is < 1 or > 16)
        {
            throw CliException.Usage("bad-servers", "--servers must be between 1 and 16; give how many trusted servers to ask.");
        }

        var session = await _client.StartAsync(context, cancellationToken, servers).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await session.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            TcrToolkit.MailServers.History.MergedHistory<TcrToolkit.Waku.Store.StoredMessage> merged;
            try
            {
                merged = await session.Client.FetchHistoryAsync(pubsubTopic, topics, from, to, cancellationToken).ConfigureAwait(false);
            }
            catch (NoTrustedMailServerException ex)
            {
                throw MailServerErrors.NoServer(ex);
            }

            var result = new HistoryResult(
                pubsubTopic, from.ToString("O", CultureInfo.InvariantCulture), to.ToString("O", CultureInfo.InvariantCulture),
                [.. merged.Servers.Select(s => new HistoryServerView(s.Server.ToString(), s.Returned, s.Missing, s.OnlyHere, s.Disagreed))],
                [.. merged.Messages.Select(m =>
                {
                    var item = MessageCommands.ToItem(m.Message);
                    return new HistoryMessageView(item.Hash, item.ContentTopic, item.Timestamp, item.Payload, item.PayloadHex);
                })]);
            context.Output.Result(result, MailServerJsonContext.Default.HistoryResult, view =>
            {
                foreach (var server in result.Servers)
                {
                    view.Line($"server {ServersCommand.Short(server.NodeId)}: {server.Returned} message(s)"
                        + (server.Disagreed ? $", DISAGREES: missing {server.Missing}, only here {server.OnlyHere}" : ", agrees"));
                }

                view.Line($"{result.Messages.Count} message(s), merged:");
                foreach (var message in result.Messages)
                {
                    var time = DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp / 1_000_000L).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
                    view.Line($"  {time}  {message.ContentTopic}  {message.Payload ?? message.PayloadHex}  {message.Hash[..12]}…");
                }
            });
        }
    }
}

/// <summary>The one-sentence errors of the mail-server client commands.</summary>
internal static class MailServerErrors
{
    public static CliException NoServer(NoTrustedMailServerException error) => CliException.Refused(
        "no-trusted-server",
        $"{error.Message.TrimEnd('.')}{(error.InnerException is { } inner ? $" ({inner.Message.TrimEnd('.')})" : "")}; give a --bootnode of the mail servers' network, or check that the registry lists a running server.");
}
