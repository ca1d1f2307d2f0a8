using System.Text;

namespace TcrToolkit.CodeGen;

/// <summary>Builds C# text with four-space indentation and LF newlines.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    public CodeWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Writes a <c>///</c> element, one line per text line.</summary>
    public CodeWriter Doc(string element, IReadOnlyList<string> lines, string attributes = "")
    {
        if (lines.Count == 0)
        {
            return this;
        }

        if (lines.Count == 1)
        {
            return Line($"/// <{element}{attributes}>{lines[0]}</{element}>");
        }

        Line($"/// <{element}{attributes}>");
        foreach (var line in lines)
        {
            Line(line.Length == 0 ? "///" : "/// " + line);
        }

        return Line($"/// </{element}>");
    }

    /// <summary>Writes a <c>///</c> element from plain (unescaped) text.</summary>
    public CodeWriter DocText(string element, string text, string attributes = "") => Doc(element, NatSpec.ToXmlLines(text), attributes);

    public override string ToString() => _text.ToString();
}
