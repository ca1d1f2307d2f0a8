using System.Text;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// A contract event: its topic, log encoding and decoding, and <c>eth_getLogs</c> topic filters. Indexed value
/// types are topics holding their 32-byte encoding; indexed <c>bytes</c>, <c>string</c>, arrays and tuples are topics
/// holding the Keccak-256 hash of their in-place encoding (Solidity ABI spec, "Encoding of indexed event
/// parameters"), so they decode to that hash, not to the value.
/// </summary>
public sealed class AbiEvent : AbiMember
{
    /// <summary>Creates an event.</summary>
    /// <exception cref="AbiFormatException">More parameters are indexed than the log has topics for.</exception>
    public AbiEvent(string name, IReadOnlyList<AbiParameter> inputs, bool anonymous = false)
        : base(name, inputs)
    {
        Anonymous = anonymous;
        Topic = Keccak256.HashUtf8(Signature);
        IndexedCount = inputs.Count(p => p.Indexed);
        var maximum = anonymous ? 4 : 3;
        if (IndexedCount > maximum)
        {
            throw new AbiFormatException(
                $"Event {Signature} indexes {IndexedCount} parameters; {(anonymous ? "an anonymous event" : "an event")} indexes at most {maximum}.");
        }

        DataParameters = [.. inputs.Where(p => !p.Indexed)];
        _dataTypes = [.. DataParameters.Select(p => p.Type)];
    }

    // The types of DataParameters, built once rather than on every decoded log.
    private readonly AbiType[] _dataTypes;

    /// <summary>Whether the event is anonymous: its signature hash is not the first topic.</summary>
    public bool Anonymous { get; }

    /// <summary>The Keccak-256 hash of the canonical signature: the first topic of a non-anonymous event's logs.</summary>
    public Bytes32 Topic { get; }

    /// <summary>The number of indexed parameters.</summary>
    public int IndexedCount { get; }

    /// <summary>The parameters encoded in the log data, in order.</summary>
    public IReadOnlyList<AbiParameter> DataParameters { get; }

    /// <summary>
    /// Parses a human-readable signature such as <c>Transfer(address indexed from, address indexed to, uint256 value)</c>.
    /// </summary>
    /// <exception cref="AbiFormatException">The signature is malformed.</exception>
    public static AbiEvent Parse(string signature, bool anonymous = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var inputs = ParseParameters(signature, allowIndexed: true, out var name);
        return new AbiEvent(name, inputs, anonymous);
    }

    /// <summary>Encodes a log for the arguments (CLR values or <see cref="AbiValue"/>s): its topics and data.</summary>
    /// <exception cref="AbiEncodingException">The arguments do not fit the parameters.</exception>
    public (IReadOnlyList<Bytes32> Topics, byte[] Data) EncodeLog(params object?[] arguments)
    {
        var values = ToValues(Inputs, arguments, Signature);
        var topics = new List<Bytes32>(IndexedCount + 1);
        if (!Anonymous)
        {
            topics.Add(Topic);
        }

        var data = new List<AbiValue>();
        for (var i = 0; i < values.Length; i++)
        {
            if (Inputs[i].Indexed)
            {
                topics.Add(EncodeTopic(values[i]));
            }
            else
            {
                data.Add(values[i]);
            }
        }

        return (topics, AbiCodec.Encode(DataParameters, data));
    }

    /// <summary>Decodes a log's topics and data into the event's named arguments.</summary>
    /// <exception cref="AbiDecodingException">
    /// The topic count or first topic does not match the event, a topic is not a valid encoding of its type, or the
    /// data is malformed.
    /// </exception>
    public DecodedEvent DecodeLog(IReadOnlyList<Bytes32> topics, ReadOnlySpan<byte> data)
    {
        CheckTopicCount(topics);
        var dataValues = AbiCodec.Decode(_dataTypes, data);
        var arguments = new AbiEventArgument[Inputs.Count];
        var topicIndex = Anonymous ? 0 : 1;
        var dataIndex = 0;
        for (var i = 0; i < Inputs.Count; i++)
        {
            var parameter = Inputs[i];
            if (!parameter.Indexed)
            {
                arguments[i] = new AbiEventArgument(parameter, dataValues[dataIndex++], IsHashed: false);
                continue;
            }

            var topic = topics[topicIndex];
            if (IsHashedInTopic(parameter.Type))
            {
                arguments[i] = new AbiEventArgument(parameter, AbiValue.Bytes32(topic), IsHashed: true);
            }
            else
            {
                try
                {
                    var reader = new AbiReader(topic.AsSpan());
                    arguments[i] = new AbiEventArgument(parameter, AbiCodec.Read(ref reader, parameter.Type), IsHashed: false);
                }
                catch (AbiDecodingException ex)
                {
                    throw new AbiDecodingException(
                        $"Log topic {topicIndex} ({parameter}) of {Signature} is not a valid {parameter.Type}: {ex.Message}",
                        parameter.Type.CanonicalName, topicIndex, ex);
                }
            }

            topicIndex++;
        }

        return new DecodedEvent(this, arguments);
    }

    /// <summary>
    /// Checks that a log decodes as this event, with the same checks as <see cref="DecodeLog"/> (topic count, first
    /// topic, each indexed value's encoding, the data's words, offsets and lengths), without building the arguments.
    /// </summary>
    /// <exception cref="AbiDecodingException">The log does not decode as this event.</exception>
    public void ValidateLog(IReadOnlyList<Bytes32> topics, ReadOnlySpan<byte> data)
    {
        CheckTopicCount(topics);
        AbiCodec.Validate(_dataTypes, data);
        var topicIndex = Anonymous ? 0 : 1;
        for (var i = 0; i < Inputs.Count; i++)
        {
            var parameter = Inputs[i];
            if (!parameter.Indexed)
            {
                continue;
            }

            if (!IsHashedInTopic(parameter.Type))
            {
                var topic = topics[topicIndex];
                try
                {
                    var reader = new AbiReader(topic.AsSpan());
                    AbiCodec.Validate(ref reader, parameter.Type);
                }
                catch (AbiDecodingException ex)
                {
                    throw new AbiDecodingException(
                        $"Log topic {topicIndex} ({parameter}) of {Signature} is not a valid {parameter.Type}: {ex.Message}",
                        parameter.Type.CanonicalName, topicIndex, ex);
                }
            }

            topicIndex++;
        }
    }

    /// <summary>
    /// Builds the topic filter for <c>eth_getLogs</c> or a <c>logs</c> subscription: the event topic (unless anonymous)
    /// followed by one entry per indexed parameter, in order; <c>null</c> matches any value. Trailing wildcards are
    /// dropped.
    /// </summary>
    /// <param name="indexedValues">Values for the leading indexed parameters (CLR values, <see cref="AbiValue"/>s or null).</param>
    /// <exception cref="AbiEncodingException">More values than indexed parameters, or a value that does not fit.</exception>
    public LogTopicFilter CreateTopicFilter(params object?[] indexedValues)
    {
        ArgumentNullException.ThrowIfNull(indexedValues);
        return CreateTopicFilter([.. indexedValues.Select(v => v is null ? null : (IReadOnlyList<object?>)[v])]);
    }

    /// <summary>
    /// Builds a topic filter where each indexed parameter matches any of several values (an OR); <c>null</c> matches
    /// any value.
    /// </summary>
    /// <exception cref="AbiEncodingException">More entries than indexed parameters, or a value that does not fit.</exception>
    public LogTopicFilter CreateTopicFilter(IReadOnlyList<IReadOnlyList<object?>?> alternatives)
    {
        ArgumentNullException.ThrowIfNull(alternatives);
        var indexed = Inputs.Where(p => p.Indexed).ToList();
        if (alternatives.Count > indexed.Count)
        {
            throw new AbiEncodingException($"Event {Signature} has {indexed.Count} indexed parameters; the filter gives {alternatives.Count}.");
        }

        var topics = new List<IReadOnlyList<Bytes32>?>();
        if (!Anonymous)
        {
            topics.Add([Topic]);
        }

        for (var i = 0; i < alternatives.Count; i++)
        {
            topics.Add(alternatives[i] is { } values
                ? [.. values.Select(v => EncodeTopic(AbiValue.From(indexed[i].Type, v)))]
                : null);
        }

        while (topics.Count > 0 && topics[^1] is null)
        {
            topics.RemoveAt(topics.Count - 1);
        }

        return new LogTopicFilter(topics);
    }

    private void CheckTopicCount(IReadOnlyList<Bytes32> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var expected = IndexedCount + (Anonymous ? 0 : 1);
        if (topics.Count != expected)
        {
            throw new AbiDecodingException(
                $"Log of {Signature} must have {expected} topics ({IndexedCount} indexed{(Anonymous ? "" : " plus the event topic")}); it has {topics.Count}.",
                Signature, -1, null);
        }

        if (!Anonymous && topics[0] != Topic)
        {
            throw new AbiDecodingException(
                $"Log topic 0 is {topics[0]}, not the topic {Topic} of {Signature}.", Signature, 0, null);
        }
    }

    /// <summary>Whether an indexed parameter of this type is stored as a hash: <c>bytes</c>, <c>string</c>, arrays and tuples.</summary>
    public static bool IsHashedInTopic(AbiType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind is AbiTypeKind.Bytes or AbiTypeKind.String or AbiTypeKind.Array or AbiTypeKind.FixedArray or AbiTypeKind.Tuple;
    }

    /// <summary>
    /// The topic of an indexed value: its 32-byte encoding for value types, or the Keccak-256 hash of its in-place
    /// encoding for <c>bytes</c>, <c>string</c>, arrays and tuples.
    /// </summary>
    public static Bytes32 EncodeTopic(AbiValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsHashedInTopic(value.Type))
        {
            using var writer = new AbiWriter();
            AbiCodec.Write(writer, value);
            Span<byte> word = stackalloc byte[32];
            writer.WriteTo(word);
            return new Bytes32(word);
        }

        if (value.Type.Kind is AbiTypeKind.Bytes or AbiTypeKind.String)
        {
            return value.Type.Kind == AbiTypeKind.String ? Keccak256.HashUtf8(value.AsString()) : Keccak256.Hash(value.AsBytes().Span);
        }

        var buffer = new PooledBuffer();
        try
        {
            AppendInPlace(buffer, value);
            return Keccak256.Hash(buffer.Written);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    // In-place encoding of a value nested in an indexed array or tuple: value types as 32-byte words, bytes and
    // strings as their content padded to a multiple of 32 bytes without a length, arrays and tuples as the
    // concatenation of their elements without a length or offsets.
    private static void AppendInPlace(PooledBuffer buffer, AbiValue value)
    {
        switch (value.Type.Kind)
        {
            case AbiTypeKind.Bytes:
                AppendPadded(buffer, value.AsBytes().Span);
                break;
            case AbiTypeKind.String:
                AppendPadded(buffer, Encoding.UTF8.GetBytes(value.AsString()));
                break;
            case AbiTypeKind.Array or AbiTypeKind.FixedArray or AbiTypeKind.Tuple:
                foreach (var item in value.Items)
                {
                    AppendInPlace(buffer, item);
                }

                break;
            default:
                using (var writer = new AbiWriter())
                {
                    AbiCodec.Write(writer, value);
                    Span<byte> word = stackalloc byte[32];
                    writer.WriteTo(word);
                    buffer.Append(word);
                }

                break;
        }
    }

    private static void AppendPadded(PooledBuffer buffer, ReadOnlySpan<byte> content)
    {
        buffer.Append(content);
        buffer.AppendZeros(AbiWriter.Padding(content.Length));
    }
}

/// <summary>One decoded event argument.</summary>
/// <param name="Parameter">The event parameter.</param>
/// <param name="Value">
/// The value; for an indexed <c>bytes</c>, <c>string</c>, array or tuple (<paramref name="IsHashed"/>), the
/// <c>bytes32</c> Keccak-256 hash that the topic holds instead.
/// </param>
/// <param name="IsHashed">Whether <paramref name="Value"/> is the hash of an indexed dynamic value.</param>
public sealed record AbiEventArgument(AbiParameter Parameter, AbiValue Value, bool IsHashed)
{
    /// <summary>The parameter name.</summary>
    public string Name => Parameter.Name;
}

/// <summary>A log decoded against an event.</summary>
/// <param name="Event">The event the log was decoded with.</param>
/// <param name="Arguments">The arguments in declaration order.</param>
public sealed record DecodedEvent(AbiEvent Event, IReadOnlyList<AbiEventArgument> Arguments)
{
    /// <summary>The event name.</summary>
    public string Name => Event.Name;

    /// <summary>An argument's value by parameter name.</summary>
    /// <exception cref="KeyNotFoundException">The event has no parameter of that name.</exception>
    public AbiValue this[string name] =>
        Arguments.FirstOrDefault(a => a.Name == name)?.Value
        ?? throw new KeyNotFoundException($"Event {Event.Signature} has no parameter named '{name}'.");

    /// <summary>Formats <c>Name(name=value, ...)</c>.</summary>
    public override string ToString() =>
        Name + "(" + string.Join(", ", Arguments.Select(a => (a.Name.Length > 0 ? a.Name + "=" : "") + (a.IsHashed ? "hash " : "") + a.Value)) + ")";
}

/// <summary>
/// The <c>topics</c> of an <c>eth_getLogs</c> filter: per position, the values that match (any of them), or
/// <c>null</c> for any value.
/// </summary>
/// <param name="Topics">The entries, first topic first.</param>
public sealed record LogTopicFilter(IReadOnlyList<IReadOnlyList<Bytes32>?> Topics)
{
    /// <summary>
    /// Formats the JSON-RPC form: an array whose entries are <c>null</c>, a topic string, or an array of topic strings.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            foreach (var entry in Topics)
            {
                if (entry is null)
                {
                    json.WriteNullValue();
                }
                else if (entry.Count == 1)
                {
                    json.WriteStringValue(entry[0].ToString());
                }
                else
                {
                    json.WriteStartArray();
                    foreach (var topic in entry)
                    {
                        json.WriteStringValue(topic.ToString());
                    }

                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Whether a log with these topics matches the filter.</summary>
    public bool Matches(IReadOnlyList<Bytes32> logTopics)
    {
        ArgumentNullException.ThrowIfNull(logTopics);
        if (logTopics.Count < Topics.Count)
        {
            return false;
        }

        for (var i = 0; i < Topics.Count; i++)
        {
            if (Topics[i] is { } allowed && !allowed.Contains(logTopics[i]))
            {
                return false;
            }
        }

        return true;
    }
}
