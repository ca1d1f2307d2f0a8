using System.Globalization;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>How registry commands show instants, amounts and node ids to people (JSON uses Unix seconds and base units).</summary>
internal static class RegistryDisplay
{
    /// <summary>An instant as Unix seconds, for JSON.</summary>
    public static ulong Unix(DateTimeOffset instant) => (ulong)Math.Max(0, instant.ToUnixTimeSeconds());

    /// <summary>An optional instant as Unix seconds, for JSON.</summary>
    public static ulong? Unix(DateTimeOffset? instant) => instant is { } value ? Unix(value) : null;

    /// <summary>An instant for people: <c>2025-06-01 12:00:00 UTC</c>; "-" for the epoch (no such instant).</summary>
    public static string Time(DateTimeOffset instant) =>
        instant.ToUnixTimeSeconds() == 0 ? "-" : instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>An instant in Unix seconds for people; "-" for 0.</summary>
    public static string Time(ulong unixSeconds) => Time(DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(unixSeconds, 253_402_300_799UL)));

    /// <summary>An optional instant for people; "-" when none.</summary>
    public static string Time(ulong? unixSeconds) => unixSeconds is { } value ? Time(value) : "-";

    /// <summary>Whole tokens with the word: <c>100.5 tokens</c>.</summary>
    public static string Tokens(UInt256 amount) => EthUnits.FormatEther(amount) + " tokens";

    /// <summary>Base units as a decimal string, for JSON.</summary>
    public static string Units(UInt256 amount) => amount.ToString();

    /// <summary>Whole tokens, for JSON's formatted companions.</summary>
    public static string Formatted(UInt256 amount) => EthUnits.FormatEther(amount);
}
