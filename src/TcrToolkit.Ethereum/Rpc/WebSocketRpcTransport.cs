using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

// About 500 lines: one connection's whole life (connect, send, the receive loop that routes answers and subscription
// notifications, reconnect with back-off, resubscription) works on the same pending calls, subscriptions and current
// socket; split apart, each piece would need that shared state exposed.
/// <summary>
/// JSON-RPC over a WebSocket, with <c>eth_subscribe</c> subscriptions. When the connection drops, calls in flight fail
/// with <see cref="RpcUnavailableException"/>, the transport reconnects with exponential backoff, renews every
/// subscription, and puts a <see cref="SubscriptionEventKind.Reconnected"/> event into each stream.
/// </summary>
public sealed class WebSocketRpcTransport : IRpcSubscriptionTransport
{
    private readonly Uri _address;
    private readonly string? _authorization;
    private readonly WebSocketRpcTransportOptions _options;
    private readonly ConcurrentDictionary<long, RpcCall> _pending = new();
    private readonly ConcurrentDictionary<string, SubscriptionState> _byServerId = new(StringComparer.Ordinal);
    private readonly List<SubscriptionState> _subscriptions = [];
    private readonly Lock _subscriptionsGate = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _disposal = new();
    private TaskCompletionSource<ClientWebSocket> _connected = NewConnectedSource();
    private Task _run = Task.CompletedTask;
    private long _nextId;
    private int _reconnects;
    private int _disposed;

    private WebSocketRpcTransport(Uri endpoint, WebSocketRpcTransportOptions options)
    {
        (_address, var authorization) = RpcEndpoint.SplitCredentials(endpoint);
        _authorization = authorization?.ToString();
        _options = options;
        Endpoint = RpcEndpoint.Redact(endpoint);
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <summary>How many times the transport has reconnected since it was created.</summary>
    public int ReconnectCount => Volatile.Read(ref _reconnects);

    /// <summary>Connects to the node; the first connection must succeed, later ones are retried in the background.</summary>
    /// <param name="endpoint">A ws or wss URL, optionally with user info for Basic authentication.</param>
    /// <param name="options">Timeouts, backoff and clock; <c>null</c> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <exception cref="RpcUnavailableException">The node could not be reached.</exception>
    public static async Task<WebSocketRpcTransport> ConnectAsync(
        Uri endpoint, WebSocketRpcTransportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeWs && endpoint.Scheme != Uri.UriSchemeWss))
        {
            throw new ArgumentException($"The endpoint must be an absolute ws or wss URL; got {RpcEndpoint.Redact(endpoint)}.", nameof(endpoint));
        }

        var transport = new WebSocketRpcTransport(endpoint, options ?? new WebSocketRpcTransportOptions());
        var socket = await transport.ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
        transport._connected.TrySetResult(socket);
        transport._run = Task.Run(() => transport.RunAsync(socket), CancellationToken.None);
        return transport;
    }

    /// <inheritdoc/>
    public async Task SendAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0)
        {
            return;
        }

        foreach (var call in calls)
        {
            call.MarkSent();
            call.Id = Interlocked.Increment(ref _nextId);
        }

        var body = RpcRequestWriter.WriteOrFail(calls);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Fail(calls, new RpcUnavailableException($"The WebSocket transport to {Endpoint} was disposed.", Endpoint, calls.Count == 1 ? calls[0].Method : null));
            return;
        }

        foreach (var call in calls)
        {
            _pending[call.Id] = call;
        }

        var method = calls.Count == 1 ? calls[0].Method : null;
        var timeout = RpcRequestWriter.TimeoutFor(calls, _options.RequestTimeout);
        using var timeoutSource = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token, _disposal.Token);
        try
        {
            var socket = await Volatile.Read(ref _connected).Task.WaitAsync(linked.Token).ConfigureAwait(false);
            await _sendGate.WaitAsync(linked.Token).ConfigureAwait(false);
            try
            {
                // Cancelling a WebSocket send aborts the socket, so only disposal may interrupt it.
                await socket.SendAsync(body.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, _disposal.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendGate.Release();
            }

            foreach (var call in calls)
            {
                await call.Completion.ContinueWith(static _ => { }, linked.Token, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Forget(calls);
            foreach (var call in calls)
            {
                call.SetCanceled(cancellationToken);
            }
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested)
        {
            Forget(calls);
            Fail(calls, new RpcUnavailableException(
                $"{method ?? $"A batch of {calls.Count} calls"} to {Endpoint} got no answer within {timeout.TotalSeconds:0.###} s.",
                Endpoint, method, ex, isTimeout: true));
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            Forget(calls);
            Fail(calls, new RpcUnavailableException(
                _disposal.IsCancellationRequested ? $"The WebSocket transport to {Endpoint} was disposed." : $"The WebSocket connection to {Endpoint} failed while sending.",
                Endpoint, method, ex));
        }
    }

    /// <inheritdoc/>
    public async Task<RpcSubscription<T>> SubscribeAsync<T>(
        string kind,
        Action<Utf8JsonWriter>? writeExtraParams,
        Func<JsonElement, T> parse,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(parse);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var subscription = new RpcSubscription<T>(kind, writeExtraParams, parse, UnsubscribeAsync);
        lock (_subscriptionsGate)
        {
            _subscriptions.Add(subscription.State);
        }

        try
        {
            await SubscribeStateAsync(subscription.State, renewal: false, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_subscriptionsGate)
            {
                _subscriptions.Remove(subscription.State);
            }

            throw;
        }

        return subscription;
    }

    /// <summary>Closes the connection, fails calls in flight and ends every subscription stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposal.CancelAsync().ConfigureAwait(false);
        Volatile.Read(ref _connected).TrySetCanceled(_disposal.Token);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposal cancels the loop; nothing else to report.
        }

        FailPending($"The WebSocket transport to {Endpoint} was disposed.");
        lock (_subscriptionsGate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Complete(null);
            }

            _subscriptions.Clear();
        }

        _disposal.Dispose();
        _sendGate.Dispose();
    }

    private async Task SubscribeStateAsync(SubscriptionState state, bool renewal, CancellationToken cancellationToken)
    {
        // The node's answer is parsed on the receive loop, so the id is registered (and, on renewal, the gap is marked)
        // before any notification for it can be dispatched.
        var call = new RpcCall<string>(
            "eth_subscribe",
            w =>
            {
                w.WriteStringValue(state.Kind);
                state.WriteExtraParams?.Invoke(w);
            },
            e =>
            {
                var id = e.GetString() ?? throw new FormatException("The subscription id is null.");
                if (state.ServerId is { } old)
                {
                    // Only this state's own entry: a new connection may have given its old id to another subscription.
                    _byServerId.TryRemove(new KeyValuePair<string, SubscriptionState>(old, state));
                }

                if (renewal)
                {
                    state.SignalReconnected();
                }

                state.ServerId = id;
                _byServerId[id] = state;
                return id;
            },
            isReadOnly: false);
        await SendAsync([call], cancellationToken).ConfigureAwait(false);
        await call.Task.ConfigureAwait(false);
    }

    private async ValueTask UnsubscribeAsync(SubscriptionState state)
    {
        lock (_subscriptionsGate)
        {
            _subscriptions.Remove(state);
        }

        if (state.ServerId is not { } id || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        _byServerId.TryRemove(id, out _);
        var call = new RpcCall<bool>("eth_unsubscribe", w => w.WriteStringValue(id), e => e.ValueKind == JsonValueKind.True, isReadOnly: false)
        {
            Timeout = _options.ConnectTimeout,
        };
        await SendAsync([call], CancellationToken.None).ConfigureAwait(false);
        try
        {
            await call.Task.ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // Best effort: the node drops the subscription with the connection anyway.
        }
    }

    private async Task RunAsync(ClientWebSocket socket)
    {
        var token = _disposal.Token;
        var reconnected = false;
        while (true)
        {
            var receive = ReceiveLoopAsync(socket, token);
            if (reconnected)
            {
                _ = Task.Run(ResubscribeAllAsync, CancellationToken.None);
            }

            try
            {
                await receive.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or JsonException or ObjectDisposedException)
            {
                // The connection is gone; fall through to reconnect (or stop on disposal).
            }

            // Calls sent from now on wait for the next connection.
            var current = Volatile.Read(ref _connected);
            if (current.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _connected, NewConnectedSource(), current);
            }

            socket.Dispose();
            _byServerId.Clear(); // subscription ids belong to the connection that issued them
            FailPending($"The WebSocket connection to {Endpoint} was lost before the answer arrived.");
            if (token.IsCancellationRequested)
            {
                return;
            }

            socket = await ReconnectAsync(token).ConfigureAwait(false);
            Interlocked.Increment(ref _reconnects);
            Volatile.Read(ref _connected).TrySetResult(socket);
            reconnected = true;
        }
    }

    private async Task ResubscribeAllAsync()
    {
        List<SubscriptionState> states;
        lock (_subscriptionsGate)
        {
            // Subscriptions still waiting for their first id subscribe on the new connection by themselves.
            states = [.. _subscriptions.Where(s => s.ServerId is not null)];
        }

        foreach (var state in states)
        {
            try
            {
                await SubscribeStateAsync(state, renewal: true, _disposal.Token).ConfigureAwait(false);
            }
            catch (RpcUnavailableException)
            {
                // The new connection dropped too; the next reconnect renews the subscription again.
                return;
            }
            catch (RpcErrorException ex)
            {
                state.Complete(ex);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<ClientWebSocket> ReconnectAsync(CancellationToken token)
    {
        var delay = _options.ReconnectDelay;
        while (true)
        {
            // Up to 20 % jitter, so that many clients do not reconnect in step.
            var jittered = delay * (1 + (Random.Shared.NextDouble() * 0.2));
            await Task.Delay(jittered, _options.TimeProvider, token).ConfigureAwait(false);
            try
            {
                return await ConnectSocketAsync(token).ConfigureAwait(false);
            }
            catch (RpcUnavailableException)
            {
                delay = delay * 2 > _options.MaxReconnectDelay ? _options.MaxReconnectDelay : delay * 2;
            }
        }
    }

    private async Task<ClientWebSocket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (_authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", _authorization);
        }

        _options.ConfigureSocket?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(_address, linked.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
        {
            socket.Dispose();
            throw new RpcUnavailableException(
                timeout.IsCancellationRequested
                    ? $"Connecting to {Endpoint} took longer than {_options.ConnectTimeout.TotalSeconds:0.###} s."
                    : $"Could not open a WebSocket to {Endpoint}; check that the node is running and serves WebSocket.",
                Endpoint, null, ex, isTimeout: timeout.IsCancellationRequested);
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken token)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            Dispatch(buffer.WrittenMemory);
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            // Not JSON: nothing can be matched to it. Calls waiting for an answer will time out.
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in root.EnumerateArray())
                {
                    DispatchOne(item);
                }
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                DispatchOne(root);
            }
        }
    }

    private void DispatchOne(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (RpcResponses.ReadId(message) is { } id)
        {
            if (_pending.TryRemove(id, out var call))
            {
                RpcResponses.Complete(call, message, Endpoint);
            }

            return;
        }

        if (message.TryGetProperty("method"u8, out var method) && method.ValueEquals("eth_subscription"u8) &&
            message.TryGetProperty("params"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object &&
            parameters.TryGetProperty("subscription"u8, out var subscriptionId) && subscriptionId.ValueKind == JsonValueKind.String &&
            parameters.TryGetProperty("result"u8, out var result) &&
            _byServerId.TryGetValue(subscriptionId.GetString()!, out var state))
        {
            state.Deliver(result, Endpoint);
        }
    }

    private void FailPending(string message)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call))
            {
                call.SetException(new RpcUnavailableException(message, Endpoint, call.Method));
            }
        }
    }

    private void Forget(IReadOnlyList<RpcCall> calls)
    {
        foreach (var call in calls)
        {
            _pending.TryRemove(call.Id, out _);
        }
    }

    private static void Fail(IReadOnlyList<RpcCall> calls, Exception exception)
    {
        foreach (var call in calls)
        {
            call.SetException(exception);
        }
    }

    private static TaskCompletionSource<ClientWebSocket> NewConnectedSource() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
