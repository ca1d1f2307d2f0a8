using System.Text.Json.Serialization;

namespace TcrToolkit.Cli.Commands.MailServers;

/// <summary>One candidate mail server as <c>tcr servers</c> shows it.</summary>
/// <param name="NodeId">Its discovery node id, which is its registry listing key.</param>
/// <param name="Verdict"><c>trusted</c> (listed now, kept in the pool) or <c>discarded</c>.</param>
/// <param name="Reason">Why: listed in the registry, not in the registry, its stage, another key answered, evicted by an event.</param>
/// <param name="Source">Where it was found: <c>bootnode</c>, <c>registry</c> (a listed node id resolved in discovery) or <c>random walk</c>.</param>
/// <param name="RoundTripMs">Milliseconds of a libp2p ping (trusted servers, after the identity check) or a discovery ping (others); null when it did not answer.</param>
/// <param name="Addresses">Its libp2p addresses from its record.</param>
/// <param name="Enr">Its record.</param>
internal sealed record ServerCandidateView(string NodeId, string Verdict, string Reason, string Source, double? RoundTripMs, IReadOnlyList<string> Addresses, string? Enr);

/// <summary>The <c>--json</c> result of <c>tcr servers</c>.</summary>
/// <param name="Block">The newest block the registry mirror had read when the verdicts were given.</param>
/// <param name="Listed">How many node ids the registry trusts now.</param>
/// <param name="Candidates">Every mail-server record met, trusted first.</param>
internal sealed record ServersResult(ulong Block, int Listed, IReadOnlyList<ServerCandidateView> Candidates);

/// <summary>One line of <c>tcr servers --watch</c> after the table: a server joined or left the pool.</summary>
/// <param name="Event"><c>added</c> or <c>evicted</c>.</param>
/// <param name="NodeId">The server.</param>
/// <param name="Reason">For evictions, the removal event and its block (or the trust loss).</param>
/// <param name="Block">The chain's head as the client knew it when the pool changed: an eviction at the removal's own block is "within a block".</param>
/// <param name="Time">When the pool changed (ISO 8601, UTC, milliseconds).</param>
internal sealed record ServerPoolEvent(string Event, string NodeId, string? Reason, ulong Block, string Time);

/// <summary>One message of <c>tcr history</c>.</summary>
/// <param name="Hash">The deterministic message hash.</param>
/// <param name="ContentTopic">The content topic.</param>
/// <param name="Timestamp">Unix nanoseconds.</param>
/// <param name="Payload">The payload as UTF-8 text, or null when it is not valid UTF-8.</param>
/// <param name="PayloadHex">The payload as 0x hex.</param>
internal sealed record HistoryMessageView(string Hash, string ContentTopic, long Timestamp, string? Payload, string PayloadHex);

/// <summary>What one trusted server answered to <c>tcr history</c>.</summary>
/// <param name="NodeId">The server.</param>
/// <param name="Returned">Distinct messages it returned.</param>
/// <param name="Missing">Messages other servers returned that it did not.</param>
/// <param name="OnlyHere">Messages no other server returned.</param>
/// <param name="Disagreed">True when it missed messages or had ones no other server had.</param>
internal sealed record HistoryServerView(string NodeId, int Returned, int Missing, int OnlyHere, bool Disagreed);

/// <summary>The <c>--json</c> result of <c>tcr history</c>.</summary>
/// <param name="PubsubTopic">The pubsub topic asked.</param>
/// <param name="From">Start of the range (inclusive), ISO 8601.</param>
/// <param name="To">End of the range (exclusive), ISO 8601.</param>
/// <param name="Servers">One entry per trusted server that answered.</param>
/// <param name="Messages">The merged history: unique by hash, by (timestamp, hash).</param>
internal sealed record HistoryResult(string PubsubTopic, string From, string To, IReadOnlyList<HistoryServerView> Servers, IReadOnlyList<HistoryMessageView> Messages);

/// <summary>The <c>--json</c> result of <c>tcr message send</c>.</summary>
/// <param name="Hash">The message hash.</param>
/// <param name="PubsubTopic">The pubsub topic.</param>
/// <param name="ContentTopic">The content topic.</param>
/// <param name="Timestamp">Unix nanoseconds.</param>
/// <param name="AcceptedBy">The node ids of the trusted servers that stored it.</param>
internal sealed record MessageSendResult(string Hash, string PubsubTopic, string ContentTopic, long Timestamp, IReadOnlyList<string> AcceptedBy);

/// <summary>The registry's view of a server at start (<c>tcr server run</c>).</summary>
/// <param name="Checked">Whether the registry was read (a network was given).</param>
/// <param name="Listed">Whether it is trusted (listed or exiting) now; null when not checked.</param>
/// <param name="Status">The listing's status, or why it could not be read.</param>
internal sealed record ServerRegistryView(bool Checked, bool? Listed, string Status);

/// <summary>The <c>--json</c> line <c>tcr server run</c> writes once it serves.</summary>
/// <param name="NodeId">The node id: discovery identity and registry listing key.</param>
/// <param name="PeerId">The libp2p peer id of the same key.</param>
/// <param name="Enr">The record advertised in discovery (waku2 store and lightpush bits, addresses).</param>
/// <param name="Discovery">The UDP endpoint discovery listens on.</param>
/// <param name="Addresses">The libp2p addresses, each ending in <c>/p2p/&lt;peer id&gt;</c>.</param>
/// <param name="Store">The message store file.</param>
/// <param name="StoredMessages">Messages in the store at start.</param>
/// <param name="Protocols">The Waku protocols served.</param>
/// <param name="Registry">Whether the registry lists it.</param>
internal sealed record MailServerRunReport(
    string NodeId, string PeerId, string Enr, string Discovery, IReadOnlyList<string> Addresses, string Store, long StoredMessages,
    IReadOnlyList<string> Protocols, ServerRegistryView Registry);

/// <summary>Source-generated JSON for the mail-server commands, with the conventions of the other commands.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ServersResult))]
[JsonSerializable(typeof(ServerPoolEvent))]
[JsonSerializable(typeof(HistoryResult))]
[JsonSerializable(typeof(MessageSendResult))]
[JsonSerializable(typeof(MailServerRunReport))]
internal sealed partial class MailServerJsonContext : JsonSerializerContext;
