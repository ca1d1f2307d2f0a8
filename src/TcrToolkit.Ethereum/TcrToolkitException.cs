namespace TcrToolkit;

/// <summary>
/// The root of every failure the toolkit raises on purpose, in every layer: catch it to handle any toolkit failure,
/// catch a family below it to act on one kind. Callers switch on these types, never on message text. Messages are one
/// sentence that says what is wrong and what to do next, and never contain secret material.
/// </summary>
/// <remarks>
/// <para>It lives in the lowest project (TcrToolkit.Ethereum, namespace <c>TcrToolkit</c>) so that every layer above —
/// the service layer, the peer-to-peer projects, the CLI — derives its families from the same root. The families:</para>
/// <list type="bullet">
/// <item><c>RpcException</c> (TcrToolkit.Ethereum.Rpc): the node could not be reached, refused, answered malformed, or a
/// contract reverted.</item>
/// <item><c>ReceiptTimeoutException</c>, <c>SendRefusedException</c> (TcrToolkit.Ethereum.Rpc): a transaction's outcome
/// is unknown, or a send was refused because another transaction of the account is pending.</item>
/// <item>In the service layer: <c>TcrConfigurationException</c> (the configuration does not match the chain),
/// <c>PreflightException</c> (a check refused an action; nothing was sent), <c>TcrRevertedException</c> (a transaction
/// reverted), <c>TcrStoreException</c> (a local file: salt vault, checkpoint or mirror store),
/// <c>DeploymentException</c>, <c>DevnetException</c>, <c>RegistryReorgTooDeepException</c>.</item>
/// </list>
/// <para>Two kinds keep their .NET base instead, by choice: malformed input (<see cref="Ethereum.EthereumFormatException"/>
/// derives from <see cref="FormatException"/>, because parsers and <c>TryParse</c> patterns are expected to throw
/// that, and callers already catch it), and key or password failures (<c>KeystorePasswordException</c>,
/// <c>SignatureRecoveryException</c> derive from <see cref="System.Security.Cryptography.CryptographicException"/>).
/// Cancellation stays <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public abstract class TcrToolkitException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence: what is wrong and what to do next.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected TcrToolkitException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
