namespace TcrToolkit.Libp2p;

/// <summary>
/// The root of every failure this library reports. It derives from <see cref="IOException"/> so that code reading and
/// writing a libp2p <see cref="Stream"/> handles it where it already handles transport failures.
/// </summary>
public class Libp2pException : IOException
{
    /// <summary>Creates the exception.</summary>
    public Libp2pException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public Libp2pException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The remote peer sent bytes that break the protocol (a malformed or oversized frame or message).</summary>
public class Libp2pProtocolException : Libp2pException
{
    /// <summary>Creates the exception.</summary>
    public Libp2pProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public Libp2pProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A message or frame is longer than the limit the reader was given.</summary>
public sealed class MessageTooLargeException : Libp2pProtocolException
{
    /// <summary>Creates the exception for a message of <paramref name="length"/> bytes against <paramref name="limit"/>.</summary>
    public MessageTooLargeException(ulong length, int limit)
        : base($"A message of {length} bytes exceeds the limit of {limit} bytes.")
    {
        Length = length;
        Limit = limit;
    }

    /// <summary>The announced length.</summary>
    public ulong Length { get; }

    /// <summary>The limit it exceeded.</summary>
    public int Limit { get; }
}

/// <summary>The Noise handshake failed: bad signature, unsupported identity key, or a decryption failure.</summary>
public class NoiseHandshakeException : Libp2pException
{
    /// <summary>Creates the exception.</summary>
    public NoiseHandshakeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public NoiseHandshakeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The remote peer proved an identity other than the one the dialler expected (the <c>/p2p/</c> part of the address).
/// The connection was closed before any stream was opened.
/// </summary>
public sealed class PeerIdMismatchException : NoiseHandshakeException
{
    /// <summary>Creates the exception.</summary>
    public PeerIdMismatchException(PeerId expected, PeerId actual)
        : base($"Expected peer {expected} but the remote proved identity {actual}; the connection was refused.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The peer id the dialler asked for.</summary>
    public PeerId Expected { get; }

    /// <summary>The peer id the remote proved in the handshake.</summary>
    public PeerId Actual { get; }
}

/// <summary>multistream-select ended without agreement: the remote answered <c>na</c> to every proposed protocol.</summary>
public sealed class ProtocolNotSupportedException : Libp2pException
{
    /// <summary>Creates the exception for the protocols that were refused.</summary>
    public ProtocolNotSupportedException(IReadOnlyList<string> protocols)
        : base($"The remote peer supports none of: {string.Join(", ", protocols)}.")
    {
        Protocols = protocols;
    }

    /// <summary>The protocols that were proposed and refused.</summary>
    public IReadOnlyList<string> Protocols { get; }
}

/// <summary>The stream was reset by either side; no more data can be read or written.</summary>
public sealed class StreamResetException : Libp2pException
{
    /// <summary>Creates the exception.</summary>
    public StreamResetException(string message)
        : base(message)
    {
    }
}

/// <summary>A configured limit (connections, streams) refused the operation.</summary>
public sealed class Libp2pLimitException : Libp2pException
{
    /// <summary>Creates the exception.</summary>
    public Libp2pLimitException(string message)
        : base(message)
    {
    }
}

/// <summary>The connection is closed; no stream can be opened on it.</summary>
public sealed class ConnectionClosedException : Libp2pException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionClosedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
