using System.Security.Cryptography;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// A keystore (Web3 Secret Storage v3) document that cannot be read: malformed JSON, a missing or mistyped field, bad
/// hex, a wrong length, or a key derivation function or cipher this library does not support. Never carries key
/// material or the password.
/// </summary>
public sealed class KeystoreFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the JSON field where one applies.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public KeystoreFormatException(string message, Exception? innerException = null) : base(message, -1, innerException) { }
}

/// <summary>
/// The password does not open the keystore: the MAC computed from it does not match the one stored. The message says
/// so and never contains the password. Ask the user again.
/// </summary>
public sealed class KeystorePasswordException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public KeystorePasswordException()
        : base("The password is wrong: it does not match the keystore's MAC. Check the password and try again.") { }
}

/// <summary>
/// A BIP-39 mnemonic that is not valid: a wrong word count, a word outside the English list, or a checksum that does
/// not match. <see cref="EthereumFormatException.Position"/> is the zero-based index of the offending word, or -1 when
/// the problem is not one word's.
/// </summary>
public sealed class MnemonicFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="wordIndex">Zero-based index of the offending word, or -1.</param>
    public MnemonicFormatException(string message, int wordIndex = -1) : base(message, wordIndex) { }
}

/// <summary>
/// A malformed BIP-32 derivation path such as <c>m/44'/60'/x</c>, or an index that does not fit below 2^31.
/// <see cref="EthereumFormatException.Position"/> is the character position of the problem.
/// </summary>
public sealed class HdPathFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public HdPathFormatException(string message, int position = -1) : base(message, position) { }
}

/// <summary>
/// A serialized BIP-32 extended key (<c>xprv…</c> / <c>xpub…</c>) that is malformed: bad Base58, a wrong checksum,
/// length, version or depth/fingerprint combination, or key bytes that are not a valid key. Never carries key material.
/// </summary>
public sealed class ExtendedKeyFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public ExtendedKeyFormatException(string message, int position = -1, Exception? innerException = null)
        : base(message, position, innerException) { }
}

/// <summary>
/// BIP-32 derivation produced an invalid key: the HMAC output's left half is not below the curve order, or the
/// resulting key is zero (or the point at infinity). The chance is below 2^-127 per derivation; BIP-32 says to skip to
/// the next index (<see cref="Index"/> + 1) — or, for a master key, to use another seed.
/// </summary>
public sealed class HdKeyDerivationException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was invalid.</param>
    /// <param name="index">The child index (hardened bit included) that gave the invalid key, or null for a master key.</param>
    public HdKeyDerivationException(string message, uint? index) : base(message)
    {
        Index = index;
    }

    /// <summary>The child index (hardened bit included) that gave the invalid key, or null for a master key.</summary>
    public uint? Index { get; }
}
