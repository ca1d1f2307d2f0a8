using System.Net.WebSockets;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>Settings for <see cref="WebSocketRpcTransport"/>.</summary>
public sealed class WebSocketRpcTransportOptions
{
    /// <summary>How long a call (or batch) may wait for its answer, including time spent waiting for a reconnect.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first reconnect attempt; it doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for timeouts and backoff; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Adjusts each new socket before it connects (headers, proxy, keep-alive).</summary>
    public Action<ClientWebSocketOptions>? ConfigureSocket { get; set; }
}
