using System.Runtime.CompilerServices;

namespace TcrToolkit.Ethereum;

/// <summary>A transaction with its signature and raw serialized form, ready for <c>eth_sendRawTransaction</c>.</summary>
public sealed class SignedTransaction
{
    private readonly byte[] _raw;
    private StrongBox<Address>? _from; // a reference, so that publishing the cached value is atomic

    internal SignedTransaction(Transaction transaction, Signature signature, byte[] raw)
    {
        Transaction = transaction;
        Signature = signature;
        _raw = raw;
        Hash = Keccak256.Hash(raw);
    }

    /// <summary>The unsigned transaction fields.</summary>
    public Transaction Transaction { get; }

    /// <summary>The sender's signature.</summary>
    public Signature Signature { get; }

    /// <summary>The serialized transaction (typed envelope or legacy RLP list).</summary>
    public ReadOnlySpan<byte> RawBytes => _raw;

    /// <summary>The transaction hash: Keccak-256 of <see cref="RawBytes"/>.</summary>
    public Bytes32 Hash { get; }

    /// <summary>The sender, recovered from the signature.</summary>
    /// <exception cref="SignatureRecoveryException">The signature does not recover to a public key.</exception>
    public Address From => (_from ??= new StrongBox<Address>(PublicKey.Recover(Transaction.GetSigningHash(), Signature).Address)).Value;

    /// <summary>The serialized transaction as <c>0x</c>-prefixed hex.</summary>
    public string ToHex() => Hex.Encode(_raw);

    /// <summary>The transaction hash and type.</summary>
    public override string ToString() => $"{Transaction.Type} transaction {Hash}";
}
