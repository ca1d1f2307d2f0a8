using System.Globalization;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>How human output shows on-chain instants: UTC, to the second, the way pre-flight messages do.</summary>
internal static class HumanTime
{
    /// <summary>"2025-01-31 12:00:00 UTC".</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>As <see cref="Format(DateTimeOffset)"/>, from Unix seconds.</summary>
    public static string Format(ulong unixSeconds) => Format(DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds));

    /// <summary>Unix seconds of <paramref name="instant"/>, for <c>--json</c>.</summary>
    public static ulong Unix(DateTimeOffset instant) => (ulong)instant.ToUnixTimeSeconds();
}
