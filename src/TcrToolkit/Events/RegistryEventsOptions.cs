using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>Settings of a <see cref="RegistryEvents"/> stream.</summary>
public sealed class RegistryEventsOptions
{
    /// <summary>The registry contract.</summary>
    public Address Registry { get; set; }

    /// <summary>
    /// How many blocks must be built on an event's block before it is delivered: 0 delivers at the head; with
    /// <c>d</c>, an event in block <c>b</c> comes once the head is at least <c>b + d</c>.
    /// </summary>
    public int ConfirmationDepth { get; set; } = 2;

    /// <summary>How often the head is polled without a subscription, and the longest wait with one.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait before reading again after the node could not be reached.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A WebSocket endpoint for <c>newHeads</c>; <c>null</c> polls.</summary>
    public Uri? WebSocketEndpoint { get; set; }

    /// <summary>Timeouts and reconnects of the WebSocket, or <c>null</c> for the defaults.</summary>
    public WebSocketRpcTransportOptions? WebSocketOptions { get; set; }

    /// <summary>The block count of the first <c>eth_getLogs</c> call.</summary>
    public ulong InitialChunkSize { get; set; } = 2_000;

    /// <summary>The largest block count of one <c>eth_getLogs</c> call.</summary>
    public ulong MaxChunkSize { get; set; } = 50_000;

    /// <summary>
    /// How many block ranges past the one being delivered the catch-up reads in the meantime (each an
    /// <c>eth_getLogs</c> call and its hash checks), so that the node works while the consumer does; 0 reads one range
    /// at a time. Ranges read ahead are checked against the chain like any other before they are delivered.
    /// </summary>
    public int ReadAhead { get; set; } = 2;

    /// <summary>
    /// How many blocks below the head the stream remembers (below the checkpoint, once caught up): the deepest
    /// reorganisation it can retract, and the depth within which it checks each event's block hash after reading logs.
    /// During a catch-up, blocks deeper than this below the head are not kept, so memory does not grow with history.
    /// </summary>
    public int ReorgWindow { get; set; } = 256;

    /// <summary>The clock for polling and retry delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// A depth at which catch-up ranges are cut, and below which each block is read alone, so that a progress update
    /// marks every block that becomes that deep (the mirror confirms its changes there).
    /// </summary>
    internal int? ProgressDepth { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ConfirmationDepth, nameof(ConfirmationDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReorgWindow, 1, nameof(ReorgWindow));
        ArgumentOutOfRangeException.ThrowIfNegative(ReadAhead, nameof(ReadAhead));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(RetryDelay.Ticks, nameof(RetryDelay));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (Registry == Address.Zero)
        {
            throw new ArgumentException("Set RegistryEventsOptions.Registry to the registry contract's address.", nameof(Registry));
        }
    }
}
