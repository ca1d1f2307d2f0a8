namespace TcrToolkit.Ethereum;

/// <summary>
/// Signs for one Ethereum account without handing its key out: what a <c>TransactionSender</c> and a <c>TcrAccount</c>
/// need from a key. Implement it to sign with a remote service (a KMS, a signing server) or a hardware wallet; the
/// in-memory <see cref="PrivateKey"/> implements it too, synchronously, and stays the default (and fastest) path.
/// </summary>
/// <remarks>
/// <para>Callers do not trust the result: a signature that does not recover to <see cref="Address"/> (a wrong key or
/// derivation path, a wrong y parity) is refused with <see cref="SignerMismatchException"/> before anything is sent.</para>
/// <para>Both methods hand over what the signer needs to show the user what it signs (a hardware wallet shows the
/// transaction's fields, or the EIP-712 domain and message hashes), not only a digest.</para>
/// </remarks>
public interface IAccountSigner
{
    /// <summary>The account whose key signs.</summary>
    Address Address { get; }

    /// <summary>
    /// Signs <paramref name="transaction"/> (its <see cref="Transaction.GetSigningHash"/>, which covers the chain id)
    /// and returns the signature with its y parity as the recovery id.
    /// </summary>
    /// <exception cref="NotSupportedException">The signer cannot sign this transaction type.</exception>
    ValueTask<Signature> SignTransactionAsync(Transaction transaction, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs an EIP-712 message given by its domain separator and struct hash: the digest
    /// <c>keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash)</c> (<see cref="Eip712.GetSigningHash"/>), the form
    /// hardware wallets accept as "hashed EIP-712".
    /// </summary>
    /// <exception cref="NotSupportedException">The signer cannot sign typed data.</exception>
    ValueTask<Signature> SignTypedDataAsync(Bytes32 domainSeparator, Bytes32 structHash, CancellationToken cancellationToken = default);
}

/// <summary>
/// A signer returned a signature that does not recover to its account's address: it signed with another key (a wrong
/// account or derivation path) or reported a wrong y parity. Nothing was sent.
/// </summary>
public sealed class SignerMismatchException : TcrToolkitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expected">The signer's account.</param>
    /// <param name="recovered">The address the signature recovers to, or null when it recovers to no key.</param>
    /// <param name="what">What was signed, for example "a transaction".</param>
    public SignerMismatchException(Address expected, Address? recovered, string what)
        : base(recovered is { } actual
            ? $"The signer of {expected} signed {what} with the key of {actual}; check the signer's account or derivation path."
            : $"The signer of {expected} returned a signature for {what} that recovers to no key; check the signer's y parity (v) handling.")
    {
        Expected = expected;
        Recovered = recovered;
    }

    /// <summary>The signer's account.</summary>
    public Address Expected { get; }

    /// <summary>The address the signature recovers to, or null when it recovers to no key.</summary>
    public Address? Recovered { get; }
}

/// <summary>Signs with an <see cref="IAccountSigner"/> and checks the result.</summary>
public static class AccountSigning
{
    /// <summary>
    /// Signs <paramref name="transaction"/> with <paramref name="signer"/>. A <see cref="PrivateKey"/> signs in place
    /// (no check needed: it signs with itself); any other signer's signature must recover to its address.
    /// </summary>
    /// <exception cref="SignerMismatchException">The signature does not recover to the signer's address.</exception>
    public static async ValueTask<SignedTransaction> SignAsync(this IAccountSigner signer, Transaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(transaction);
        if (signer is PrivateKey key)
        {
            return transaction.Sign(key);
        }

        var signature = await signer.SignTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        var signed = transaction.WithSignature(signature);
        Check(signer.Address, transaction.GetSigningHash(), signature, "a transaction");
        return signed;
    }

    /// <summary>
    /// Signs an EIP-712 message with <paramref name="signer"/> (see <see cref="IAccountSigner.SignTypedDataAsync"/>) and
    /// checks that any signer other than a <see cref="PrivateKey"/> signed with its own key.
    /// </summary>
    /// <exception cref="SignerMismatchException">The signature does not recover to the signer's address.</exception>
    public static async ValueTask<Signature> SignTypedDataCheckedAsync(
        this IAccountSigner signer, Bytes32 domainSeparator, Bytes32 structHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (signer is PrivateKey key)
        {
            return key.Sign(Eip712.GetSigningHash(domainSeparator, structHash));
        }

        var signature = await signer.SignTypedDataAsync(domainSeparator, structHash, cancellationToken).ConfigureAwait(false);
        Check(signer.Address, Eip712.GetSigningHash(domainSeparator, structHash), signature, "typed data");
        return signature;
    }

    private static void Check(Address expected, Bytes32 hash, Signature signature, string what)
    {
        Address? recovered;
        try
        {
            recovered = PublicKey.Recover(hash, signature).Address;
        }
        catch (SignatureRecoveryException)
        {
            recovered = null;
        }

        if (recovered != expected)
        {
            throw new SignerMismatchException(expected, recovered, what);
        }
    }
}
