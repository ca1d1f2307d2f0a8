using System.Globalization;
using System.Text;

namespace TcrToolkit.Ethereum;

/// <summary>
/// EIP-191 version 0x45 messages, as <c>personal_sign</c> and wallets' "sign message" produce: the signed hash is
/// Keccak-256 of <c>"\x19Ethereum Signed Message:\n" + decimal byte length + message</c>.
/// </summary>
public static class PersonalMessage
{
    private static ReadOnlySpan<byte> Prefix => "\u0019Ethereum Signed Message:\n"u8;

    /// <summary>Hashes a message given as bytes.</summary>
    public static Bytes32 Hash(ReadOnlySpan<byte> message)
    {
        Span<byte> header = stackalloc byte[Prefix.Length + 10];
        Prefix.CopyTo(header);
        message.Length.TryFormat(header[Prefix.Length..], out var digits, default, CultureInfo.InvariantCulture);
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(header[..(Prefix.Length + digits)], message, hash);
        return new Bytes32(hash);
    }

    /// <summary>Hashes a text message by its UTF-8 bytes.</summary>
    public static Bytes32 Hash(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Hash(Encoding.UTF8.GetBytes(message));
    }

    /// <summary>Signs a message given as bytes.</summary>
    public static Signature Sign(PrivateKey key, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Sign(Hash(message));
    }

    /// <summary>Signs a text message by its UTF-8 bytes.</summary>
    public static Signature Sign(PrivateKey key, string message)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Sign(Hash(message));
    }

    /// <summary>Recovers the address that signed a message.</summary>
    /// <exception cref="SignatureRecoveryException">The signature does not recover to a public key.</exception>
    public static Address RecoverAddress(ReadOnlySpan<byte> message, Signature signature) =>
        PublicKey.Recover(Hash(message), signature).Address;

    /// <summary>Recovers the address that signed a text message.</summary>
    /// <exception cref="SignatureRecoveryException">The signature does not recover to a public key.</exception>
    public static Address RecoverAddress(string message, Signature signature) =>
        PublicKey.Recover(Hash(message), signature).Address;
}
