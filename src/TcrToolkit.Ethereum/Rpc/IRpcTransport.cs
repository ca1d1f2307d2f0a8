using System.Buffers;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// Carries JSON-RPC calls to a node. <see cref="SendAsync"/> sends the calls as one request (a batch array when there
/// are several), matches answers by id in any order, and completes every call: with its result, its JSON-RPC error
/// (<see cref="RpcErrorException"/>), a transport fault or timeout (<see cref="RpcUnavailableException"/>), or
/// cancellation. It never retries; <see cref="RpcClient"/> decides that.
/// </summary>
public interface IRpcTransport : IAsyncDisposable
{
    /// <summary>The endpoint without credentials, as it appears in messages (see <see cref="RpcEndpoint.Redact"/>).</summary>
    string Endpoint { get; }

    /// <summary>Sends the calls in one request and completes each of them; await each call's task for its outcome.</summary>
    /// <exception cref="InvalidOperationException">A call was already sent.</exception>
    /// <exception cref="ArgumentException">A call's parameters could not be written (the calls fail with it too).</exception>
    Task SendAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken = default);
}

/// <summary>A transport that can also hold <c>eth_subscribe</c> subscriptions (see <see cref="WebSocketRpcTransport"/>).</summary>
public interface IRpcSubscriptionTransport : IRpcTransport
{
    /// <summary>
    /// Sends <c>eth_subscribe</c> and returns once the node has accepted it, so no event after this point is missed.
    /// The subscription is renewed after a reconnect; a <see cref="SubscriptionEventKind.Reconnected"/> event marks
    /// where events may have been missed.
    /// </summary>
    /// <param name="kind">The subscription kind, for example <c>newHeads</c> or <c>logs</c>.</param>
    /// <param name="writeExtraParams">Writes parameters after the kind (for example the log filter), or <c>null</c>.</param>
    /// <param name="parse">Turns a notification's <c>result</c> into an event value.</param>
    /// <param name="cancellationToken">Cancels the subscribe request.</param>
    Task<RpcSubscription<T>> SubscribeAsync<T>(
        string kind,
        Action<Utf8JsonWriter>? writeExtraParams,
        Func<JsonElement, T> parse,
        CancellationToken cancellationToken = default);
}

/// <summary>Serialises calls into request bodies.</summary>
internal static class RpcRequestWriter
{
    public static ArrayBufferWriter<byte> Write(IReadOnlyList<RpcCall> calls)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * calls.Count);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        if (calls.Count == 1)
        {
            calls[0].WriteRequest(writer);
        }
        else
        {
            writer.WriteStartArray();
            foreach (var call in calls)
            {
                call.WriteRequest(writer);
            }

            writer.WriteEndArray();
        }

        writer.Flush();
        return buffer;
    }

    /// <summary>Writes the request body; if a call's parameters cannot be written, fails every call and rethrows.</summary>
    public static ArrayBufferWriter<byte> WriteOrFail(IReadOnlyList<RpcCall> calls)
    {
        try
        {
            return Write(calls);
        }
        catch (Exception ex)
        {
            foreach (var call in calls)
            {
                call.SetException(ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Starts sending <paramref name="calls"/>: marks them sent, numbers them from <paramref name="nextId"/> and writes
    /// the body; <c>null</c> when there is nothing to send. The method is named only for a single call (for messages).
    /// </summary>
    public static (ArrayBufferWriter<byte> Body, string? Method, TimeSpan Timeout)? Begin(IReadOnlyList<RpcCall> calls, ref long nextId, TimeSpan fallbackTimeout)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0)
        {
            return null;
        }

        foreach (var call in calls)
        {
            call.MarkSent();
            call.Id = Interlocked.Increment(ref nextId);
        }

        return (WriteOrFail(calls), calls.Count == 1 ? calls[0].Method : null, TimeoutFor(calls, fallbackTimeout));
    }

    public static TimeSpan TimeoutFor(IReadOnlyList<RpcCall> calls, TimeSpan fallback)
    {
        var timeout = TimeSpan.Zero;
        foreach (var call in calls)
        {
            var t = call.Timeout ?? fallback;
            timeout = t > timeout ? t : timeout;
        }

        return timeout;
    }
}
