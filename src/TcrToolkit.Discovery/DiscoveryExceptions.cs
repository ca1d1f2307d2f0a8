namespace TcrToolkit.Discovery;

/// <summary>Root of every exception raised by the discovery library; callers switch on the derived types.</summary>
public class DiscoveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DiscoveryException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>An Ethereum Node Record that is malformed, oversized, unsorted or wrongly signed.</summary>
public sealed class EnrFormatException : DiscoveryException
{
    /// <summary>Creates the exception with the reason the record was rejected.</summary>
    public EnrFormatException(string reason, Exception? innerException = null)
        : base($"Invalid node record: {reason}", innerException) => Reason = reason;

    /// <summary>Why the record was rejected, in one sentence.</summary>
    public string Reason { get; }
}

/// <summary>A request to a remote node got no (valid) answer in time.</summary>
public sealed class DiscoveryTimeoutException : DiscoveryException
{
    /// <summary>Creates the exception naming the node that did not answer.</summary>
    public DiscoveryTimeoutException(string message) : base(message) { }
}
