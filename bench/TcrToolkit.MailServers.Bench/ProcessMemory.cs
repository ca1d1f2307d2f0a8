namespace TcrToolkit.MailServers.Bench;

/// <summary>Linux /proc figures of this process: the resident set now (VmRSS) and its peak (VmHWM).</summary>
internal static class ProcessMemory
{
    public readonly record struct Snapshot(long Rss, long Peak);

    /// <summary>Resets the kernel's peak mark (writing 5 to clear_refs, Linux 4.0+) so VmHWM shows the peak from now on.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static Snapshot Read()
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }

        return new Snapshot(rss, hwm);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(':', StringSplitOptions.TrimEntries)[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
