using Nethereum.Signer;
using Nethereum.Signer.Crypto;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace TcrToolkit.Nethereum.Tests;

/// <summary>
/// A Nethereum external signer written the way hardware and KMS signers are (on <see cref="EthExternalSignerBase"/>,
/// signing hashes, with Nethereum computing v): the key lives in a private field of a private nested type and no member
/// returns it, so whatever signs through this class cannot have used the key any other way.
/// </summary>
public sealed class IsolatedExternalSigner : EthExternalSignerBase
{
    private readonly Vault _vault;

    /// <summary>Creates a signer over a copy of <paramref name="secretHex"/>.</summary>
    public IsolatedExternalSigner(string secretHex)
    {
        _vault = new Vault(new EthECKey(secretHex));
    }

    /// <inheritdoc/>
    public override bool CalculatesV { get; protected set; }

    /// <inheritdoc/>
    public override ExternalSignerTransactionFormat ExternalSignerTransactionFormat { get; protected set; } = ExternalSignerTransactionFormat.Hash;

    /// <summary>How many hashes this signer signed.</summary>
    public int Signatures => _vault.Count;

    /// <inheritdoc/>
    public override bool Supported1559 => true;

    /// <inheritdoc/>
    public override Task<string> GetAddressAsync() => Task.FromResult(_vault.Address);

    /// <inheritdoc/>
    protected override Task<byte[]> GetPublicKeyAsync() => Task.FromResult(_vault.PublicKey);

    /// <inheritdoc/>
    protected override Task<ECDSASignature> SignExternallyAsync(byte[] bytes) => Task.FromResult(_vault.Sign(bytes));

    /// <inheritdoc/>
    public override Task SignAsync(global::Nethereum.Model.LegacyTransactionChainId transaction) => SignHashTransactionAsync(transaction);

    /// <inheritdoc/>
    public override Task SignAsync(global::Nethereum.Model.LegacyTransaction transaction) => SignHashTransactionAsync(transaction);

    /// <inheritdoc/>
    public override Task SignAsync(global::Nethereum.Model.Transaction1559 transaction) => SignHashTransactionAsync(transaction);

    /// <inheritdoc/>
    public override Task SignAsync(global::Nethereum.Model.Transaction7702 transaction) => SignHashTransactionAsync(transaction);

    private sealed class Vault(EthECKey key)
    {
        public string Address { get; } = key.GetPublicAddress();

        public byte[] PublicKey { get; } = key.GetPubKey();

        public int Count { get; private set; }

        public ECDSASignature Sign(byte[] hash)
        {
            Count++;
            var signature = key.Sign(hash);
            return new ECDSASignature(new BigInteger(1, signature.R), new BigInteger(1, signature.S));
        }
    }
}
