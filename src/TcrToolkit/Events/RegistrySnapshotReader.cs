using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.Events;

/// <summary>Reads the registry's state at a block, for a cold start and for the mirror's chain identity.</summary>
internal interface IRegistrySnapshotReader
{
    /// <summary>The listed entries (the trusted set) at <paramref name="blockNumber"/>.</summary>
    /// <exception cref="RegistryChainMismatchException">The registry answers nothing (no code, or empty data).</exception>
    Task<IReadOnlyList<MirroredListing>> ReadListedAsync(ulong blockNumber, CancellationToken cancellationToken);

    /// <summary>The Keccak-256 hash of the registry's runtime code at <paramref name="blockNumber"/>, or <c>null</c> when it has none.</summary>
    Task<Bytes32?> ReadCodeHashAsync(ulong blockNumber, CancellationToken cancellationToken);
}

/// <summary>Reads the trusted set with <c>listedCount</c>, <c>listedPage</c> and batched <c>listing</c> calls, through the generated bindings.</summary>
internal sealed class RpcSnapshotReader(RpcClient client, Address registry, int pageSize) : IRegistrySnapshotReader
{
    public async Task<IReadOnlyList<MirroredListing>> ReadListedAsync(ulong blockNumber, CancellationToken cancellationToken)
    {
        var block = BlockTag.FromNumber(blockNumber);
        var count = (ulong)Decode(await CallAsync(MailServerRegistry.EncodeListedCount(), block, cancellationToken).ConfigureAwait(false), "listedCount", MailServerRegistry.DecodeListedCountOutput);
        var listings = new List<MirroredListing>((int)Math.Min(count, 1_000_000));
        for (ulong offset = 0; offset < count; offset += (ulong)pageSize)
        {
            var data = MailServerRegistry.EncodeListedPage((UInt256)offset, (UInt256)(ulong)pageSize);
            var ids = Decode(await CallAsync(data, block, cancellationToken).ConfigureAwait(false), "listedPage", MailServerRegistry.DecodeListedPageOutput);
            var calls = ids.Select(id => EthCalls.Call(new CallRequest { To = registry, Data = MailServerRegistry.EncodeListing(id) }, block)).ToList();
            if (calls.Count > 0)
            {
                await client.SendBatchAsync(calls, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < ids.Count; i++)
            {
                var listing = Decode(await calls[i].Task.ConfigureAwait(false), "listing", MailServerRegistry.DecodeListingOutput);
                listings.Add(new MirroredListing(ids[i], listing.Owner, listing.Stage, listing.Deposit));
            }
        }

        return listings;
    }

    public async Task<Bytes32?> ReadCodeHashAsync(ulong blockNumber, CancellationToken cancellationToken)
    {
        var code = await client.GetCodeAsync(registry, BlockTag.FromNumber(blockNumber), cancellationToken).ConfigureAwait(false);
        return code.Length == 0 ? null : Keccak256.Hash(code);
    }

    private Task<byte[]> CallAsync(byte[] data, BlockTag block, CancellationToken cancellationToken) =>
        client.CallAsync(new CallRequest { To = registry, Data = data }, block, cancellationToken);

    private T Decode<T>(byte[] output, string function, AbiOutputDecoder<T> decode)
    {
        if (output.Length == 0)
        {
            // What a call to an address without code returns: the chain holds no registry there (any more).
            throw new RegistryChainMismatchException($"The registry {registry} answered {function} with no data: it has no code on this chain, or is another contract.");
        }

        try
        {
            return decode(output);
        }
        catch (AbiDecodingException e)
        {
            throw new RegistryChainMismatchException($"The registry {registry} answered {function} with data that does not decode ({e.Message}): it is another contract.", e);
        }
    }
}

/// <summary>Decodes a function's output.</summary>
internal delegate T AbiOutputDecoder<out T>(ReadOnlySpan<byte> output);

/// <summary>
/// The chain or registry the mirror follows is not the one its state was read from (another genesis block, no code or
/// other code at the registry's address, a registry that answers nothing): its trust is withdrawn and it rebuilds.
/// </summary>
public sealed class RegistryChainMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryChainMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public RegistryChainMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
