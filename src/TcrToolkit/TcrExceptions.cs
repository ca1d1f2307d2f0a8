namespace TcrToolkit;

/// <summary>
/// The configuration does not match the chain or cannot be used: a node on another chain, no contract (or another
/// contract) at an address, an unusable deployment manifest. Nothing was sent; fix the configuration.
/// </summary>
public class TcrConfigurationException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence: what does not match and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TcrConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A local store cannot be used: the salt vault, a checkpoint file or a mirror database is missing, of another kind,
/// damaged, not writable, or refused for safety (a symlink, a device). The message names the file and what to do.
/// </summary>
public abstract class TcrStoreException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence: which file, what is wrong, what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected TcrStoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
