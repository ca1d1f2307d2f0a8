namespace TcrToolkit.Cli.Commands.Watch;

/// <summary>One line of <c>tcr watch --json</c> (NDJSON: one such object per line).</summary>
/// <param name="Kind">added, or retracted when a reorganisation removed an event printed earlier.</param>
/// <param name="Event">The registry event: Applied, Challenged, Listed, ChallengeSucceeded…</param>
/// <param name="Block">The block number.</param>
/// <param name="BlockHash">The block hash.</param>
/// <param name="LogIndex">The log's index in the block.</param>
/// <param name="TransactionHash">The transaction that emitted it.</param>
/// <param name="Time">The block's timestamp (Unix seconds).</param>
/// <param name="NodeId">The listing it concerns; null for ParameterSet.</param>
/// <param name="Owner">The listing's owner, for events that name it; otherwise null.</param>
/// <param name="Args">Every argument by name: integers (token amounts in base units) as decimal strings, addresses EIP-55, bytes as 0x hex.</param>
internal sealed record WatchEventLine(
    string Kind, string Event, ulong Block, string BlockHash, ulong LogIndex, string TransactionHash, ulong Time, string? NodeId, string? Owner,
    IReadOnlyDictionary<string, string> Args);
