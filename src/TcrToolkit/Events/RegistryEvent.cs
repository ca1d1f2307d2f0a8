using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.Events;

/// <summary>Where a log sits in the chain: its block and its index in the block. Two logs are the same event exactly
/// when their ids are equal, so a log re-mined in another block after a reorganisation is a new event.</summary>
/// <param name="BlockHash">The including block's hash.</param>
/// <param name="LogIndex">The log's position in its block.</param>
public readonly record struct RegistryEventId(Bytes32 BlockHash, ulong LogIndex);

/// <summary>A block the stream has processed: its number and hash.</summary>
/// <param name="BlockNumber">The block number.</param>
/// <param name="BlockHash">The block hash, which commits to every earlier block.</param>
public readonly record struct RegistryCheckpoint(ulong BlockNumber, Bytes32 BlockHash)
{
    /// <inheritdoc/>
    public override string ToString() => $"block {BlockNumber} ({BlockHash})";
}

/// <summary>
/// One registry event: the generated event record (<see cref="Payload"/>, for example
/// <see cref="MailServerRegistry.ListedEvent"/>) in the envelope that places it in the chain (<see cref="Id"/>,
/// <see cref="Block"/>, <see cref="Log"/>). Switch on the payload's type to act on a kind of event.
/// </summary>
public sealed record RegistryEvent
{
    private static readonly ConcurrentDictionary<Type, (string Name, (string Name, PropertyInfo Property)[] Fields)> Shapes = new();

    // The first topic of every event of the bindings, found once from their records' Topic properties.
    private static readonly Dictionary<Bytes32, string> KnownTopics = typeof(MailServerRegistry).GetNestedTypes()
        .Where(t => t.IsSubclassOf(typeof(MailServerRegistry.Event)) && t.GetProperty("Topic", BindingFlags.Public | BindingFlags.Static) is not null)
        .ToDictionary(t => (Bytes32)t.GetProperty("Topic", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!, t => ShapeOf(t).Name);

    private RegistryEvent(Log log, MailServerRegistry.Event payload)
    {
        Log = log;
        Payload = payload;
        (NodeId, Owner) = Subject(payload);
    }

    /// <summary>The decoded event, as the generated bindings describe it.</summary>
    public MailServerRegistry.Event Payload { get; }

    /// <summary>The log as the node reported it.</summary>
    public Log Log { get; }

    /// <summary>The identity used for exactly-once delivery: block hash and log index.</summary>
    public RegistryEventId Id => new(Log.BlockHash, Log.LogIndex);

    /// <summary>The including block.</summary>
    public RegistryCheckpoint Block => new(Log.BlockNumber, Log.BlockHash);

    /// <summary>The listing the event concerns; zero for events that name none (<c>ParameterSet</c>).</summary>
    public Bytes32 NodeId { get; }

    /// <summary>The listing's owner for events that name it, otherwise <c>null</c>.</summary>
    public Address? Owner { get; }

    /// <summary>The event's name in the contract, for example <c>Listed</c>.</summary>
    public string Name => ShapeOf(Payload.GetType()).Name;

    /// <summary>Whether the event takes the listing out of the registry (its node id is no longer trusted).</summary>
    public bool RemovesListing => Payload is MailServerRegistry.ListingRemovedEvent or MailServerRegistry.ApplicationRemovedEvent
        or MailServerRegistry.ExitedEvent or MailServerRegistry.TouchedAndRemovedEvent;

    /// <summary>
    /// The payload's fields by their Solidity name (<c>deposit</c>, <c>challengeId</c>, …), in declaration order, for
    /// generic display; code that acts on an event reads the payload's typed properties instead.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Arguments =>
        [.. ShapeOf(Payload.GetType()).Fields.Select(f => new KeyValuePair<string, object?>(f.Name, f.Property.GetValue(Payload)))];

    /// <summary>Decodes a log with the generated bindings, or returns <c>null</c> when it is not a registry event.</summary>
    /// <exception cref="AbiDecodingException">The first topic is a registry event's but the log does not decode.</exception>
    public static RegistryEvent? TryDecode(Log log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (MailServerRegistry.DecodeEvent(log) is { } payload)
        {
            return new RegistryEvent(log, payload);
        }

        // The bindings also return null for a registry event's topic with the wrong number of topics: refuse such a log.
        if (log.Topics.Count > 0 && KnownTopics.TryGetValue(log.Topics[0], out var name))
        {
            throw new AbiDecodingException($"A {name} log must have the topics of its indexed arguments; it has {log.Topics.Count}.", name, 0, null);
        }

        return null;
    }

    /// <summary>Formats an argument value from <see cref="Arguments"/> as text (hex for bytes, decimal for numbers).</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "",
        byte[] bytes => Hex.Encode(bytes),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Two events are equal when they are the same log.</summary>
    public bool Equals(RegistryEvent? other) => other is not null && Log.Equals(other.Log);

    /// <inheritdoc/>
    public override int GetHashCode() => Log.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"{Payload} at {Block} #{Log.LogIndex}";

    // The subject of each event that names a listing; an event added to the contract without a case here names none,
    // which a test catches by checking every generated event record that has a NodeId.
    private static (Bytes32 NodeId, Address? Owner) Subject(MailServerRegistry.Event payload) => payload switch
    {
        MailServerRegistry.AppliedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.ListedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.DepositedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.WithdrawnEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.ExitStartedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.ExitedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.ListingRemovedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.ApplicationRemovedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.TouchedAndRemovedEvent e => (e.NodeId, e.Owner),
        MailServerRegistry.ChallengedEvent e => (e.NodeId, null),
        MailServerRegistry.ChallengeSucceededEvent e => (e.NodeId, null),
        MailServerRegistry.ChallengeFailedEvent e => (e.NodeId, null),
        MailServerRegistry.RewardClaimedEvent e => (e.NodeId, null),
        _ => (Bytes32.Zero, null),
    };

    private static (string Name, (string Name, PropertyInfo Property)[] Fields) ShapeOf(Type type) => Shapes.GetOrAdd(type, static t =>
    {
        var name = t.Name.EndsWith("Event", StringComparison.Ordinal) ? t.Name[..^"Event".Length] : t.Name;
        // The positional parameters of the record's constructor, in order: its fields as the contract declares them.
        var constructor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var fields = constructor.GetParameters()
            .Select(p => (Name: char.ToLowerInvariant(p.Name![0]) + p.Name[1..], Property: t.GetProperty(p.Name!)!))
            .ToArray();
        return (name, fields);
    });
}

/// <summary>What a <see cref="RegistryUpdate"/> reports.</summary>
public enum RegistryUpdateKind
{
    /// <summary>A new event on the canonical chain.</summary>
    Added,

    /// <summary>
    /// An event delivered earlier whose block left the canonical chain: undo it. Retractions come newest first, before
    /// the events of the new chain.
    /// </summary>
    Retracted,

    /// <summary>Every block up to <see cref="RegistryUpdate.Checkpoint"/> has been delivered.</summary>
    Progress,
}

/// <summary>One item of a registry event stream.</summary>
/// <param name="Kind">Added, retracted, or a progress mark.</param>
/// <param name="Event">The event, for <see cref="RegistryUpdateKind.Added"/> and <see cref="RegistryUpdateKind.Retracted"/>.</param>
/// <param name="Checkpoint">The last block fully delivered (for a retraction: the newest block still canonical).</param>
/// <param name="Head">The chain head the stream had seen when it produced the update.</param>
public sealed record RegistryUpdate(RegistryUpdateKind Kind, RegistryEvent? Event, RegistryCheckpoint Checkpoint, ulong Head);
