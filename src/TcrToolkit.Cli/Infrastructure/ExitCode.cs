namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// The exit codes of <c>tcr</c>: scripts branch on these, so a code's meaning never changes once released. The table
/// in docs/cli.md is generated from nothing but these comments; keep both in step.
/// </summary>
public enum ExitCode
{
    /// <summary>The command did what it was asked.</summary>
    Ok = 0,

    /// <summary>An unexpected failure: a bug in tcr. The message names the exception; please report it.</summary>
    Unexpected = 1,

    /// <summary>
    /// The command line is wrong: unknown command or option, missing argument, or a malformed value (address, node id,
    /// amount, account index, mnemonic). Nothing was read from or sent to a node.
    /// </summary>
    Usage = 2,

    /// <summary>
    /// The configuration cannot be resolved: unknown network, missing or malformed deployment manifest, no RPC URL for the
    /// network, a node on another chain than the manifest's, a manifest whose contracts are missing or have other code,
    /// or a salt vault or checkpoint file that cannot be used (a symbolic link, a device, not SQLite, a read-only disk).
    /// Nothing was sent.
    /// </summary>
    Configuration = 3,

    /// <summary>The node could not be reached or did not answer in time. Nothing was sent, or see the message.</summary>
    RpcUnavailable = 4,

    /// <summary>
    /// Pre-flight refused: the call or gas estimate shows the transaction would revert (the message names the contract
    /// error), or a local check found the action not allowed now: a pending transaction of the account (<c>--replace</c>
    /// or <c>--queue</c> decide), too little ether for gas, a contract as token recipient; or no trusted mail server could
    /// serve <c>tcr message send</c> or <c>tcr history</c>. Nothing was sent.
    /// </summary>
    PreflightRefused = 5,

    /// <summary>The transaction was mined and reverted on chain; the message gives its hash and the error.</summary>
    Reverted = 6,

    /// <summary>
    /// The key cannot be had: keystore not found, wrong password, no password in a non-interactive run, or a keystore,
    /// key file or mnemonic source that cannot be read. Nothing was sent.
    /// </summary>
    Wallet = 7,

    /// <summary>
    /// The node answered with an error or a malformed answer (not a revert), or the URL answered HTTP without JSON-RPC
    /// (a web server, not a node); the message quotes it.
    /// </summary>
    RpcError = 8,

    /// <summary>
    /// The transaction was sent but no receipt came in time; it may still be mined. The message gives its hash: check it
    /// before sending again.
    /// </summary>
    ReceiptTimeout = 9,

    /// <summary>
    /// Interrupted (Ctrl-C), as shells report a SIGINT: 128 + 2. When a transaction was sent, the message gives its hash
    /// and nonce (a rerun refuses while it is pending).
    /// </summary>
    Cancelled = 130,
}
