using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// One JSON-RPC request and the task that receives its parsed result. A call is sent once: transports write it,
/// match the response by id, and complete <see cref="Completion"/>. Create typed calls with <see cref="EthCalls"/> or
/// the <see cref="RpcCall{T}"/> constructor, and send several at once with <see cref="RpcClient.SendBatchAsync"/>.
/// </summary>
public abstract class RpcCall
{
    private int _sent;

    private protected RpcCall(string method, Action<Utf8JsonWriter>? writeParams, bool isReadOnly)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        Method = method;
        WriteParams = writeParams;
        IsReadOnly = isReadOnly;
    }

    /// <summary>The JSON-RPC method name.</summary>
    public string Method { get; }

    /// <summary>
    /// Whether the call only reads state, so that repeating it after a transport fault is harmless. Only such calls
    /// are retried.
    /// </summary>
    public bool IsReadOnly { get; }

    /// <summary>How long the transport waits for this call's answer; <c>null</c> uses the transport's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Completes when the call has a result or has failed.</summary>
    public abstract Task Completion { get; }

    /// <summary>Writes the elements of the <c>params</c> array (not the brackets); <c>null</c> for no parameters.</summary>
    internal Action<Utf8JsonWriter>? WriteParams { get; }

    /// <summary>The id the transport assigned.</summary>
    internal long Id { get; set; }

    internal bool IsCompleted => Completion.IsCompleted;

    /// <summary>Marks the call as sent; a call cannot be sent twice.</summary>
    internal void MarkSent()
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            throw new InvalidOperationException($"This {Method} call was already sent; create a new call for each request.");
        }
    }

    /// <summary>Writes the whole request object.</summary>
    internal void WriteRequest(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WriteNumber("id"u8, Id);
        writer.WriteString("method"u8, Method);
        writer.WriteStartArray("params"u8);
        WriteParams?.Invoke(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Parses the result while its document is alive; parse failures fail the call.</summary>
    internal abstract void SetResult(JsonElement result, string endpoint);

    /// <summary>
    /// A reader of this call's result from a response that is still arriving, or <c>null</c> when the call parses a
    /// whole document. Transports that read a single call's answer as a stream use it; the others call <see cref="SetResult"/>.
    /// </summary>
    internal virtual RpcStreamedResult? CreateStreamedResult() => null;

    /// <summary>Completes the call with a result read by the reader from <see cref="CreateStreamedResult"/>.</summary>
    internal virtual void SetStreamedResult(RpcStreamedResult result) =>
        throw new InvalidOperationException($"The {Method} call does not read streamed results.");

    internal abstract void SetException(Exception exception);

    internal abstract void SetCanceled(CancellationToken cancellationToken);
}

/// <summary>A JSON-RPC call whose result is parsed into <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The parsed result type.</typeparam>
public sealed class RpcCall<T> : RpcCall
{
    private readonly Func<JsonElement, T> _parse;
    private readonly Func<RpcStreamedResult<T>>? _streamed;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a call.</summary>
    /// <param name="method">The JSON-RPC method, for example <c>eth_getBalance</c>.</param>
    /// <param name="writeParams">Writes the parameters as JSON values into the open <c>params</c> array; <c>null</c> for none.</param>
    /// <param name="parse">Turns the <c>result</c> member into <typeparamref name="T"/>; it runs while the response document is alive, so copy what it keeps.</param>
    /// <param name="isReadOnly">Whether repeating the call after a transport fault is harmless.</param>
    public RpcCall(string method, Action<Utf8JsonWriter>? writeParams, Func<JsonElement, T> parse, bool isReadOnly)
        : base(method, writeParams, isReadOnly)
    {
        ArgumentNullException.ThrowIfNull(parse);
        _parse = parse;
    }

    /// <summary>Creates a call whose result can also be read as it streams in, with a new reader from <paramref name="streamed"/>.</summary>
    internal RpcCall(string method, Action<Utf8JsonWriter>? writeParams, Func<JsonElement, T> parse, Func<RpcStreamedResult<T>> streamed, bool isReadOnly)
        : this(method, writeParams, parse, isReadOnly)
    {
        _streamed = streamed;
    }

    /// <summary>The parsed result, or the call's failure as an <see cref="RpcException"/> (or cancellation).</summary>
    public Task<T> Task => _completion.Task;

    /// <inheritdoc/>
    public override Task Completion => _completion.Task;

    internal override void SetResult(JsonElement result, string endpoint)
    {
        T value;
        try
        {
            value = _parse(result);
        }
        catch (RpcResultSelectorException ex)
        {
            _completion.TrySetException(ex.InnerException!);
            return;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or ArgumentException)
        {
            _completion.TrySetException(new RpcProtocolException(
                $"The result of {Method} from {endpoint} has an unexpected shape: {ex.Message}", endpoint, Method, ex));
            return;
        }

        _completion.TrySetResult(value);
    }

    internal override RpcStreamedResult? CreateStreamedResult() => _streamed?.Invoke();

    internal override void SetStreamedResult(RpcStreamedResult result) => _completion.TrySetResult(((RpcStreamedResult<T>)result).Value);

    internal override void SetException(Exception exception) => _completion.TrySetException(exception);

    internal override void SetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
