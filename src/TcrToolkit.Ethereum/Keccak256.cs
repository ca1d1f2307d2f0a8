using Org.BouncyCastle.Crypto.Digests;

namespace TcrToolkit.Ethereum;

/// <summary>
/// Keccak-256 as Ethereum uses it (the original Keccak padding, not NIST SHA3-256), backed by BouncyCastle.
/// The span overloads allocate nothing: each thread reuses one digest instance.
/// </summary>
public static class Keccak256
{
    /// <summary>The hash size in bytes.</summary>
    public const int Size = 32;

    [ThreadStatic]
    private static KeccakDigest? t_digest;

    private static KeccakDigest Digest => t_digest ??= new KeccakDigest(256);

    /// <summary>Hashes <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        EnsureDestination(destination);
        var digest = Digest;
        digest.BlockUpdate(data);
        digest.DoFinal(destination);
    }

    /// <summary>Hashes the concatenation of two inputs without building it.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        EnsureDestination(destination);
        var digest = Digest;
        digest.BlockUpdate(first);
        digest.BlockUpdate(second);
        digest.DoFinal(destination);
    }

    /// <summary>Hashes the concatenation of three inputs without building it.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        EnsureDestination(destination);
        var digest = Digest;
        digest.BlockUpdate(first);
        digest.BlockUpdate(second);
        digest.BlockUpdate(third);
        digest.DoFinal(destination);
    }

    /// <summary>Hashes <paramref name="data"/> and returns the hash as a value.</summary>
    public static Bytes32 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Size];
        Hash(data, hash);
        return new Bytes32(hash);
    }

    /// <summary>Hashes the UTF-8 encoding of <paramref name="text"/>, as Solidity's <c>keccak256(bytes(text))</c>.</summary>
    public static Bytes32 HashUtf8(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = System.Text.Encoding.UTF8.GetByteCount(text);
        var buffer = length <= 256 ? stackalloc byte[length] : new byte[length];
        System.Text.Encoding.UTF8.GetBytes(text, buffer);
        return Hash(buffer);
    }

    private static void EnsureDestination(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; a Keccak-256 hash needs 32.", nameof(destination));
        }
    }
}
