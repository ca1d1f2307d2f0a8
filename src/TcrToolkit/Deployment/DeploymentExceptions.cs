namespace TcrToolkit.Deployment;

/// <summary>What kind of obstacle stopped a deployment, so that callers (the CLI's exit codes) can tell them apart.</summary>
public enum DeploymentFailure
{
    /// <summary>Anything else: the node answered unexpectedly.</summary>
    Other = 0,

    /// <summary>The network is not set up (no RPC URL, or the devnet has none); nothing was sent.</summary>
    Configuration,

    /// <summary>A constructor would revert with this configuration; nothing was sent for it.</summary>
    WouldRevert,

    /// <summary>The node refused a transaction (funds, fees); nothing was deployed by it.</summary>
    Refused,

    /// <summary>A deployment transaction was mined and reverted.</summary>
    Reverted,

    /// <summary>A deployment transaction was sent but not mined in time; it stays recorded for a resume.</summary>
    ReceiptTimeout,
}

/// <summary>A deployment cannot go on; the message says why in one sentence and what to do next.</summary>
public class DeploymentException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence: what is wrong and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <param name="failure">What kind of obstacle it is.</param>
    public DeploymentException(string message, Exception? innerException = null, DeploymentFailure failure = DeploymentFailure.Other)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>What kind of obstacle it is.</summary>
    public DeploymentFailure Failure { get; }
}

/// <summary>A deployment configuration field is missing, malformed or outside its bounds.</summary>
public sealed class DeploymentConfigException : DeploymentException
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    /// <param name="field">The field's JSON path, for example <c>registry.passThreshold</c>.</param>
    /// <param name="message">One sentence naming the field, the value and what is allowed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DeploymentConfigException(string field, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Field = field;
    }

    /// <summary>The field's JSON path, for example <c>registry.passThreshold</c>.</summary>
    public string Field { get; }
}

/// <summary>The node answers with another chain id than the network's: nothing was sent.</summary>
public sealed class ChainIdMismatchException : DeploymentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="network">The network deployed to.</param>
    /// <param name="expected">The network's chain id.</param>
    /// <param name="actual">The node's chain id.</param>
    /// <param name="endpoint">The node's endpoint, for the message.</param>
    public ChainIdMismatchException(string network, ulong expected, ulong actual, string endpoint)
        : base($"The node at {endpoint} is on chain {actual}, but {network} is chain {expected}; nothing was sent: point the RPC URL at a {network} node.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The network's chain id.</summary>
    public ulong Expected { get; }

    /// <summary>The node's chain id.</summary>
    public ulong Actual { get; }
}

/// <summary>
/// The deployment manifest does not match the chain (a contract it records is missing or has other code), or not
/// the configuration or account given now. Nothing is redeployed: the message says which file to move away.
/// </summary>
public sealed class DeploymentMismatchException : DeploymentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence: what differs and what to do.</param>
    public DeploymentMismatchException(string message)
        : base(message)
    {
    }
}
