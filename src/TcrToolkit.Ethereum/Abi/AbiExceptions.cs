namespace TcrToolkit.Ethereum.Abi;

/// <summary>An ABI type string, signature or JSON ABI document that is malformed or uses an unsupported type.</summary>
public sealed class AbiFormatException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public AbiFormatException(string message, int position = -1, Exception? innerException = null)
        : base(message, position, innerException) { }
}

/// <summary>
/// ABI-encoded data that cannot be decoded strictly: truncated data, an offset or length outside the data or not
/// word-aligned, dirty padding, a <c>bool</c> other than 0 or 1, an <c>int&lt;M&gt;</c> that is not sign-extended, or
/// a <c>string</c> that is not valid UTF-8. The message names the type, the byte offset and the problem.
/// </summary>
public sealed class AbiDecodingException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="typeName">The ABI type being decoded, for example <c>uint8</c> or <c>bytes</c>.</param>
    /// <param name="offset">The byte offset in the data where the problem was found.</param>
    /// <param name="problem">What is wrong, as a sentence fragment.</param>
    public AbiDecodingException(string typeName, int offset, string problem)
        : base($"Cannot decode {typeName} at offset {offset}: {problem}.", offset)
    {
        TypeName = typeName;
        Offset = offset;
    }

    /// <summary>Creates the exception with a complete message, for problems outside the encoded data itself (log topics).</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="typeName">The ABI type or member being decoded.</param>
    /// <param name="offset">The byte offset or index the problem concerns, or -1.</param>
    /// <param name="innerException">The underlying decoding error, if any.</param>
    public AbiDecodingException(string message, string typeName, int offset, Exception? innerException)
        : base(message, offset, innerException)
    {
        TypeName = typeName;
        Offset = offset;
    }

    /// <summary>The ABI type being decoded when the problem was found.</summary>
    public string TypeName { get; }

    /// <summary>The byte offset in the data where the problem was found.</summary>
    public int Offset { get; }
}

/// <summary>
/// A value that does not fit the ABI type it is encoded as (an integer out of range, a wrong-length <c>bytes&lt;M&gt;</c>
/// or fixed array, a missing tuple member), or writer calls that do not describe a well-formed value.
/// </summary>
public sealed class AbiEncodingException : EthereumFormatException
{
    /// <summary>Creates the exception.</summary>
    public AbiEncodingException(string message, Exception? innerException = null) : base(message, -1, innerException) { }
}
