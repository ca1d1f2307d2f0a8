using System.CommandLine;
using TcrToolkit.Cli.Commands.Server;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Messages;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.Cli.Commands.Message;

/// <summary><c>tcr message push</c>: publishes one message to a store node with LightPush v3.</summary>
internal sealed class PushCommand : TcrCommand
{
    private readonly Option<string> _peer = MessageCommands.PeerOption();
    private readonly Option<string> _pubsubTopic = MessageCommands.PubsubTopicOption(required: true);

    private readonly Option<string> _contentTopic = new("--content-topic")
    {
        Description = "The content topic, /application/version/name/encoding",
        HelpName = "topic",
        Required = true,
    };

    private readonly Argument<string> _payload = new("payload") { Description = "The payload, as UTF-8 text" };

    public override string Noun => "message";

    public override string? Verb => "push";

    public override string Description => "Publish a message to a Waku store node with LightPush v3";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr message push --peer /ip4/127.0.0.1/tcp/60000/p2p/16Uiu2… --content-topic /tcr/1/chat/proto 'hello'", "Push one text message; prints its hash"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_peer);
        command.Options.Add(_pubsubTopic);
        command.Options.Add(_contentTopic);
        command.Arguments.Add(_payload);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var contentTopic = context.Parse.GetValue(_contentTopic)!;
        var pubsubTopic = context.Parse.GetValue(_pubsubTopic) ?? MessageCommands.AutoshardedPubsubTopic(contentTopic);
        var message = new WakuMessage
        {
            Payload = MessageCommands.Payload(context.Parse.GetValue(_payload)!),
            ContentTopic = contentTopic,
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L,
        };
        var (host, client) = await MessageCommands.ConnectAsync(context.Parse.GetValue(_peer)!, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            try
            {
                await client.PushAsync(pubsubTopic, message, cancellationToken).ConfigureAwait(false);
            }
            catch (WakuException ex)
            {
                throw MessageCommands.Translate(ex);
            }
        }

        var report = new MessagePushReport("0x" + Convert.ToHexStringLower(WakuMessageHash.Compute(pubsubTopic, message)), pubsubTopic, contentTopic, message.Timestamp);
        context.Output.Result(report, WakuCliJsonContext.Default.MessagePushReport, view => view.Properties(
            ("Hash", report.Hash), ("Pubsub topic", report.PubsubTopic), ("Content topic", report.ContentTopic)));
    }
}
