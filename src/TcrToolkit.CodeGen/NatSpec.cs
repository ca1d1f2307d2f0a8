using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TcrToolkit.CodeGen;

/// <summary>NatSpec of one ABI member, merged from the compiler's <c>userdoc</c> and <c>devdoc</c>.</summary>
internal sealed class MemberDoc
{
    public static MemberDoc Empty { get; } = new();

    public string? Notice { get; init; }

    public string? Details { get; init; }

    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Returns { get; init; } = new Dictionary<string, string>();

    /// <summary>The text for a parameter, or <c>null</c>.</summary>
    public string? Param(string name) => Params.GetValueOrDefault(name);
}

/// <summary>Reads NatSpec from the compiler output and renders it as XML documentation.</summary>
internal static partial class NatSpec
{
    /// <summary>The documentation of a method, event or error (<paramref name="section"/>: methods, events, errors).</summary>
    public static MemberDoc Find(ContractSource source, string section, string signature)
    {
        var user = Entry(source.UserDoc, section, signature);
        var dev = Entry(source.DevDoc, section, signature);
        if (user is null && dev is null)
        {
            return MemberDoc.Empty;
        }

        return new MemberDoc
        {
            Notice = Text(user, "notice"),
            Details = Text(dev, "details"),
            Params = Map(dev, "params"),
            Returns = Map(dev, "returns"),
        };
    }

    /// <summary>The contract-level documentation (title, notice, details).</summary>
    public static MemberDoc Contract(ContractSource source)
    {
        var title = source.DevDoc is { } dev ? Text(dev, "title") : null;
        var notice = source.UserDoc is { } user ? Text(user, "notice") : null;
        return new MemberDoc
        {
            Notice = title is null ? notice : notice is null ? title : title + "\n" + notice,
            Details = source.DevDoc is { } d ? Text(d, "details") : null,
        };
    }

    /// <summary>Parses a raw NatSpec comment (from the AST) into its notice and details.</summary>
    public static MemberDoc Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return MemberDoc.Empty;
        }

        var notice = new StringBuilder();
        var details = new StringBuilder();
        var current = notice;
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("@notice", StringComparison.Ordinal))
            {
                current = notice;
                trimmed = trimmed["@notice".Length..].Trim();
            }
            else if (trimmed.StartsWith("@dev", StringComparison.Ordinal))
            {
                current = details;
                trimmed = trimmed["@dev".Length..].Trim();
            }
            else if (trimmed.StartsWith('@'))
            {
                current = new StringBuilder();
                continue;
            }

            if (current.Length > 0)
            {
                current.Append('\n');
            }

            current.Append(trimmed);
        }

        return new MemberDoc
        {
            Notice = notice.Length > 0 ? notice.ToString() : null,
            Details = details.Length > 0 ? details.ToString() : null,
        };
    }

    /// <summary>
    /// Escapes text for XML documentation, turns Markdown <c>`code`</c> into <c>&lt;c&gt;</c>, and returns its
    /// lines (blank lines between paragraphs kept as <c>&lt;para/&gt;</c> breaks are not needed for readers).
    /// </summary>
    public static IReadOnlyList<string> ToXmlLines(string text)
    {
        var escaped = text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
        escaped = CodeSpan().Replace(escaped, "<c>$1</c>");
        var lines = escaped.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    /// <summary>Escapes text for XML documentation on one line.</summary>
    public static string ToXmlInline(string text) => string.Join(" ", ToXmlLines(text).Where(l => l.Length > 0));

    private static JsonElement? Entry(JsonElement? doc, string section, string signature)
    {
        if (doc is not { } d || d.ValueKind != JsonValueKind.Object || !d.TryGetProperty(section, out var list)
            || !list.TryGetProperty(signature, out var entry))
        {
            return null;
        }

        // Errors map to an array (one entry per declaration); the first carries the documentation.
        if (entry.ValueKind == JsonValueKind.Array)
        {
            return entry.GetArrayLength() > 0 ? entry[0] : null;
        }

        return entry;
    }

    private static string? Text(JsonElement? element, string property) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()?.Trim()
            : null;

    private static Dictionary<string, string> Map(JsonElement? element, string property)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var item in value.EnumerateObject())
            {
                if (item.Value.ValueKind == JsonValueKind.String)
                {
                    map[item.Name] = item.Value.GetString()!.Trim();
                }
            }
        }

        return map;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
