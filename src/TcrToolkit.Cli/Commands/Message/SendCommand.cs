using System.CommandLine;
using TcrToolkit.Cli.Commands.MailServers;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.Waku.Messages;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.Cli.Commands.Message;

/// <summary>
/// <c>tcr message send</c>: publishes one message with LightPush through trusted mail servers only (found in discovery,
/// verified against the registry mirror), as <c>tcr message push</c> does through one given peer.
/// </summary>
internal sealed class SendCommand : TcrCommand
{
    private readonly MailServerClientCliOptions _client = new();

    private readonly Option<string> _topic = new("--topic")
    {
        Description = "The content topic, /application/version/name/encoding",
        HelpName = "topic",
        Required = true,
    };

    private readonly Option<string> _pubsubTopic = MessageCommands.PubsubTopicOption(required: true);

    private readonly Option<int> _servers = new("--servers")
    {
        Description = "How many distinct trusted servers to push it to (they store it; they do not relay)",
        HelpName = "n",
        DefaultValueFactory = _ => 2,
    };

    private readonly Argument<string> _payload = new("payload") { Description = "The payload, as UTF-8 text" };

    public override string Noun => "message";

    public override string? Verb => "send";

    public override string Description => "Publish a message through trusted mail servers (LightPush), found in discovery and checked against the registry";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr message send --topic /tcr/1/chat/proto --bootnode enr:-Iu4QG… 'hello'", "Store 'hello' on two trusted mail servers; prints its hash"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_topic);
        command.Options.Add(_pubsubTopic);
        command.Options.Add(_servers);
        command.Arguments.Add(_payload);
        _client.AddTo(command);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var contentTopic = context.Parse.GetValue(_topic)!;
        var pubsubTopic = context.Parse.GetValue(_pubsubTopic) ?? MessageCommands.AutoshardedPubsubTopic(contentTopic);
        var servers = context.Parse.GetValue(_servers);
        if (servers is < 1 or > 16)
        {
            throw CliException.Usage("bad-servers", "--servers must be between 1 and 16; give how many trusted servers to push to.");
        }

        var session = await _client.StartAsync(context, cancellationToken, servers).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await session.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            var message = new WakuMessage
            {
                Payload = MessageCommands.Payload(context.Parse.GetValue(_payload)!),
                ContentTopic = contentTopic,
                Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L,
            };
            IReadOnlyList<(TcrToolkit.Ethereum.Bytes32 Server, TcrToolkit.Waku.LightPushResult Result)> accepted;
            try
            {
                accepted = await session.Client.PublishAsync(pubsubTopic, message, cancellationToken).ConfigureAwait(false);
            }
            catch (NoTrustedMailServerException ex)
            {
                throw MailServerErrors.NoServer(ex);
            }

            var result = new MessageSendResult(
                "0x" + Convert.ToHexStringLower(WakuMessageHash.Compute(pubsubTopic, message)), pubsubTopic, contentTopic, message.Timestamp,
                [.. accepted.Select(a => a.Server.ToString())]);
            context.Output.Result(result, MailServerJsonContext.Default.MessageSendResult, view =>
            {
                view.Properties(("Hash", result.Hash), ("Pubsub topic", result.PubsubTopic), ("Content topic", result.ContentTopic));
                foreach (var server in result.AcceptedBy)
                {
                    view.Line($"stored by trusted server {ServersCommand.Short(server)}");
                }
            });
        }
    }
}
