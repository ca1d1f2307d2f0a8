using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <content>The chain as the mirror's stream reads it, reporting to the mirror what the node says.</content>
public sealed partial class RegistryMirror
{
    /// <summary>
    /// Lends the mirror's chain to a stream (which must not close it) and tells the mirror what the node says: each
    /// head it reports, each failure to answer, and each poll that found nothing new after checking the newest block.
    /// </summary>
    private sealed class ObservedChain(IRegistryChain inner, RegistryMirror mirror) : IRegistryChain
    {
        public async Task<ulong> GetHeadAsync(CancellationToken cancellationToken)
        {
            var head = await Observe(() => inner.GetHeadAsync(cancellationToken)).ConfigureAwait(false);
            mirror.OnHead(head);
            return head;
        }

        public Task<Bytes32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken) => Observe(() => inner.GetBlockHashAsync(number, cancellationToken));

        public Task<IReadOnlyList<Bytes32?>> GetBlockHashesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken) =>
            Observe(() => inner.GetBlockHashesAsync(numbers, cancellationToken));

        public Task<IReadOnlyList<Log>> GetLogsAsync(ulong from, ulong to, CancellationToken cancellationToken) => Observe(() => inner.GetLogsAsync(from, to, cancellationToken));

        public Task<IReadOnlyList<RegistryEvent>> GetEventsAsync(ulong from, ulong to, CancellationToken cancellationToken) =>
            Observe(() => inner.GetEventsAsync(from, to, cancellationToken));

        public async Task WaitForNewBlockAsync(ulong knownHead, CancellationToken cancellationToken)
        {
            // The stream waits only after it found the newest delivered block still canonical and nothing new.
            mirror.OnChainConfirmed();
            await Observe(() => WaitAsync(knownHead, cancellationToken)).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private async Task<bool> WaitAsync(ulong knownHead, CancellationToken cancellationToken)
        {
            await inner.WaitForNewBlockAsync(knownHead, cancellationToken).ConfigureAwait(false);
            return true;
        }

        private async Task<T> Observe<T>(Func<Task<T>> read)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcUnavailableException or RpcProtocolException)
            {
                mirror.OnUnreachable(ex);
                throw;
            }
        }
    }
}
