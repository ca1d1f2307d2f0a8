using System.Globalization;

namespace TcrToolkit.Cli.Infrastructure.Arguments;

/// <summary>
/// Durations as people type them: plain seconds (<c>600</c>) or numbers with units, combined (<c>90s</c>, <c>10m</c>,
/// <c>1h30m</c>, <c>2d</c>, <c>1w</c>). One parser for every command that takes a duration.
/// </summary>
internal static class HumanDuration
{
    /// <summary>How to write one, for error messages.</summary>
    public const string Hint = "give seconds (600) or a duration such as 90s, 10m, 1h30m, 2d or 1w";

    /// <summary>Parses <paramref name="text"/> into whole seconds; false when malformed or beyond 2^64 − 1 seconds.</summary>
    public static bool TryParse(string? text, out ulong seconds)
    {
        seconds = 0;
        var span = (text ?? string.Empty).AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        if (char.IsAsciiDigit(span[^1]))
        {
            return ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
        }

        ulong total = 0;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == span.Length || !ulong.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            ulong unit = span[digits] switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3_600,
                'd' => 86_400,
                'w' => 604_800,
                _ => 0,
            };
            if (unit == 0)
            {
                return false;
            }

            try
            {
                total = checked(total + checked(amount * unit));
            }
            catch (OverflowException)
            {
                return false;
            }

            span = span[(digits + 1)..];
        }

        seconds = total;
        return true;
    }
}
