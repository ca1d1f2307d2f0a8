using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>One storage slot's value and Merkle proof from <c>eth_getProof</c>.</summary>
/// <param name="Key">The slot.</param>
/// <param name="Value">The slot's value.</param>
/// <param name="Proof">The RLP-encoded trie nodes from the storage root to the slot.</param>
public sealed record StorageProof(Bytes32 Key, UInt256 Value, IReadOnlyList<byte[]> Proof);

/// <summary>An account's state and its Merkle proof from <c>eth_getProof</c>.</summary>
/// <param name="Address">The account.</param>
/// <param name="Balance">Its balance in wei.</param>
/// <param name="Nonce">Its transaction count.</param>
/// <param name="CodeHash">Keccak-256 of its code.</param>
/// <param name="StorageHash">Its storage trie root.</param>
/// <param name="AccountProofNodes">The RLP-encoded trie nodes from the state root to the account.</param>
/// <param name="StorageProofs">One proof per requested slot.</param>
public sealed record AccountProof(
    Address Address,
    UInt256 Balance,
    ulong Nonce,
    Bytes32 CodeHash,
    Bytes32 StorageHash,
    IReadOnlyList<byte[]> AccountProofNodes,
    IReadOnlyList<StorageProof> StorageProofs)
{
    internal static AccountProof Parse(JsonElement e) => new(
        RpcJson.AddressOf(e, "address"),
        RpcJson.QuantityOf(e, "balance"),
        RpcJson.UInt64Of(e, "nonce"),
        RpcJson.Bytes32Of(e, "codeHash"),
        RpcJson.Bytes32Of(e, "storageHash"),
        RpcJson.List(RpcJson.Get(e, "accountProof"), RpcJson.Data),
        RpcJson.List(RpcJson.Get(e, "storageProof"), s => new StorageProof(
            ParseKey(RpcJson.Get(s, "key")),
            RpcJson.QuantityOf(s, "value"),
            RpcJson.List(RpcJson.Get(s, "proof"), RpcJson.Data))));

    // Some nodes echo the key as a quantity ("0x0") rather than 32 bytes.
    private static Bytes32 ParseKey(JsonElement key) => RpcJson.Quantity(key).ToBytes32();
}
