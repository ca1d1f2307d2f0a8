using System.Text.Json.Serialization;

namespace TcrToolkit.Cli.Commands.Server;

/// <summary>The <c>--json</c> result of <c>tcr message push</c>.</summary>
/// <param name="Hash">The message's deterministic hash (0x…), its key in every store.</param>
/// <param name="PubsubTopic">The pubsub topic.</param>
/// <param name="ContentTopic">The content topic.</param>
/// <param name="Timestamp">The message timestamp in Unix nanoseconds.</param>
internal sealed record MessagePushReport(string Hash, string PubsubTopic, string ContentTopic, long Timestamp);

/// <summary>One message of <c>tcr message query</c> (one NDJSON line under <c>--json</c>).</summary>
/// <param name="Hash">The deterministic hash (0x…).</param>
/// <param name="PubsubTopic">The pubsub topic.</param>
/// <param name="ContentTopic">The content topic.</param>
/// <param name="Timestamp">Unix nanoseconds.</param>
/// <param name="Payload">The payload as UTF-8 text when it is valid UTF-8, else null.</param>
/// <param name="PayloadHex">The payload as 0x hex.</param>
internal sealed record MessageQueryItem(string Hash, string PubsubTopic, string ContentTopic, long Timestamp, string? Payload, string PayloadHex);

/// <summary>Source-generated JSON for the Waku commands, with the same conventions as the other commands.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(MessagePushReport))]
[JsonSerializable(typeof(MessageQueryItem))]
internal sealed partial class WakuCliJsonContext : JsonSerializerContext;
