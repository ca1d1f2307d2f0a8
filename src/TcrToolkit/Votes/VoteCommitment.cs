using TcrToolkit.Ethereum;

namespace TcrToolkit.Votes;

/// <summary>
/// The commitment <c>CommitRevealVoting.commitmentOf</c> computes:
/// <c>keccak256(abi.encode(uint256 chainId, address voting, uint256 pollId, address voter, uint8 option, bytes32 salt))</c>.
/// </summary>
public static class VoteCommitment
{
    /// <summary>Option 1 upholds the challenge (the challenger should win).</summary>
    public const byte Uphold = 1;

    /// <summary>Option 0 rejects the challenge (the challenged side should keep its place).</summary>
    public const byte Reject = 0;

    /// <summary>Computes the commitment a voter commits for <paramref name="option"/> with <paramref name="salt"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="option"/> is neither 0 nor 1.</exception>
    public static Bytes32 Compute(ulong chainId, Address voting, UInt256 pollId, Address voter, byte option, Bytes32 salt)
    {
        ThrowIfInvalidOption(option);
        Span<byte> words = stackalloc byte[6 * 32];
        words.Clear();
        BitConverterBigEndian(chainId, words[24..32]);
        voting.CopyTo(words[(32 + 12)..64]);
        pollId.WriteBigEndian(words[64..96]);
        voter.CopyTo(words[(96 + 12)..128]);
        words[159] = option;
        salt.CopyTo(words[160..192]);
        return Keccak256.Hash(words);
    }

    internal static void ThrowIfInvalidOption(byte option)
    {
        if (option > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(option), option, "A vote option is 1 (uphold the challenge) or 0 (reject it).");
        }
    }

    private static void BitConverterBigEndian(ulong value, Span<byte> destination) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, value);
}
