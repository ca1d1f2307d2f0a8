using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TcrToolkit.Waku.Proto;

namespace TcrToolkit.Waku.Messages;

/// <summary>
/// The deterministic message hash of 14/WAKU2-MESSAGE:
/// <c>sha256(pubsub_topic || payload || content_topic || meta || timestamp as 8 big-endian bytes)</c>.
/// It is the store's key and the Store v3 pagination cursor.
/// </summary>
public static class WakuMessageHash
{
    /// <summary>The length of a message hash in bytes.</summary>
    public const int Length = 32;

    /// <summary>Computes the deterministic hash of <paramref name="message"/> published on <paramref name="pubsubTopic"/>.</summary>
    /// <param name="pubsubTopic">The pubsub topic the message travels on.</param>
    /// <param name="message">The message.</param>
    /// <returns>The 32-byte hash.</returns>
    public static byte[] Compute(string pubsubTopic, WakuMessage message)
    {
        ArgumentNullException.ThrowIfNull(pubsubTopic);
        ArgumentNullException.ThrowIfNull(message);
        var hash = new byte[Length];
        Compute(pubsubTopic, message, hash);
        return hash;
    }

    /// <summary>Computes the deterministic hash into <paramref name="destination"/> (32 bytes).</summary>
    /// <param name="pubsubTopic">The pubsub topic the message travels on.</param>
    /// <param name="message">The message.</param>
    /// <param name="destination">Where the 32 hash bytes go.</param>
    public static void Compute(string pubsubTopic, WakuMessage message, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(pubsubTopic);
        ArgumentNullException.ThrowIfNull(message);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendUtf8(sha, pubsubTopic);
        sha.AppendData(message.Payload.Span);
        AppendUtf8(sha, message.ContentTopic);
        // An absent meta contributes nothing, as the RFC's "meta not present" vector shows.
        if (message.HasMeta)
        {
            sha.AppendData(message.Meta.Span);
        }

        // Like meta, an absent timestamp is left out of the concatenation (js-waku's message-hash does the same).
        if (message.HasTimestamp)
        {
            Span<byte> timestamp = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(timestamp, unchecked((ulong)message.Timestamp));
            sha.AppendData(timestamp);
        }

        if (!sha.TryGetHashAndReset(destination, out var written) || written != Length)
        {
            throw new ArgumentException($"The destination must hold {Length} bytes.", nameof(destination));
        }
    }

    /// <summary>Tells whether <paramref name="hash"/> is the deterministic hash of the message.</summary>
    /// <param name="pubsubTopic">The pubsub topic the message travels on.</param>
    /// <param name="message">The message.</param>
    /// <param name="hash">The claimed hash.</param>
    /// <returns><see langword="true"/> when the hash matches.</returns>
    public static bool Matches(string pubsubTopic, WakuMessage message, ReadOnlySpan<byte> hash)
    {
        Span<byte> computed = stackalloc byte[Length];
        Compute(pubsubTopic, message, computed);
        return hash.Length == Length && computed.SequenceEqual(hash);
    }

    private static void AppendUtf8(IncrementalHash sha, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            var count = Encoding.UTF8.GetBytes(text, buffer);
            sha.AppendData(buffer[..count]);
        }
        else
        {
            sha.AppendData(Encoding.UTF8.GetBytes(text));
        }
    }
}
