using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>The registry events clients follow; the names are those of the events in <c>IMailServerRegistry</c>.</summary>
public enum RegistryEventKind
{
    /// <summary>An application was made.</summary>
    Applied,

    /// <summary>An application or listing was challenged.</summary>
    Challenged,

    /// <summary>The owner added tokens to the deposit.</summary>
    Deposited,

    /// <summary>The owner took tokens out of the deposit.</summary>
    Withdrawn,

    /// <summary>An application became a trusted listing.</summary>
    Listed,

    /// <summary>An application was removed after losing a challenge.</summary>
    ApplicationRemoved,

    /// <summary>A listing was removed after losing a challenge.</summary>
    ListingRemoved,

    /// <summary>The owner started leaving.</summary>
    ExitStarted,

    /// <summary>The owner left the registry.</summary>
    Exited,

    /// <summary>A challenge found the deposit below the minimum: the entry was removed without a vote.</summary>
    TouchedAndRemoved,

    /// <summary>The challenger won.</summary>
    ChallengeSucceeded,

    /// <summary>The challenge was rejected.</summary>
    ChallengeFailed,

    /// <summary>A voter claimed its reward.</summary>
    RewardClaimed,

    /// <summary>The governor changed a registry parameter.</summary>
    ParameterSet,
}

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
/// One registry event, decoded with the registry ABI. A single record for every kind keeps the model small until the
/// generated bindings bring a type per event; <see cref="Kind"/>, <see cref="NodeId"/> and <see cref="Owner"/> cover
/// what followers act on, and <see cref="Arguments"/> holds every argument by name.
/// </summary>
public sealed record RegistryEvent
{
    private readonly AbiEvent _event;
    private DecodedEvent? _arguments;

    private RegistryEvent(EventShape shape, Log log)
    {
        Kind = shape.Kind;
        _event = shape.Event;
        Log = log;
        // Read once here from the topics, where the registry indexes them: followers ask for them on every event. The
        // arguments are not decoded: a stream holds its recent events for retractions, and they would be most of an
        // event's size. Decoded on demand.
        NodeId = shape.NodeIdTopic switch
        {
            > 0 => log.Topics[shape.NodeIdTopic],
            0 => Bytes32.Zero,
            _ => Arguments.Arguments[0].Value.AsBytes32(),
        };
        if (shape.OwnerTopic > 0)
        {
            Owner = new Address(log.Topics[shape.OwnerTopic].AsSpan()[12..]);
        }
        else if (shape.OwnerTopic < 0)
        {
            Owner = Arguments["owner"].AsAddress();
        }
    }

    /// <summary>The event kind.</summary>
    public RegistryEventKind Kind { get; }

    /// <summary>Every argument, by name (for example <c>Arguments["deposit"].AsUInt256()</c>); decoded on first use.</summary>
    public DecodedEvent Arguments => _arguments ??= _event.DecodeLog(Log.Topics, Log.Data.Span);

    /// <summary>The log as the node reported it.</summary>
    public Log Log { get; }

    /// <summary>The identity used for exactly-once delivery: block hash and log index.</summary>
    public RegistryEventId Id => new(Log.BlockHash, Log.LogIndex);

    /// <summary>The including block.</summary>
    public RegistryCheckpoint Block => new(Log.BlockNumber, Log.BlockHash);

    /// <summary>The listing the event concerns; zero for <see cref="RegistryEventKind.ParameterSet"/>.</summary>
    public Bytes32 NodeId { get; }

    /// <summary>The listing's owner for events that name it, otherwise <c>null</c>.</summary>
    public Address? Owner { get; }

    /// <summary>
    /// Decodes a registry log, or returns <c>null</c> when its first topic is not a registry event.
    /// </summary>
    /// <exception cref="AbiDecodingException">The topic is a registry event's but the log does not decode.</exception>
    public static RegistryEvent? TryDecode(Log log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Topics.Count == 0 || !Shapes.TryGetValue(log.Topics[0], out var shape))
        {
            return null;
        }

        if (shape is null)
        {
            // Another event of the registry's ABI: decoded only to refuse a malformed one, as it is not followed.
            RegistryAbi.Abi.DecodeLog(log.Topics, log.Data.Span);
            return null;
        }

        // Every check of a full decode, without building the argument values.
        shape.Event.ValidateLog(log.Topics, log.Data.Span);
        return new RegistryEvent(shape, log);
    }

    /// <summary>
    /// A <c>uint256</c> argument that is not indexed, read straight from the log data where the encoding puts it
    /// (the head word of its position), without decoding the other arguments.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The event has no such argument.</exception>
    public UInt256 GetUInt256(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var offset = 0;
        foreach (var parameter in _event.DataParameters)
        {
            if (parameter.Name == name && parameter.Type.Kind == AbiTypeKind.UInt && parameter.Type.HeadSize == 32)
            {
                // The log decoded when it was read, so the word is there and holds a valid value of its type.
                return UInt256.FromBigEndian(Log.Data.Span.Slice(offset, 32));
            }

            offset += parameter.Type.HeadSize;
        }

        return Arguments[name].AsUInt256();
    }

    /// <summary>The registry ABI's events by topic: the followed ones with where their node id and owner sit, the others <c>null</c>.</summary>
    private static Dictionary<Bytes32, EventShape?> Shapes => LazyShapes.Value;

    private static readonly Lazy<Dictionary<Bytes32, EventShape?>> LazyShapes = new(() =>
    {
        var shapes = new Dictionary<Bytes32, EventShape?>();
        foreach (var abiEvent in RegistryAbi.Abi.Events)
        {
            if (!abiEvent.Anonymous)
            {
                shapes[abiEvent.Topic] = null;
            }
        }

        var followed = RegistryAbi.FollowedEvents;
        for (var i = 0; i < followed.Count; i++)
        {
            shapes[followed[i].Topic] = EventShape.Of((RegistryEventKind)i, followed[i]);
        }

        return shapes;
    });

    /// <summary>Two events are equal when they are the same log of the same kind.</summary>
    public bool Equals(RegistryEvent? other) => other is not null && Kind == other.Kind && Log.Equals(other.Log);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Log);

    /// <inheritdoc/>
    public override string ToString() => $"{Arguments} at {Block} #{Log.LogIndex}";

    /// <summary>
    /// A followed event and the topics its node id and owner are read from: a topic index, 0 when the event has none,
    /// or -1 when the value is not a topic and is decoded from the arguments.
    /// </summary>
    private sealed record EventShape(RegistryEventKind Kind, AbiEvent Event, int NodeIdTopic, int OwnerTopic)
    {
        public static EventShape Of(RegistryEventKind kind, AbiEvent abiEvent)
        {
            var nodeIdTopic = kind == RegistryEventKind.ParameterSet ? 0 : -1;
            var ownerTopic = 0;
            var topic = 1;
            for (var i = 0; i < abiEvent.Inputs.Count; i++)
            {
                var input = abiEvent.Inputs[i];
                if (i == 0 && nodeIdTopic < 0 && input.Indexed && input.Type.CanonicalName == "bytes32")
                {
                    nodeIdTopic = topic;
                }

                if (input.Name == "owner" && ownerTopic == 0)
                {
                    ownerTopic = input.Indexed && input.Type.Kind == AbiTypeKind.Address ? topic : -1;
                }

                if (input.Indexed)
                {
                    topic++;
                }
            }

            return new EventShape(kind, abiEvent, nodeIdTopic, ownerTopic);
        }
    }
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
