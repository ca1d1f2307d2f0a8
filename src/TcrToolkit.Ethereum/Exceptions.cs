using System.Security.Cryptography;

namespace TcrToolkit.Ethereum;

/// <summary>
/// Base class for every malformed-input error raised by the Ethereum layer. Catch this to handle any parse failure;
/// catch a derived type to handle one kind. Messages say what was wrong and where, and never contain secret material.
/// </summary>
public class EthereumFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong and what the caller should supply instead.</param>
    /// <param name="position">Zero-based position in the input where the problem was found, or -1 when none applies.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EthereumFormatException(string message, int position = -1, Exception? innerException = null)
        : base(message, innerException)
    {
        Position = position;
    }

    /// <summary>Zero-based position in the input where the problem was found, or -1 when none applies.</summary>
    public int Position { get; }
}

/// <summary>Malformed hexadecimal text: odd length, a non-hex digit, or a missing or unexpected <c>0x</c> prefix.</summary>
public sealed class HexFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public HexFormatException(string message, int position = -1) : base(message, position) { }
}

/// <summary>Malformed address text, including a mixed-case address whose EIP-55 checksum does not match.</summary>
public sealed class AddressFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public AddressFormatException(string message, int position = -1, Exception? innerException = null)
        : base(message, position, innerException) { }
}

/// <summary>Malformed or out-of-range numeric text (integers and ether unit amounts).</summary>
public sealed class NumberFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public NumberFormatException(string message, int position = -1) : base(message, position) { }
}

/// <summary>RLP input that is truncated, has trailing bytes, or is not in canonical (minimal) form.</summary>
public sealed class RlpFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public RlpFormatException(string message, int position = -1) : base(message, position) { }
}

/// <summary>Key material that is not a valid secp256k1 key. Messages never include the key bytes.</summary>
public sealed class KeyFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public KeyFormatException(string message, Exception? innerException = null) : base(message, -1, innerException) { }
}

/// <summary>A signature encoding that is malformed or whose components are out of range.</summary>
public sealed class SignatureFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public SignatureFormatException(string message) : base(message) { }
}

/// <summary>A raw transaction that cannot be decoded: unknown type, wrong field count or invalid field values.</summary>
public sealed class TransactionFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public TransactionFormatException(string message, Exception? innerException = null)
        : base(message, -1, innerException) { }
}

/// <summary>
/// EIP-712 typed data that is invalid: an unknown or malformed type, a missing field, or a value that does not fit
/// its declared type. <see cref="EthereumFormatException.Position"/> is unused; <see cref="Path"/> names the value.
/// </summary>
public sealed class TypedDataException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">Where in the typed data the problem is, for example <c>message.to.wallets[1]</c>.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TypedDataException(string path, string message, Exception? innerException = null)
        : base(string.IsNullOrEmpty(path) ? message : $"{path}: {message}", -1, innerException)
    {
        Path = path;
    }

    /// <summary>Where in the typed data the problem is, for example <c>message.to.wallets[1]</c>.</summary>
    public string Path { get; }
}

/// <summary>
/// A well-formed signature that does not correspond to any public key for the given hash
/// (for example, its R value is not the x coordinate of a curve point).
/// </summary>
public sealed class SignatureRecoveryException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public SignatureRecoveryException(string message) : base(message) { }
}
