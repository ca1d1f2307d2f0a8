namespace TcrToolkit.Waku;

/// <summary>The root of every failure TcrToolkit.Waku reports; callers switch on the derived types.</summary>
public class WakuException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do next.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WakuException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A peer broke the protocol: a malformed or oversized frame, a response that does not answer the request, a page out
/// of order, outside the requested range or topics, or whose hashes do not match its messages. Nothing from such a
/// response is used; try another peer.
/// </summary>
public sealed class WakuProtocolViolationException : WakuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which rule the peer broke.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WakuProtocolViolationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A peer answered a well-formed request with an error status code (Store v3 or LightPush v3).</summary>
public sealed class WakuRequestFailedException : WakuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="protocol">The protocol identifier the request used.</param>
    /// <param name="statusCode">The status code the peer returned.</param>
    /// <param name="statusDescription">The peer's description, if any.</param>
    public WakuRequestFailedException(string protocol, uint statusCode, string? statusDescription)
        : base($"The peer refused the {protocol} request with status {statusCode}" +
               (string.IsNullOrEmpty(statusDescription) ? "." : $": {statusDescription}."))
    {
        Protocol = protocol;
        StatusCode = statusCode;
        StatusDescription = statusDescription;
    }

    /// <summary>The protocol identifier the request used.</summary>
    public string Protocol { get; }

    /// <summary>The status code the peer returned.</summary>
    public uint StatusCode { get; }

    /// <summary>The peer's description, if any.</summary>
    public string? StatusDescription { get; }
}

/// <summary>A peer did not answer within the configured time; try again later or another peer.</summary>
public sealed class WakuTimeoutException : WakuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WakuTimeoutException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
