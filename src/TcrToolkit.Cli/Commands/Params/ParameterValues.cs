using System.Globalization;
using System.Text.RegularExpressions;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary>
/// Reads a parameter value typed in human units, by the parameter's unit: tokens (<c>250</c>, <c>0.5</c>), durations
/// (<c>600</c> seconds, or <c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>2d</c>, <c>1w</c>), whole percents (<c>60</c> or
/// <c>60%</c>); then checks the bounds of <see cref="TcrParameterCatalog"/>. Every failure is a usage error (exit 2).
/// </summary>
internal static partial class ParameterValues
{
    /// <summary>The parameter named <paramref name="key"/>.</summary>
    /// <exception cref="CliException">No such parameter; the message lists them.</exception>
    public static ParameterInfo Parameter(string key)
    {
        try
        {
            return TcrParameterCatalog.Get(key);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(
                "parameter-unknown",
                $"There is no parameter \"{key}\"; the parameters are {string.Join(", ", TcrParameterCatalog.All.Select(p => p.Key))}.",
                e);
        }
    }

    /// <summary>The value in the parameter's base unit, within its bounds.</summary>
    /// <exception cref="CliException">Malformed, or out of bounds (the message names the range).</exception>
    public static UInt256 Parse(ParameterInfo parameter, string text)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(text);
        var value = parameter.Unit switch
        {
            ParameterUnit.Tokens => Tokens(parameter, text.Trim()),
            ParameterUnit.Seconds => Duration(parameter, text.Trim()),
            _ => Percent(parameter, text.Trim()),
        };
        if (value < parameter.Min || value > parameter.Max)
        {
            throw CliException.Usage(
                "parameter-out-of-range",
                $"{parameter.Key} must be between {parameter.Describe(parameter.Min)} and {parameter.Describe(parameter.Max)}, not {parameter.Describe(value)}; pick a value in that range.");
        }

        return value;
    }

    private static UInt256 Tokens(ParameterInfo parameter, string text)
    {
        try
        {
            return EthUnits.ParseEther(text);
        }
        catch (FormatException e)
        {
            throw CliException.Usage(
                "value-malformed", $"'{Shorten(text)}' is not a token amount for {parameter.Key}; give whole tokens with up to 18 decimals, like 250 or 0.5.", e);
        }
    }

    private static UInt256 Duration(ParameterInfo parameter, string text) =>
        HumanDuration.TryParse(text, out var seconds)
            ? seconds
            : throw CliException.Usage("value-malformed", $"'{Shorten(text)}' is not a duration for {parameter.Key}; {HumanDuration.Hint}.");

    private static UInt256 Percent(ParameterInfo parameter, string text)
    {
        var digits = text.EndsWith('%') ? text[..^1] : text;
        return digits.Length > 0 && digits.Length <= 20 && ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            ? percent
            : throw CliException.Usage("value-malformed", $"'{Shorten(text)}' is not a percentage for {parameter.Key}; give a whole number such as 60.");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..12] + "…";
}
