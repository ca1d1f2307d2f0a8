namespace TcrToolkit.Discovery.Tests.Support;

/// <summary>
/// Waits on a condition with a generous deadline instead of a fixed sleep: fast when the machine is idle, still green
/// when it is loaded. The deadline only bounds a failing test; a passing one returns as soon as the condition holds.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? DefaultDeadline);
        while (!timeout.IsCancellationRequested)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return await condition();
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? deadline = null) =>
        TrueAsync(() => Task.FromResult(condition()), deadline);
}
