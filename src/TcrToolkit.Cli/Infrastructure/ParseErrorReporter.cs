using System.CommandLine;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// Turns System.CommandLine's parse errors into one sentence with the next step: the nearest command or option for a
/// typo, the verbs of a noun given alone, otherwise the first error and where to find usage.
/// </summary>
public static class ParseErrorReporter
{
    /// <summary>The usage error for a parse result that has errors.</summary>
    public static CliException Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse);
        var unmatched = parse.UnmatchedTokens;

        if (unmatched.FirstOrDefault(SecretGuard.LooksLikePrivateKey) is not null &&
            command.Arguments.Any(a => a.Name == "node-id"))
        {
            // The command takes a node id (32 bytes, like a key): an extra one is most likely a second node id. Still
            // not echoed, in case it is a key after all.
            return CliException.Usage(
                "unexpected-argument",
                $"`{path}` takes one node id, but got another 32-byte hex value after it (not shown); give one node id per run, see `{path} --help`.");
        }

        if (unmatched.FirstOrDefault(SecretGuard.LooksLikePrivateKey) is not null)
        {
            // Never echo it: it may be a private key.
            return CliException.Usage(
                "secret-on-command-line",
                $"`{path}` got an unexpected 32-byte hex value (not shown, in case it is a private key); tcr never takes a private key on the command line, use `tcr wallet import --private-key-file FILE` (or - for stdin).");
        }

        if (unmatched.Count > 0)
        {
            var token = unmatched[0];
            if (token.StartsWith('-'))
            {
                var options = OptionsInScope(parse).ToList();
                var suggestion = Nearest(token, options);
                return CliException.Usage(
                    "unknown-option",
                    suggestion is null
                        ? $"Unknown option '{token}' for `{path}`; run `{path} --help` for its options."
                        : $"Unknown option '{token}' for `{path}`; did you mean {suggestion}? Run `{path} --help` for its options.");
            }

            if (command.Subcommands.Count > 0)
            {
                var suggestion = Nearest(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
                return CliException.Usage(
                    "unknown-command",
                    suggestion is null
                        ? $"Unknown command '{token}' for `{path}`; run `{path} --help` for the commands."
                        : $"Unknown command '{token}' for `{path}`; did you mean `{path} {suggestion}`? Run `{path} --help` for the commands.");
            }

            return CliException.Usage("unexpected-argument", $"`{path}` does not take the argument '{Shorten(token)}'; run `{path} --help` for usage.");
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            return CliException.Usage(
                "verb-missing",
                $"`{path}` needs one of {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}; run `{path} --help` for details.");
        }

        var first = parse.Errors[0].Message.ReplaceLineEndings(" ").Trim();
        // tcr's own parsers (CliArgs) already say what to do next; System.CommandLine's messages do not.
        return CliException.Usage(
            "invalid-arguments",
            first.Contains("; ", StringComparison.Ordinal) ? first : $"{first.TrimEnd('.')}; run `{path} --help` for usage.");
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "tcr" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static IEnumerable<string> OptionsInScope(ParseResult parse)
    {
        var own = true;
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in result.Command.Options.Where(o => (own || o.Recursive) && !o.Hidden))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
                {
                    yield return alias;
                }
            }

            own = false;
        }
    }

    /// <summary>The candidate closest to <paramref name="typed"/> by edit distance, if close enough to be a typo.</summary>
    internal static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var bare = typed.Split('=', 2)[0];
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = candidate.StartsWith(bare, StringComparison.OrdinalIgnoreCase) && bare.TrimStart('-').Length >= 2
                ? 1
                : Distance(bare.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(1, bare.TrimStart('-').Length / 3) ? best : null;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps each cost 1.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string Shorten(string text) => text.Length <= 70 ? text : text[..12] + "…";
}
