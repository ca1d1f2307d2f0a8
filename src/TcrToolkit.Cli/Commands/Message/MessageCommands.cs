using System.CommandLine;
using System.Text;
using Google.Protobuf;
using TcrToolkit.Cli.Commands.Server;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Libp2p;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Cli.Commands.Message;

/// <summary>What <c>tcr message push</c> and <c>tcr message query</c> share: the peer option and the connection.</summary>
internal static class MessageCommands
{
    public static Option<string> PeerOption() => new("--peer")
    {
        Description = "The store node's multiaddr, ending in /p2p/<peer id> (as `tcr server run` prints)",
        HelpName = "multiaddr",
        Required = true,
    };

    public static Option<string> PubsubTopicOption(bool required) => new("--pubsub-topic")
    {
        Description = "The pubsub topic" + (required ? " [default: /waku/2/rs/1/<shard of the content topic>, js-waku's autosharding on cluster 1]" : ""),
        HelpName = "topic",
    };

    public static Multiaddr ParseAddress(string text, string option)
    {
        try
        {
            return Multiaddr.Parse(text);
        }
        catch (FormatException ex)
        {
            throw CliException.Usage("multiaddr", $"{option} '{text}' is not a multiaddr; give one such as /ip4/127.0.0.1/tcp/60000/p2p/16Uiu2….", ex);
        }
    }

    public static async Task<(Libp2pHost Host, WakuClient Client)> ConnectAsync(string peer, CancellationToken cancellationToken)
    {
        var address = ParseAddress(peer, "--peer");
        var key = Ethereum.PrivateKey.Generate();
        var host = new Libp2pHost(key);
        try
        {
            var connection = await host.DialAsync(address, cancellationToken).ConfigureAwait(false);
            return (host, new WakuClient(connection.StreamOpener()));
        }
        catch (Libp2pException ex)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw CliException.Configuration("peer-unreachable", $"Could not connect to {peer}: {ex.Message}; check the address and that the node runs.", ex);
        }
    }

    /// <summary>Turns a Waku failure into the CLI's one-sentence error.</summary>
    public static CliException Translate(WakuException error) => error switch
    {
        WakuRequestFailedException failed => CliException.Refused("waku-refused", $"The store node refused: {failed.StatusCode} {failed.StatusDescription}; fix the request and try again."),
        WakuProtocolViolationException violation => CliException.Refused("waku-violation", $"The store node's answer was rejected: {violation.Message} Try another node."),
        WakuTimeoutException timeout => CliException.Configuration("waku-timeout", timeout.Message + " Try again later or another node."),
        _ => CliException.Configuration("waku-failed", error.Message),
    };

    /// <summary>js-waku's autosharded pubsub topic (cluster 1, 8 shards): shard = sha256(application ‖ version) mod 8.</summary>
    public static string AutoshardedPubsubTopic(string contentTopic)
    {
        var parts = contentTopic.Split('/');
        if (parts.Length != 5 || parts[0].Length != 0)
        {
            throw CliException.Usage("content-topic", $"--content-topic '{contentTopic}' is not /application/version/name/encoding; give one such as /tcr/1/chat/proto, or give --pubsub-topic.");
        }

        var digest = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(parts[1] + parts[2]));
        var shard = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest.AsSpan(24)) % 8;
        return $"/waku/2/rs/1/{shard}";
    }

    public static MessageQueryItem ToItem(StoredMessage message)
    {
        string? text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(message.Message.Payload.Span);
        }
        catch (DecoderFallbackException)
        {
            text = null;
        }

        return new MessageQueryItem(
            "0x" + Convert.ToHexStringLower(message.Hash), message.PubsubTopic, message.Message.ContentTopic, message.Timestamp, text,
            "0x" + Convert.ToHexStringLower(message.Message.Payload.Span));
    }

    public static ByteString Payload(string text) => ByteString.CopyFromUtf8(text);
}
