using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>The chain reads a registry event stream needs; the RPC implementation and the test fakes provide them.</summary>
internal interface IRegistryChain : IAsyncDisposable
{
    /// <summary>The latest block number.</summary>
    Task<ulong> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>The canonical block hash at a height, or <c>null</c> when the chain is shorter.</summary>
    Task<Bytes32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken);

    /// <summary>The canonical block hashes at several heights (one request where the transport batches); <c>null</c> where the chain is shorter.</summary>
    Task<IReadOnlyList<Bytes32?>> GetBlockHashesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken);

    /// <summary>The registry's logs in blocks <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    Task<IReadOnlyList<Log>> GetLogsAsync(ulong from, ulong to, CancellationToken cancellationToken);

    /// <summary>
    /// The registry's events in blocks <paramref name="from"/> to <paramref name="to"/>, inclusive, in the node's
    /// order; removed logs and logs that are not registry events are left out. By default decoded from
    /// <see cref="GetLogsAsync"/>; the RPC chain decodes each log as it streams in.
    /// </summary>
    /// <exception cref="Ethereum.Abi.AbiDecodingException">A log has a registry event's topic but does not decode.</exception>
    async Task<IReadOnlyList<RegistryEvent>> GetEventsAsync(ulong from, ulong to, CancellationToken cancellationToken)
    {
        var logs = await GetLogsAsync(from, to, cancellationToken).ConfigureAwait(false);
        var events = new List<RegistryEvent>(logs.Count);
        foreach (var log in logs)
        {
            if (RegistryEvents.SelectEvent(log) is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }

    /// <summary>Returns when a block after <paramref name="knownHead"/> may exist: on a new-head notification, or after the poll interval.</summary>
    Task WaitForNewBlockAsync(ulong knownHead, CancellationToken cancellationToken);
}
