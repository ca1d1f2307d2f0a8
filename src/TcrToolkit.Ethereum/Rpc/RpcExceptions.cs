using TcrToolkit.Ethereum.Abi;
namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// Base class for every failure of a JSON-RPC exchange. Catch a derived type to act on one kind: retry later
/// (<see cref="RpcUnavailableException"/>), fix the request (<see cref="RpcErrorException"/>), or handle a contract's
/// refusal (<see cref="ContractRevertedException"/>). Messages name the endpoint without credentials.
/// </summary>
public abstract class RpcException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what the caller can do about it.</param>
    /// <param name="endpoint">The endpoint, already redacted by <see cref="RpcEndpoint.Redact"/>.</param>
    /// <param name="method">The JSON-RPC method, or <c>null</c> when the failure concerns a whole batch.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    protected RpcException(string message, string endpoint, string? method, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
        Method = method;
    }

    /// <summary>The endpoint, with credentials, query and path removed (see <see cref="RpcEndpoint.Redact"/>).</summary>
    public string Endpoint { get; }

    /// <summary>The JSON-RPC method, or <c>null</c> when the failure concerns a whole batch.</summary>
    public string? Method { get; }
}

/// <summary>
/// The node could not be reached or did not answer in time: connection refused or reset, a timeout, an HTTP status
/// without a JSON-RPC body, or a WebSocket that dropped. Reads may be retried; a transaction send may or may not have
/// reached the node, so check its hash or the account's nonce before sending again.
/// </summary>
public sealed class RpcUnavailableException : RpcException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened, without credentials.</param>
    /// <param name="endpoint">The redacted endpoint.</param>
    /// <param name="method">The JSON-RPC method, or <c>null</c> for a batch.</param>
    /// <param name="innerException">The transport error, if any.</param>
    /// <param name="isTimeout">Whether the request ran out of time (rather than failing outright).</param>
    public RpcUnavailableException(string message, string endpoint, string? method, Exception? innerException = null, bool isTimeout = false)
        : base(message, endpoint, method, innerException)
    {
        IsTimeout = isTimeout;
    }

    /// <summary>Whether the request ran out of time rather than failing outright.</summary>
    public bool IsTimeout { get; }

    /// <summary>
    /// The HTTP status when a server answered without a JSON-RPC body (a web server or proxy, not a node), else
    /// <c>null</c>.
    /// </summary>
    public int? HttpStatus { get; init; }
}

/// <summary>
/// The node answered with a JSON-RPC error object: the request reached it and was refused. Retrying the same request
/// gives the same answer; change the request instead.
/// </summary>
public class RpcErrorException : RpcException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The JSON-RPC error code.</param>
    /// <param name="rpcMessage">The node's error message.</param>
    /// <param name="data">The error's <c>data</c> member as raw JSON, or <c>null</c> when absent.</param>
    /// <param name="endpoint">The redacted endpoint.</param>
    /// <param name="method">The JSON-RPC method, or <c>null</c> when the error answers a whole batch.</param>
    public RpcErrorException(int code, string rpcMessage, string? data, string endpoint, string? method)
        : base($"{method ?? "The batch"} failed at {endpoint} with JSON-RPC error {code}: {rpcMessage}", endpoint, method)
    {
        Code = code;
        RpcMessage = rpcMessage;
        ErrorData = data;
    }

    /// <summary>The JSON-RPC error code (for example -32601 for an unknown method, 3 for a revert).</summary>
    public int Code { get; }

    /// <summary>The node's error message, verbatim.</summary>
    public string RpcMessage { get; }

    /// <summary>The error's <c>data</c> member as raw JSON text, or <c>null</c> when the node sent none.</summary>
    public string? ErrorData { get; }

    /// <summary>Revert data found in <see cref="ErrorData"/> (a hex string, or an object with a hex <c>data</c> field).</summary>
    internal byte[]? RevertData { get; init; }
}

/// <summary>The node's answer is not valid JSON-RPC or a result has the wrong shape for its method.</summary>
public sealed class RpcProtocolException : RpcException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong with the answer.</param>
    /// <param name="endpoint">The redacted endpoint.</param>
    /// <param name="method">The JSON-RPC method, or <c>null</c> for a batch.</param>
    /// <param name="innerException">The parse error, if any.</param>
    public RpcProtocolException(string message, string endpoint, string? method, Exception? innerException = null)
        : base(message, endpoint, method, innerException) { }
}

/// <summary>
/// Contract execution reverted: an <c>eth_call</c> or <c>eth_estimateGas</c> the node refused with revert data, or a
/// mined transaction whose receipt has status 0. <see cref="RevertData"/> holds the raw bytes (selector first);
/// <see cref="Decoded"/> holds the error and its typed arguments when the <see cref="RevertDecoder"/> knows the selector.
/// </summary>
public sealed class ContractRevertedException : RpcException
{
    private readonly byte[] _revertData;

    /// <summary>Creates the exception; the message shows the decoded error when <paramref name="decoder"/> knows it.</summary>
    /// <param name="revertData">The raw revert data (empty when the node gave none).</param>
    /// <param name="nodeMessage">The node's own message, or <c>null</c>.</param>
    /// <param name="endpoint">The redacted endpoint.</param>
    /// <param name="method">The JSON-RPC method that surfaced the revert.</param>
    /// <param name="decoder">Decodes the revert data (<see cref="RevertDecoder.Standard"/>, or one built from the contracts'
    /// ABIs for their custom errors); <c>null</c> leaves <see cref="Decoded"/> empty.</param>
    /// <param name="transactionHash">The mined transaction, for a reverted receipt.</param>
    /// <param name="innerException">The JSON-RPC error, if the revert came as one.</param>
    public ContractRevertedException(
        ReadOnlySpan<byte> revertData,
        string? nodeMessage,
        string endpoint,
        string? method,
        RevertDecoder? decoder = null,
        Bytes32? transactionHash = null,
        Exception? innerException = null)
        : this(revertData.ToArray(), nodeMessage, endpoint, method, decoder, transactionHash, innerException)
    {
    }

    private ContractRevertedException(
        byte[] revertData,
        string? nodeMessage,
        string endpoint,
        string? method,
        RevertDecoder? decoder,
        Bytes32? transactionHash,
        Exception? innerException)
        : this(revertData, nodeMessage, endpoint, method, Decode(decoder, revertData), transactionHash, innerException)
    {
    }

    private ContractRevertedException(
        byte[] revertData,
        string? nodeMessage,
        string endpoint,
        string? method,
        DecodedRevert? decoded,
        Bytes32? transactionHash,
        Exception? innerException)
        : base(Describe(revertData, nodeMessage, decoded, transactionHash), endpoint, method, innerException)
    {
        _revertData = revertData;
        NodeMessage = nodeMessage;
        Decoded = decoded;
        TransactionHash = transactionHash;
    }

    /// <summary>The raw revert data: a 4-byte selector and ABI-encoded arguments, or empty.</summary>
    public ReadOnlySpan<byte> RevertData => _revertData;

    /// <summary>The first four bytes of <see cref="RevertData"/> as <c>0x</c>-prefixed hex, or <c>null</c> when shorter.</summary>
    public string? Selector => _revertData.Length >= 4 ? Hex.Encode(_revertData.AsSpan(0, 4)) : null;

    /// <summary>The node's own description of the revert, verbatim, or <c>null</c>.</summary>
    public string? NodeMessage { get; }

    /// <summary>The decoded error, or <c>null</c> when there was no decoder, no data, or a selector it does not know.</summary>
    public DecodedRevert? Decoded { get; }

    /// <summary>The reverted transaction, when the revert comes from a mined receipt.</summary>
    public Bytes32? TransactionHash { get; }

    private static DecodedRevert? Decode(RevertDecoder? decoder, byte[] data)
    {
        if (decoder is null || data.Length < 4)
        {
            return null;
        }

        try
        {
            var decoded = decoder.Decode(data);
            return decoded.Kind is RevertKind.Unknown or RevertKind.Empty ? null : decoded;
        }
        catch (EthereumFormatException)
        {
            // A decoder that cannot read the data leaves it undecoded; the raw bytes stay available.
            return null;
        }
    }

    private static string Describe(byte[] data, string? nodeMessage, DecodedRevert? decoded, Bytes32? transactionHash)
    {
        var subject = transactionHash is { } hash ? $"Transaction {hash} reverted" : "Execution reverted";
        var reason = decoded is not null
            ? $": {decoded}"
            : data.Length >= 4
                ? $" with error selector {Hex.Encode(data.AsSpan(0, 4))} ({data.Length} bytes of revert data, not decoded)"
                : data.Length == 0 ? " without revert data" : $" with {data.Length} bytes of malformed revert data";
        return nodeMessage is null ? subject + reason + "." : $"{subject}{reason}. The node said: {nodeMessage}";
    }
}
