using TcrToolkit.Cli.Infrastructure.Configuration;
using TcrToolkit.Configuration;
using TcrToolkit.Deployment;
using TcrToolkit.Devnet;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Ethereum.Wallets;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// Maps exceptions from the service and Ethereum layers to <see cref="CliException"/>s with exit codes, so commands
/// can let them through. Add a mapping here, not a catch in a command, when a library failure needs a better sentence.
/// </summary>
public static class ErrorTranslator
{
    /// <summary>
    /// The <see cref="CliException"/> for <paramref name="exception"/>, chosen by its type (never by its message text);
    /// unknown exceptions become exit code 1.
    /// </summary>
    /// <param name="exception">What a command threw.</param>
    /// <param name="command">The command, for messages ("tcr token balance").</param>
    /// <param name="network">The invocation's network if it was resolved, so that an unreachable devnet reads as "not running".</param>
    /// <param name="inFlight">The transaction sent (or being sent) without a receipt yet, for the message after Ctrl-C.</param>
    /// <param name="streaming">Whether the command was streaming (<c>tcr watch</c>): Ctrl-C is then how it stops.</param>
    public static CliException Translate(
        Exception exception, string command, ResolvedNetwork? network = null, InFlightTransaction? inFlight = null, bool streaming = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            CliException cli => cli,
            OperationCanceledException => Interrupted(command, inFlight, streaming, exception),
            PreflightException e => new CliException(
                ExitCode.PreflightRefused,
                "preflight-refused",
                Sentence(e.Reason),
                e),
            TcrRevertedException { TransactionHash: { } hash } e => new CliException(
                ExitCode.Reverted,
                "reverted",
                $"Transaction {hash} reverted on chain with {e.Decoded?.Message ?? "no reason"}; the state changed since the checks, so look at it again (a show command) before retrying.",
                e),
            TcrRevertedException e => new CliException(
                ExitCode.PreflightRefused,
                "preflight-refused",
                $"The node's simulation says {command} would revert with {e.Decoded?.Message ?? "no reason"}; nothing was sent, the state changed since the checks, so look at it again before retrying.",
                e),
            PendingTransactionException { CanReplace: true } e => CliException.Refused(
                "transaction-pending",
                $"Account {e.Account} already has {e.PendingNonce - e.MinedNonce} transaction(s) waiting to be mined (nonce {e.MinedNonce} onwards), perhaps from an interrupted run, so nothing was sent; wait for it to be mined and check what it did, or rerun with --replace to replace it or --queue to send this one after it.",
                e),
            PendingTransactionException e => CliException.Refused(
                "transaction-pending",
                $"Account {e.Account} has a transaction waiting with nonce {e.MinedNonce} that the node does not show, so it cannot be replaced and nothing was sent; wait for it to be mined or dropped, or rerun with --queue to send after it.",
                e),
            NothingToReplaceException e => CliException.Refused(
                "nothing-to-replace",
                $"Account {e.Account} has no pending transaction to replace (the earlier one was mined or dropped), so nothing was sent; check what it did (`tcr <noun> show`) before running again without --replace.",
                e),
            InsufficientEtherException e => CliException.Refused(
                "ether-insufficient",
                $"Account {e.Account} has {EthUnits.FormatEther(e.Balance)} ether but the transaction may cost up to {EthUnits.FormatEther(e.Required)} ether in gas, so nothing was sent; {(network?.Network.IsDevnet == true ? $"fund it with `tcr devnet fund {e.Account}`" : "send it some ether")} and retry.",
                e),
            DeploymentManifestException e => CliException.Configuration("manifest-invalid", $"{e.Message.TrimEnd('.')}; fix or regenerate it, or pass --manifest FILE.", e),
            TcrConfigurationException e => CliException.Configuration("deployment-mismatch", $"{OneLine(e.Message).TrimEnd('.')}.", e),
            ChainIdMismatchException e => CliException.Configuration("chain-mismatch", OneLine(e.Message), e),
            DeploymentConfigException e => CliException.Configuration("config-invalid", OneLine(e.Message), e),
            DeploymentMismatchException e => CliException.Configuration("deployment-mismatch", OneLine(e.Message), e),
            DeploymentException { InnerException: RpcUnavailableException inner } => Translate(inner, command, network),
            DeploymentException e => e.Failure switch
            {
                DeploymentFailure.Configuration => CliException.Configuration("deployment-configuration", OneLine(e.Message), e),
                DeploymentFailure.WouldRevert => CliException.Refused("deployment-refused", OneLine(e.Message), e),
                DeploymentFailure.Refused => new CliException(ExitCode.RpcError, "deployment-rejected", OneLine(e.Message), e),
                DeploymentFailure.Reverted => new CliException(ExitCode.Reverted, "deployment-reverted", OneLine(e.Message), e),
                DeploymentFailure.ReceiptTimeout => new CliException(ExitCode.ReceiptTimeout, "deployment-receipt-timeout", OneLine(e.Message), e),
                _ => new CliException(ExitCode.RpcError, "deployment-failed", OneLine(e.Message), e),
            },
            DevnetException e => CliException.Configuration("devnet-failed", OneLine(e.Message), e),
            RpcUnavailableException { HttpStatus: { } status } e => new CliException(
                ExitCode.RpcError,
                "rpc-not-a-node",
                $"The server at {e.Endpoint} answered HTTP {status} without JSON-RPC, so it is not an Ethereum node (a web server or proxy); check the --rpc URL (scheme, host, port and path).",
                e),
            RpcUnavailableException { IsTimeout: false } e when network is { IsRpcFromDevnetManifest: true } => CliException.Configuration(
                "devnet-not-running",
                $"No devnet is running here: nothing answers at {e.Endpoint}, the address {network.ManifestPath} records; start one with `tcr devnet up`, or pass --rpc URL.",
                e),
            RpcUnavailableException e => new CliException(
                ExitCode.RpcUnavailable,
                "rpc-unavailable",
                e.IsTimeout
                    ? $"The node at {e.Endpoint} did not answer in time; check that it is running and reachable, or pass another --rpc."
                    : $"Cannot reach the node at {e.Endpoint}; start it (`tcr devnet up` for the devnet) or pass the right --rpc URL.",
                e),
            ContractRevertedException { TransactionHash: { } hash } e => new CliException(
                ExitCode.Reverted,
                "reverted",
                $"Transaction {hash} reverted on chain{Reason(e)}; nothing changed but the gas spent, see `tcr <noun> show` for the current state.",
                e),
            ContractRevertedException e => new CliException(
                ExitCode.PreflightRefused,
                "preflight-refused",
                $"The node's simulation says this would revert{Reason(e)}; nothing was sent, check the state with a show command first.",
                e),
            ReceiptTimeoutException e => new CliException(
                ExitCode.ReceiptTimeout,
                "receipt-timeout",
                $"Transaction {e.TransactionHash} was sent but no receipt came in time; it may still be mined, so check it before sending again.",
                e),
            RpcErrorException e => new CliException(
                ExitCode.RpcError,
                "rpc-error",
                $"The node at {e.Endpoint} refused {e.Method ?? "the request"} with error {e.Code} ({OneLine(e.RpcMessage)}); check the node and the arguments.",
                e),
            RpcException e => new CliException(ExitCode.RpcError, "rpc-protocol", $"The node at {e.Endpoint} gave an answer tcr cannot read ({OneLine(e.Message)}); check that --rpc points at an Ethereum JSON-RPC node.", e),
            Events.RegistryStoreException e => CliException.Configuration("checkpoint-unreadable", $"{OneLine(e.Message).TrimEnd('.')}.", e),
            Votes.SaltVaultException e => CliException.Configuration("salt-vault-unusable", $"{OneLine(e.Message).TrimEnd('.')}.", e),
            Events.RegistryReorgTooDeepException e => CliException.Configuration(
                "checkpoint-stale",
                $"The checkpoint file's blocks from {e.Oldest.BlockNumber} to {e.Newest.BlockNumber} are no longer on this chain (a deep reorganisation, or a restarted devnet); start over with --from BLOCK.",
                e),
            KeystorePasswordException e => CliException.Wallet("password-wrong", $"Wrong keystore password; try again, or check {CliEnvironment.PasswordVariable}.", e),
            MnemonicFormatException e => CliException.Usage("mnemonic-invalid", $"{e.Message.TrimEnd('.')}; check the mnemonic.", e),
            // Other format errors come from values given on the command line that a command parsed itself.
            EthereumFormatException e => CliException.Usage("value-malformed", $"{OneLine(e.Message).TrimEnd('.')}; check the value and run `{command} --help`.", e),
            _ => new CliException(
                ExitCode.Unexpected,
                "unexpected",
                $"{command} failed unexpectedly ({exception.GetType().Name}: {OneLine(exception.Message).TrimEnd('.')}); this is a bug in tcr, please report it with the command line.",
                exception),
        };
    }

    /// <summary>Ctrl-C: what was sent (hash and nonce) and how to go on, or for a stream that it stopped.</summary>
    private static CliException Interrupted(string command, InFlightTransaction? inFlight, bool streaming, Exception exception) => inFlight switch
    {
        { Hash: { } hash, Nonce: { } nonce } => new CliException(
            ExitCode.Cancelled,
            "cancelled-after-send",
            $"{command} was interrupted while waiting for transaction {hash} (nonce {nonce}), which was sent and may still be mined; check it with a block explorer or `eth_getTransactionReceipt` before running again — a rerun refuses while it is pending (--replace replaces it, --queue sends after it).",
            exception),
        not null => new CliException(
            ExitCode.Cancelled,
            "cancelled-while-sending",
            $"{command} was interrupted while sending a transaction, which may or may not have reached the node; check the account's pending transactions before running again — a rerun refuses while one is pending (--replace replaces it, --queue sends after it).",
            exception),
        null when streaming => new CliException(
            ExitCode.Cancelled,
            "stopped",
            $"{command} stopped; run it again to resume where it left off.",
            exception),
        null => new CliException(
            ExitCode.Cancelled,
            "cancelled",
            $"{command} was interrupted before sending anything; run it again when ready.",
            exception),
    };

    private static string Reason(ContractRevertedException e) =>
        e.Decoded is { } decoded ? $" with {decoded}"
        : e.Selector is { } selector ? $" with error {selector}"
        : string.Empty;

    /// <summary>A pre-flight reason ("what is wrong; what to do.") as one sentence starting with a capital.</summary>
    private static string Sentence(string text)
    {
        text = OneLine(text);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
