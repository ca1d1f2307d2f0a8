using Spectre.Console;
using Spectre.Console.Rendering;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>
/// Renders results for people with Spectre.Console: plain lines, key/value blocks and tables. Text is never parsed as
/// markup, so user data with brackets prints as it is. <see cref="Console"/> is the escape hatch for anything else.
/// </summary>
public sealed class HumanView
{
    // Redirected output has no width to detect; wide enough that keystore paths and hashes stay on one line.
    private const int RedirectedWidth = 200;

    internal HumanView(TextWriter stdout, bool isTerminal)
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal)
        {
            Console.Profile.Width = RedirectedWidth;
        }
    }

    /// <summary>The Spectre console writing to stdout.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Writes one line of plain text.</summary>
    public void Line(string text) => Console.WriteLine(text, Style.Plain);

    /// <summary>Writes labelled values, one per line, labels aligned.</summary>
    public void Properties(params IEnumerable<(string Label, string Value)> rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (label, value) in rows)
        {
            grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(value));
        }

        Console.Write(grid);
    }

    /// <summary>Writes a table with a header row.</summary>
    /// <param name="headers">The column titles.</param>
    /// <param name="rows">The cells, one array per row, as many as <paramref name="headers"/>.</param>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        }

        Console.Write(table);
    }
}
