using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// The base of a transport over any channel that carries whole JSON-RPC messages: another library's client (see
/// TcrToolkit.Nethereum), IPC, an in-process node. A subclass only exchanges a request body for a response body;
/// this class assigns ids, writes the request (one object, or a batch array), applies the timeout, matches answers by
/// id and maps error objects to the same typed exceptions as <see cref="HttpRpcTransport"/>
/// (<see cref="ContractRevertedException"/> with the revert data, <see cref="RpcErrorException"/>), so an
/// <see cref="RpcClient"/> over it keeps its retries, pre-flight checks and error decoding.
/// </summary>
public abstract class RpcMessageTransport : IRpcTransport
{
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _timeProvider;
    private long _nextId;

    /// <summary>Creates the transport.</summary>
    /// <param name="requestTimeout">How long one exchange may take unless a call asks for more; 30 seconds by default.</param>
    /// <param name="timeProvider">The clock for timeouts; the system clock by default.</param>
    protected RpcMessageTransport(TimeSpan? requestTimeout = null, TimeProvider? timeProvider = null)
    {
        _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_requestTimeout, TimeSpan.Zero, nameof(requestTimeout));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public abstract string Endpoint { get; }

    /// <inheritdoc/>
    public async Task SendAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken = default)
    {
        if (RpcRequestWriter.Begin(calls, ref _nextId, _requestTimeout) is not (var body, var method, var timeout))
        {
            return;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            // WaitAsync: a channel that ignores the token (as many clients do) is abandoned, not awaited, on timeout.
            var response = await ExchangeAsync(body.WrittenMemory, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            Complete(calls, response, method);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var call in calls)
            {
                call.SetCanceled(cancellationToken);
            }
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested)
        {
            Fail(calls, new RpcUnavailableException(
                $"{method ?? $"A batch of {calls.Count} calls"} to {Endpoint} got no answer within {timeout.TotalSeconds:0.###} s.",
                Endpoint, method, ex, isTimeout: true));
        }
        catch (RpcException ex)
        {
            Fail(calls, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The channel failed in its own way: whether a send arrived is unknown, which is what "unavailable" says.
            Fail(calls, new RpcUnavailableException(
                $"The channel to {Endpoint} failed ({ex.GetType().Name}: {ex.Message}); check that the node is running and reachable.",
                Endpoint, method, ex));
        }
    }

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Sends one JSON-RPC request body — a request object, or a batch array of them — and returns the response body:
    /// the response object, or an array of response objects in any order. Throw <see cref="RpcUnavailableException"/>
    /// for a transport fault (any other exception is reported as one).
    /// </summary>
    /// <param name="request">The UTF-8 JSON request body; valid only until the returned task completes.</param>
    /// <param name="cancellationToken">Cancelled on the caller's cancellation or the request timeout.</param>
    protected abstract Task<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

    private void Complete(IReadOnlyList<RpcCall> calls, ReadOnlyMemory<byte> body, string? method)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            Fail(calls, new RpcProtocolException($"The node at {Endpoint} answered with invalid JSON: {ex.Message}", Endpoint, method, ex));
            return;
        }

        using (document)
        {
            RpcResponses.CompleteAll(calls, document.RootElement, Endpoint);
        }
    }

    private static void Fail(IReadOnlyList<RpcCall> calls, Exception exception)
    {
        foreach (var call in calls)
        {
            call.SetException(exception);
        }
    }
}
