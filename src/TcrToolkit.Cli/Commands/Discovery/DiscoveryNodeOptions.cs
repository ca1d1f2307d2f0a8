using System.CommandLine;
using System.Net;
using System.Text.Json.Serialization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Discovery;

/// <summary>The options every <c>tcr discovery</c> command shares: where the node listens and whom it asks first.</summary>
internal sealed class DiscoveryNodeOptions
{
    private readonly Option<string> _bind = new("--bind")
    {
        Description = "The UDP address and port to listen on [default: 127.0.0.1:0, a free loopback port]",
        HelpName = "ip:port",
        DefaultValueFactory = _ => "127.0.0.1:0",
    };

    private readonly Option<string[]> _bootnodes = new("--bootnode")
    {
        Description = "A node to start from, as its enr: text (repeatable)",
        HelpName = "enr",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _protocol = new("--protocol-id")
    {
        Description = "The discv5 protocol id: discv5, or d5waku for Waku's separate DHT",
        HelpName = "id",
        DefaultValueFactory = _ => "discv5",
    };

    private readonly Option<int> _timeout = new("--timeout")
    {
        Description = "Milliseconds to wait for each answer",
        HelpName = "ms",
        DefaultValueFactory = _ => 1000,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_bind);
        command.Options.Add(_bootnodes);
        command.Options.Add(_protocol);
        command.Options.Add(_timeout);
    }

    /// <summary>Starts a node with a fresh identity key (kept in memory only).</summary>
    public async Task<(Discv5Node Node, PrivateKey Key)> StartAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var bindText = context.Parse.GetValue(_bind)!;
        if (!IPEndPoint.TryParse(bindText, out var bind))
        {
            throw new CliException(ExitCode.Usage, "bad-bind", $"--bind '{bindText}' is not an ip:port; give one such as 127.0.0.1:9000 or [::]:9000.");
        }

        var key = PrivateKey.Generate();
        var options = new Discv5Options
        {
            PrivateKey = key,
            BindEndPoint = bind,
            ProtocolId = context.Parse.GetValue(_protocol)!,
            RequestTimeout = TimeSpan.FromMilliseconds(Math.Max(50, context.Parse.GetValue(_timeout))),
        };
        foreach (var text in context.Parse.GetValue(_bootnodes) ?? [])
        {
            options.Bootnodes.Add(ParseRecord(text, "--bootnode"));
        }

        try
        {
            return (await Discv5Node.StartAsync(options, cancellationToken).ConfigureAwait(false), key);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Net.Sockets.SocketException)
        {
            key.Dispose();
            throw new CliException(ExitCode.Configuration, "discovery-start-failed", $"The discovery node could not start ({ex.Message}); check --bind and --protocol-id.", ex);
        }
    }

    public static Enr ParseRecord(string text, string what)
    {
        try
        {
            return Enr.Parse(text);
        }
        catch (EnrFormatException ex)
        {
            throw new CliException(ExitCode.Usage, "bad-enr", $"{what} is not a valid node record: {ex.Reason} Give the enr: text a node prints.", ex);
        }
    }
}

/// <summary>A node record as <c>tcr discovery</c> prints it.</summary>
/// <param name="NodeId">keccak256 of the public key, 0x hex.</param>
/// <param name="Seq">The record's sequence number.</param>
/// <param name="Ip">IPv4 or IPv6 address, if any.</param>
/// <param name="Udp">UDP port, if any.</param>
/// <param name="Waku2">The Waku capabilities (relay, store, filter, lightpush), if advertised.</param>
/// <param name="Enr">The enr: text.</param>
internal sealed record DiscoveryRecordView(string NodeId, ulong Seq, string? Ip, int? Udp, string? Waku2, string Enr)
{
    public static DiscoveryRecordView Of(Enr record) => new(
        record.NodeId.ToString(), record.Sequence, (record.Ip ?? record.Ip6)?.ToString(), record.Udp ?? record.Udp6,
        record.Waku2?.ToString().ToLowerInvariant(), record.ToString());
}

/// <summary>The result of <c>tcr discovery ping</c>.</summary>
/// <param name="Node">The pinged node.</param>
/// <param name="EnrSeq">The sequence number it reported.</param>
/// <param name="ObservedEndpoint">Where it saw us.</param>
/// <param name="RoundTripMs">Milliseconds from PING to PONG, handshake included.</param>
internal sealed record DiscoveryPingResult(DiscoveryRecordView Node, ulong EnrSeq, string ObservedEndpoint, double RoundTripMs);

/// <summary>The result of <c>tcr discovery lookup</c>.</summary>
/// <param name="Target">The node id looked up.</param>
/// <param name="Found">Whether the network knew it.</param>
/// <param name="Record">Its newest record, when found.</param>
internal sealed record DiscoveryLookupResult(string Target, bool Found, DiscoveryRecordView? Record);

/// <summary>JSON metadata of the discovery results (kept beside the commands, so the shared context is untouched).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DiscoveryRecordView))]
[JsonSerializable(typeof(DiscoveryPingResult))]
[JsonSerializable(typeof(DiscoveryLookupResult))]
internal sealed partial class DiscoveryJsonContext : JsonSerializerContext;
