using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>What a <see cref="SubscriptionEvent{T}"/> reports.</summary>
public enum SubscriptionEventKind
{
    /// <summary>A notification from the node; <see cref="SubscriptionEvent{T}.Value"/> holds it.</summary>
    Item,

    /// <summary>
    /// The connection dropped and the subscription was renewed on a new one. Notifications sent while disconnected
    /// are lost: fill the gap from the last item seen (for example with <c>eth_getLogs</c> or <c>eth_getBlockByNumber</c>).
    /// </summary>
    Reconnected,
}

/// <summary>One event of a subscription: a notification, or the mark of a reconnect after which a gap may exist.</summary>
/// <typeparam name="T">The notification type.</typeparam>
/// <param name="Kind">Whether this is an item or a reconnect mark.</param>
/// <param name="Value">The notification for <see cref="SubscriptionEventKind.Item"/>; <c>default</c> otherwise.</param>
public readonly record struct SubscriptionEvent<T>(SubscriptionEventKind Kind, T? Value)
{
    /// <summary>Whether notifications may have been missed just before this event.</summary>
    public bool IsGap => Kind == SubscriptionEventKind.Reconnected;
}

/// <summary>Transport-side state of one subscription, independent of its event type.</summary>
internal abstract class SubscriptionState
{
    protected SubscriptionState(string kind, Action<Utf8JsonWriter>? writeExtraParams)
    {
        Kind = kind;
        WriteExtraParams = writeExtraParams;
    }

    public string Kind { get; }

    public Action<Utf8JsonWriter>? WriteExtraParams { get; }

    /// <summary>The id the node gave the subscription on the current connection.</summary>
    public string? ServerId { get; set; }

    public abstract void Deliver(JsonElement result, string endpoint);

    public abstract void SignalReconnected();

    public abstract void Complete(Exception? error);
}

/// <summary>
/// An active <c>eth_subscribe</c> subscription. Enumerate it with <c>await foreach</c> for its events; dispose it to
/// unsubscribe. Events are buffered without limit until read, so read promptly. After a reconnect the stream carries a
/// <see cref="SubscriptionEventKind.Reconnected"/> event before any newer notification.
/// </summary>
/// <typeparam name="T">The notification type.</typeparam>
public sealed class RpcSubscription<T> : IAsyncEnumerable<SubscriptionEvent<T>>, IAsyncDisposable
{
    private readonly Channel<SubscriptionEvent<T>> _events =
        Channel.CreateUnbounded<SubscriptionEvent<T>>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    private readonly Func<SubscriptionState, ValueTask> _unsubscribe;
    private int _disposed;

    internal RpcSubscription(string kind, Action<Utf8JsonWriter>? writeExtraParams, Func<JsonElement, T> parse, Func<SubscriptionState, ValueTask> unsubscribe)
    {
        State = new StateImpl(this, kind, writeExtraParams, parse);
        _unsubscribe = unsubscribe;
    }

    /// <summary>The subscription id on the current connection; it changes after a reconnect.</summary>
    public string? Id => State.ServerId;

    internal SubscriptionState State { get; }

    /// <summary>Reads events until the subscription is disposed or <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerator<SubscriptionEvent<T>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var item in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Sends <c>eth_unsubscribe</c> (best effort) and ends the event stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _unsubscribe(State).ConfigureAwait(false);
            _events.Writer.TryComplete();
        }
    }

    private sealed class StateImpl(RpcSubscription<T> owner, string kind, Action<Utf8JsonWriter>? writeExtraParams, Func<JsonElement, T> parse)
        : SubscriptionState(kind, writeExtraParams)
    {
        public override void Deliver(JsonElement result, string endpoint)
        {
            T value;
            try
            {
                value = parse(result);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or OverflowException)
            {
                owner._events.Writer.TryComplete(new RpcProtocolException(
                    $"A {Kind} notification from {endpoint} has an unexpected shape: {ex.Message}", endpoint, "eth_subscription", ex));
                return;
            }

            owner._events.Writer.TryWrite(new SubscriptionEvent<T>(SubscriptionEventKind.Item, value));
        }

        public override void SignalReconnected() =>
            owner._events.Writer.TryWrite(new SubscriptionEvent<T>(SubscriptionEventKind.Reconnected, default));

        public override void Complete(Exception? error) => owner._events.Writer.TryComplete(error);
    }
}
