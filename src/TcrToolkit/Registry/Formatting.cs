using System.Globalization;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Registry;

/// How pre-flight messages show times, token amounts and node ids.
internal static class Formatting
{
    public static string Time(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Tokens(UInt256 amount) => EthUnits.FormatEther(amount) + " tokens";

    public static string Short(Bytes32 nodeId) => nodeId.ToString()[..18] + "…";
}
