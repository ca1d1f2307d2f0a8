using System.Globalization;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>The events file, <c>Name.Events.g.cs</c>: a record per event with its decoders and topic filter, and the dispatching <c>DecodeEvent</c>.</content>
internal sealed partial class BindingGenerator
{
    private string EmitEvents()
    {
        var code = Header("Events");
        OpenClass(code);
        code.Line($"/// <summary>An event of {Class}.</summary>");
        code.Line("public abstract record Event;");
        code.Line();
        EmitDecodeEvent(
            code,
            "Decodes a log with the non-anonymous event its first topic names.",
            ["/// <param name=\"log\">The log.</param>"],
            [],
            "Log log",
            "log",
            "log.Topics",
            "log.Topics[0]",
            "log");
        code.Line();
        EmitDecodeEvent(
            code,
            "Decodes a log in its JSON-RPC hex form with the non-anonymous event its first topic names.",
            ["/// <param name=\"topics\">The topics, each <c>0x</c> and 64 hex digits.</param>", "/// <param name=\"data\">The data as <c>0x</c> hex.</param>"],
            ["/// <exception cref=\"HexFormatException\">A topic or the data is not valid hex.</exception>"],
            "IReadOnlyList<string> topics, string data",
            "topics",
            "topics",
            "Bytes32.Parse(topics[0])",
            "topics, data");
        foreach (var (name, e) in _events)
        {
            EmitEvent(code, name, e);
        }

        code.Close();
        return code.ToString();
    }

    /// <summary>
    /// A static <c>DecodeEvent</c> that reads the first topic and hands the log to the event record it names; the
    /// <c>Log</c> and the hex overloads differ only in their parameters.
    /// </summary>
    private void EmitDecodeEvent(
        CodeWriter code,
        string summary,
        string[] paramDocs,
        string[] extraExceptions,
        string parameters,
        string guarded,
        string topics,
        string firstTopic,
        string passed)
    {
        code.Line($"/// <summary>{summary}</summary>");
        foreach (var line in paramDocs)
        {
            code.Line(line);
        }

        code.Line($"/// <returns>The typed event, or <c>null</c> when no event of {Class} has the log's first topic.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The event is known but the log does not decode.</exception>");
        foreach (var line in extraExceptions)
        {
            code.Line(line);
        }

        code.Open($"public static Event? DecodeEvent({parameters})");
        code.Line($"ArgumentNullException.ThrowIfNull({guarded});");
        code.Open($"if ({topics}.Count == 0)");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line($"var topic = {firstTopic};");
        foreach (var (name, _) in _events.Where(e => !e.Event.Anonymous))
        {
            code.Open($"if (topic == {name}.Topic)");
            code.Line($"return {name}.TryDecode({passed});");
            code.Close();
            code.Line();
        }

        code.Line("return null;");
        code.Close();
    }

    private void EmitEvent(CodeWriter code, string name, AbiEvent e)
    {
        var doc = NatSpec.Find(_source, "events", e.Signature);
        var props = TypeMap.PropertyNames(e.Inputs, name, RecordReserved);
        var topicCount = e.IndexedCount + (e.Anonymous ? 0 : 1);
        var types = e.Inputs.Select(p => p.Indexed && AbiEvent.IsHashedInTopic(p.Type) ? "Bytes32" : _types.CsType(p.Type, p.InternalType)).ToList();
        code.Line();
        code.Doc("summary", doc.Notice is null ? [$"The event <c>{Xml(e.Signature)}</c>{(e.Anonymous ? " (anonymous)" : "")}."] : NatSpec.ToXmlLines(doc.Notice));
        if (doc.Details is not null)
        {
            code.DocText("remarks", doc.Details);
        }

        var ctor = new List<string>();
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            var text = doc.Param(p.Name) is { } t ? NatSpec.ToXmlInline(t) : $"<c>{Xml(p.ToString())}</c>.";
            if (p.Indexed && AbiEvent.IsHashedInTopic(p.Type))
            {
                text += $" Indexed as the Keccak-256 hash of the <c>{Xml(p.Type.ToDisplayString())}</c> value, which the log does not hold.";
            }

            code.Line($"/// <param name=\"{props[i]}\">{text}</param>");
            ctor.Add($"{types[i]} {props[i]}");
        }

        code.Open($"public sealed record {name}({string.Join(", ", ctor)}) : Event");
        code.Line($"/// <summary>The canonical signature, <c>{Xml(e.Signature)}</c>.</summary>");
        code.Line($"public const string Signature = \"{e.Signature}\";");
        if (!e.Anonymous)
        {
            code.Line();
            code.Line("/// <summary>The first topic of every log of this event: the Keccak-256 hash of <see cref=\"Signature\"/>.</summary>");
            code.Line($"public static Bytes32 Topic {{ get; }} = Bytes32.Parse(\"{e.Topic}\");");
        }

        EmitEventDecoders(code, name, e, props, topicCount);
        EmitEventFilter(code, e, props, types);
        EmitTopicCodecs(code, e, props, types);
        code.Close();
    }

    /// <summary>The two <c>TryDecode</c> methods of an event record: from a <c>Log</c>, and from the JSON-RPC hex form.</summary>
    private void EmitEventDecoders(CodeWriter code, string name, AbiEvent e, IReadOnlyList<string> props, int topicCount)
    {
        var reads = new List<string>();
        var hexReads = new List<string>();
        var topicIndex = e.Anonymous ? 0 : 1;
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            if (p.Indexed)
            {
                var index = topicIndex++.ToString(CultureInfo.InvariantCulture);
                if (AbiEvent.IsHashedInTopic(p.Type))
                {
                    reads.Add($"log.Topics[{index}]");
                    hexReads.Add($"LogHex.ReadBytes32Topic(topics[{index}])");
                }
                else
                {
                    reads.Add($"DecodeTopic{props[i]}(log.Topics[{index}])");
                    hexReads.Add($"DecodeTopic{props[i]}(LogHex.ReadBytes32Topic(topics[{index}]))");
                }
            }
            else
            {
                var read = _types.Read(p.Type, p.InternalType, "reader");
                reads.Add(read);
                hexReads.Add(read);
            }
        }

        var check = e.Anonymous ? "" : " || {0} != Topic";
        code.Line();
        code.Line("/// <summary>Decodes a log of this event.</summary>");
        code.Line("/// <param name=\"log\">The log, as the node returns it.</param>");
        code.Line($"/// <returns>The event, or <c>null</c> when the log {(e.Anonymous ? "has another number of topics" : "is another event's")}.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The log has this event's topic but does not decode.</exception>");
        code.Open($"public static {name}? TryDecode(Log log)");
        code.Line("ArgumentNullException.ThrowIfNull(log);");
        code.Open($"if (log.Topics.Count != {topicCount.ToString(CultureInfo.InvariantCulture)}{string.Format(CultureInfo.InvariantCulture, check, "log.Topics[0]")})");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("var reader = new AbiReader(log.Data.Span);");
        EmitConstruction(code, name, reads);
        code.Close();

        code.Line();
        code.Line("/// <summary>Decodes a log of this event from its JSON-RPC hex form without intermediate allocations.</summary>");
        code.Line("/// <param name=\"topics\">The topics, each <c>0x</c> and 64 hex digits.</param>");
        code.Line("/// <param name=\"data\">The data as <c>0x</c> hex.</param>");
        code.Line($"/// <returns>The event, or <c>null</c> when the log {(e.Anonymous ? "has another number of topics" : "is another event's")}.</returns>");
        code.Line("/// <exception cref=\"AbiDecodingException\">The log has this event's topic but does not decode.</exception>");
        code.Line("/// <exception cref=\"HexFormatException\">A topic or the data is not valid hex.</exception>");
        code.Open($"public static {name}? TryDecode(IReadOnlyList<string> topics, string data)");
        code.Line("ArgumentNullException.ThrowIfNull(topics);");
        code.Line("ArgumentNullException.ThrowIfNull(data);");
        var hexCheck = e.Anonymous ? "" : " || !LogHex.TopicEquals(topics[0], Topic)";
        code.Open($"if (topics.Count != {topicCount.ToString(CultureInfo.InvariantCulture)}{hexCheck})");
        code.Line("return null;");
        code.Close();
        code.Line();
        code.Line("using var bytes = LogHex.DecodeData(data);");
        code.Line("var reader = bytes.CreateReader();");
        EmitConstruction(code, name, hexReads);
        code.Close();
    }

    /// <summary>The event record's <c>CreateFilter</c>: the contract, each indexed value (or any), and a block range.</summary>
    private static void EmitEventFilter(CodeWriter code, AbiEvent e, IReadOnlyList<string> props, List<string> types)
    {
        code.Line();
        code.Line($"/// <summary>A log filter for this event; each indexed value given narrows it, each <c>null</c> matches any.</summary>");
        code.Line("/// <param name=\"contract\">The emitting contract; any contract when <c>null</c>.</param>");
        var filterArgs = new List<string> { "Address? contract = null" };
        var topicExprs = new List<string>();
        if (!e.Anonymous)
        {
            topicExprs.Add("new[] { Topic }");
        }

        var usedNames = new HashSet<string>(["contract", "fromBlock", "toBlock"], StringComparer.Ordinal);
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            if (!p.Indexed)
            {
                continue;
            }

            var argName = Naming.Camel(p.Name);
            if (argName.Length == 0)
            {
                argName = "arg" + i.ToString(CultureInfo.InvariantCulture);
            }

            while (!usedNames.Add(argName))
            {
                argName += "Arg";
            }

            var escaped = Naming.Escape(argName);
            string argType;
            string encode;
            if (p.Type.Kind is AbiTypeKind.String)
            {
                argType = "string";
                encode = $"Keccak256.HashUtf8({argName}Value)";
                code.Line($"/// <param name=\"{argName}\">The <c>{Xml(p.Name)}</c> value (matched by its hash), or <c>null</c>.</param>");
            }
            else if (p.Type.Kind is AbiTypeKind.Bytes)
            {
                argType = "byte[]";
                encode = $"Keccak256.Hash({argName}Value)";
                code.Line($"/// <param name=\"{argName}\">The <c>{Xml(p.Name)}</c> value (matched by its hash), or <c>null</c>.</param>");
            }
            else if (AbiEvent.IsHashedInTopic(p.Type))
            {
                argType = "Bytes32";
                encode = $"{argName}Value";
                code.Line($"/// <param name=\"{argName}\">The Keccak-256 hash of the encoded <c>{Xml(p.Name)}</c> value, or <c>null</c>.</param>");
            }
            else
            {
                argType = types[i];
                encode = $"EncodeTopic{props[i]}({argName}Value)";
                code.Line($"/// <param name=\"{argName}\">The <c>{Xml(p.Name)}</c> value, or <c>null</c>.</param>");
            }

            filterArgs.Add($"{argType}? {escaped} = null");
            topicExprs.Add($"{escaped} is {{ }} {argName}Value ? new[] {{ {encode} }} : null");
        }

        code.Line("/// <param name=\"fromBlock\">The first block; the node's default when <c>null</c>.</param>");
        code.Line("/// <param name=\"toBlock\">The last block; the node's default when <c>null</c>.</param>");
        code.Line("/// <returns>A filter for <c>eth_getLogs</c> or a subscription.</returns>");
        filterArgs.Add("BlockTag? fromBlock = null");
        filterArgs.Add("BlockTag? toBlock = null");
        code.Line($"public static LogFilter CreateFilter({string.Join(", ", filterArgs)}) => new()");
        code.Line("{");
        code.Line("    Addresses = contract is { } address ? [address] : [],");
        if (topicExprs.Count == 0)
        {
            code.Line("    Topics = [],");
        }
        else
        {
            code.Line("    Topics = new IReadOnlyList<Bytes32>?[]");
            code.Line("    {");
            foreach (var t in topicExprs)
            {
                code.Line("        " + t + ",");
            }

            code.Line("    },");
        }

        code.Line("    FromBlock = fromBlock,");
        code.Line("    ToBlock = toBlock,");
        code.Line("};");
    }

    /// <summary>Decoders and encoders of the indexed values that a topic holds as a word (not as a hash).</summary>
    private void EmitTopicCodecs(CodeWriter code, AbiEvent e, IReadOnlyList<string> props, List<string> types)
    {
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var p = e.Inputs[i];
            if (!p.Indexed || AbiEvent.IsHashedInTopic(p.Type))
            {
                continue;
            }

            code.Line();
            code.Open($"private static {types[i]} DecodeTopic{props[i]}(Bytes32 topic)");
            code.Line("var reader = new AbiReader(topic.AsSpan());");
            code.Line($"return {_types.Read(p.Type, p.InternalType, "reader")};");
            code.Close();
            code.Line();
            code.Open($"private static Bytes32 EncodeTopic{props[i]}({types[i]} value)");
            code.Line("using var writer = new AbiWriter();");
            code.Line(_types.Write(p.Type, p.InternalType, "writer", "value", "value"));
            code.Line("return new Bytes32(writer.ToArray());");
            code.Close();
        }
    }
}
