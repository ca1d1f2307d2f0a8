namespace TcrToolkit.MailServers.Pool;

/// <summary>Options of <see cref="TrustedMailServers"/>.</summary>
public sealed class TrustedMailServersOptions
{
    /// <summary>Most trusted servers kept (the registry bounds them anyway: each listing is staked). Default 64.</summary>
    public int MaxServers { get; set; } = 64;

    /// <summary>Servers tried for one operation before it fails. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a server that failed is left out of selection at first; doubles per failure. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a failing server is left out. Default 5 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws when a value is out of range, naming it.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxServers, 1, nameof(MaxServers));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
    }
}
