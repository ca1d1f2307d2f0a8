using System.Numerics;
using Nethereum.Model;
using Nethereum.RPC.Accounts;
using Nethereum.Signer;
using Nethereum.Web3.Accounts;
using TcrToolkit.Ethereum;
using NethereumTransaction1559 = Nethereum.Model.Transaction1559;
using Signature = TcrToolkit.Ethereum.Signature;
using Transaction = TcrToolkit.Ethereum.Transaction;
using LegacyTransaction = TcrToolkit.Ethereum.LegacyTransaction;
using Account = Nethereum.Web3.Accounts.Account;

namespace TcrToolkit.Nethereum;

/// <summary>
/// Turns Nethereum's accounts, keys and external signers into the toolkit's <see cref="IAccountSigner"/>, the signer
/// of a <see cref="TcrAccount"/> or <see cref="TcrToolkit.Ethereum.Rpc.TransactionSender"/>.
/// </summary>
public static class NethereumSigners
{
    /// <summary>
    /// The signer of a Nethereum account: an <see cref="Account"/> (a private key) becomes a toolkit
    /// <see cref="PrivateKey"/>, which signs in place; an <see cref="ExternalAccount"/> signs through its
    /// <see cref="IEthExternalSigner"/> (remote or hardware).
    /// </summary>
    /// <exception cref="NotSupportedException">The account's key is held by the node (<c>ManagedAccount</c>) or is of another kind.</exception>
    /// <exception cref="InvalidOperationException">An external account has no address yet: call its <c>InitialiseAsync</c> first.</exception>
    public static IAccountSigner ToAccountSigner(this IAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account switch
        {
            Account { PrivateKey: { } key } => PrivateKey.ParseHex(key),
            ExternalAccount external => new ExternalSigner(
                external.ExternalSigner,
                Address.TryParse(external.Address, null, out var address)
                    ? address
                    : throw new InvalidOperationException("The external account has no address yet; await its InitialiseAsync() first, or use ToAccountSignerAsync on its signer.")),
            _ => throw new NotSupportedException(
                $"A {account.GetType().Name} keeps its key out of reach (a node-managed account cannot sign for the toolkit); use an Account, an ExternalAccount or an IEthExternalSigner."),
        };
    }

    /// <summary>
    /// A toolkit <see cref="PrivateKey"/> with the same secret as <paramref name="key"/>. The caller owns the result:
    /// dispose it to zero the copy.
    /// </summary>
    public static PrivateKey ToPrivateKey(this EthECKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var secret = key.GetPrivateKeyAsBytes();
        try
        {
            // Nethereum may keep a leading zero byte or drop leading zeros: normalise to 32 bytes.
            Span<byte> padded = stackalloc byte[PrivateKey.Size];
            var significant = secret.AsSpan()[Math.Max(0, secret.Length - PrivateKey.Size)..];
            significant.CopyTo(padded[(PrivateKey.Size - significant.Length)..]);
            return PrivateKey.FromBytes(padded);
        }
        finally
        {
            Array.Clear(secret);
        }
    }

    /// <summary>A Nethereum <see cref="EthECKey"/> with the same secret as <paramref name="key"/>.</summary>
    public static EthECKey ToEthECKey(this PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var secret = new byte[PrivateKey.Size];
        key.ExportSecret(secret);
        try
        {
            return new EthECKey(secret, true);
        }
        finally
        {
            Array.Clear(secret);
        }
    }

    /// <summary>
    /// The signer of <paramref name="signer"/>, a Nethereum external signer (a hardware wallet, a KMS, a signing
    /// service): it asks the signer for its address, then signs every transaction and permit through it.
    /// EIP-1559 transactions need <see cref="IEthExternalSigner.Supported1559"/>; typed data is signed as its EIP-712
    /// digest with <see cref="IEthExternalSigner.SignAsync(byte[])"/>.
    /// </summary>
    public static async Task<IAccountSigner> ToAccountSignerAsync(this IEthExternalSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var address = await signer.GetAddressAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new ExternalSigner(signer, Address.Parse(address));
    }

    /// <summary>A toolkit signature from Nethereum's r, s and v (27/28, 0/1, or EIP-155's 35 + 2 × chain id + parity).</summary>
    /// <exception cref="SignatureFormatException">A component is out of range.</exception>
    public static Signature ToSignature(ISignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var v = new BigInteger(signature.V ?? [], isUnsigned: true, isBigEndian: true);
        var parity = v >= 35 ? (int)((v - 35) % 2) : v >= 27 ? (int)(v - 27) : (int)v;
        return new Signature(
            UInt256.FromBigEndian(signature.R.AsSpan()),
            UInt256.FromBigEndian(signature.S.AsSpan()),
            parity);
    }

    /// <summary>Signs through a Nethereum external signer; the key never leaves it.</summary>
    private sealed class ExternalSigner(IEthExternalSigner signer, Address address) : IAccountSigner
    {
        public Address Address { get; } = address;

        public async ValueTask<Signature> SignTransactionAsync(Transaction transaction, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(transaction);
            switch (transaction)
            {
                case Eip1559Transaction tx:
                    if (!signer.Supported1559)
                    {
                        throw new NotSupportedException(
                            $"The external signer {signer.GetType().Name} cannot sign EIP-1559 transactions; send legacy transactions (TransactionRequest.Type) or use a signer that supports EIP-1559.");
                    }

                    var dynamicFee = new NethereumTransaction1559(
                        tx.ChainId, tx.Nonce, (BigInteger)tx.MaxPriorityFeePerGas, (BigInteger)tx.MaxFeePerGas, tx.GasLimit,
                        tx.To?.ToString(), (BigInteger)tx.Value, Hex.Encode(tx.Data.Span),
                        [.. tx.AccessList.Select(e => new AccessListItem(e.Address.ToString(), [.. e.StorageKeys.Select(k => k.ToArray())]))]);
                    await signer.SignAsync(dynamicFee).WaitAsync(cancellationToken).ConfigureAwait(false);
                    return ToSignature(dynamicFee.Signature);
                case LegacyTransaction { ChainId: { } chainId } tx:
                    var legacy = new LegacyTransactionChainId(
                        tx.To?.ToString(), (BigInteger)tx.Value, tx.Nonce, (BigInteger)tx.GasPrice, tx.GasLimit, Hex.Encode(tx.Data.Span), chainId);
                    await signer.SignAsync(legacy).WaitAsync(cancellationToken).ConfigureAwait(false);
                    return ToSignature(legacy.Signature);
                default:
                    throw new NotSupportedException(
                        $"Nethereum external signers sign EIP-1559 and EIP-155 legacy transactions, not a {transaction.Type} transaction{(transaction is LegacyTransaction ? " without a chain id" : "")}.");
            }
        }

        public async ValueTask<Signature> SignTypedDataAsync(Bytes32 domainSeparator, Bytes32 structHash, CancellationToken cancellationToken = default)
        {
            var digest = Eip712.GetSigningHash(domainSeparator, structHash).ToArray();
            var signature = await signer.SignAsync(digest).WaitAsync(cancellationToken).ConfigureAwait(false);
            return ToSignature(signature);
        }

        public override string ToString() => $"Nethereum external signer {signer.GetType().Name} of {Address}";
    }
}
