using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TcrToolkit.Cli.Infrastructure.Arguments;

/// <summary>
/// Whole-number ids (poll, proposal, challenge ids) as arguments and options, checked while the command line is parsed:
/// a malformed id fails with one sentence and exit code 2.
/// </summary>
public static class IdArgs
{
    /// <summary>A positional id; <paramref name="optional"/> makes it <c>[name]</c> (null when absent).</summary>
    /// <param name="name">Its name in help, for example <c>poll-id</c>.</param>
    /// <param name="description">Help text.</param>
    /// <param name="what">What it identifies, for the error ("a poll id is …").</param>
    /// <param name="optional">Whether it may be left out.</param>
    public static Argument<ulong?> Id(string name, string description, string what, bool optional = false) => new(name)
    {
        Description = description,
        Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : Parse(result, $"<{name}>", what),
    };

    /// <summary>An id option, for example <c>--proposal</c>.</summary>
    /// <param name="name">The option name with its dashes.</param>
    /// <param name="description">Help text.</param>
    /// <param name="what">What it identifies, for the error.</param>
    public static Option<ulong?> IdOption(string name, string description, string what) => new(name)
    {
        Description = description,
        HelpName = "id",
        CustomParser = result => Parse(result, name, what),
    };

    private static ulong? Parse(ArgumentResult result, string shownName, string what)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        var shown = text.Length <= 40 ? text : text[..12] + "…";
        result.AddError($"{shownName} '{shown}' is not {what}; give a whole number such as 3.");
        return null;
    }
}
