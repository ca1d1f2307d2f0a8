using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Infrastructure.Arguments;

/// <summary>
/// More shared argument types of the registry commands (alongside <see cref="CliArgs"/>): several node ids, a token
/// amount option, a challenge id and a duration. Like <see cref="CliArgs"/>, a malformed value fails at parse time with
/// one sentence and exit code 2.
/// </summary>
public static class RegistryArgs
{
    /// <summary>One or more positional node ids.</summary>
    /// <param name="description">Help text.</param>
    public static Argument<Bytes32[]> NodeIds(string description) => new("node-id")
    {
        Description = description,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result =>
        {
            var ids = new Bytes32[result.Tokens.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                if (ParseNodeId(result, result.Tokens[i].Value, "<node-id>") is not { } id)
                {
                    return [];
                }

                ids[i] = id;
            }

            return ids;
        },
    };

    /// <summary>A token amount option in whole tokens with up to 18 decimals, parsed to base units.</summary>
    /// <param name="name">The option name with its dashes, for example <c>--deposit</c>.</param>
    /// <param name="description">Help text.</param>
    public static Option<UInt256?> TokenAmountOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "amount",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            try
            {
                return EthUnits.ParseEther(text);
            }
            catch (FormatException)
            {
                result.AddError($"{name} '{Shorten(text)}' is not a token amount; give whole tokens with up to 18 decimals, like 100 or 0.5.");
                return null;
            }
        },
    };

    /// <summary>A positional challenge id: a positive integer (the poll id that <c>tcr challenge open</c> printed).</summary>
    /// <param name="name">Its name in help.</param>
    /// <param name="description">Help text.</param>
    public static Argument<ulong> ChallengeId(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => ParseChallengeId(result, result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, $"<{name}>") ?? 0,
    };

    /// <summary>A duration option (see <see cref="HumanDuration"/>): positive, at most 100 years.</summary>
    /// <param name="name">The option name with its dashes.</param>
    /// <param name="description">Help text.</param>
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (HumanDuration.TryParse(text, out var seconds) && seconds > 0 && seconds <= 36_500UL * 86_400UL)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            result.AddError($"{name} '{Shorten(text)}' is not a duration; {HumanDuration.Hint}.");
            return null;
        },
    };

    /// <summary>Parses a node id token, adding the shared error sentence when it is malformed.</summary>
    internal static Bytes32? ParseNodeId(ArgumentResult result, string text, string shownName)
    {
        if (text.Length == 66 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Bytes32.Parse(text);
            }
            catch (FormatException)
            {
                // Reported below with the same sentence as a wrong length.
            }
        }

        result.AddError($"{shownName} '{Shorten(text)}' is not a node id; a node id is 0x followed by 64 hex digits (see `tcr listing list`).");
        return null;
    }

    /// <summary>Parses a challenge id token, adding an error sentence when it is not a positive integer.</summary>
    internal static ulong? ParseChallengeId(ArgumentResult result, string text, string shownName)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        result.AddError($"{shownName} '{Shorten(text)}' is not a challenge id; a challenge id is a positive whole number (see `tcr challenge show`).");
        return null;
    }

    // Long junk (a pasted key?) is not echoed whole.
    private static string Shorten(string text) => text.Length <= 70 ? text : text[..12] + "…";
}
