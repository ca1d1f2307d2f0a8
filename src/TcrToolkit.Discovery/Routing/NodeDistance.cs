using System.Numerics;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>Kademlia XOR metric over 256-bit node ids.</summary>
internal static class NodeDistance
{
    /// <summary>The logarithmic distance: 256 minus the leading zero bits of a xor b; 0 when equal.</summary>
    public static int Log(Bytes32 a, Bytes32 b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        for (var i = 0; i < 32; i++)
        {
            var d = (byte)(x[i] ^ y[i]);
            if (d != 0)
            {
                return ((31 - i) * 8) + (8 - BitOperations.LeadingZeroCount((uint)d) + 24);
            }
        }

        return 0;
    }

    /// <summary>Compares the XOR distances of <paramref name="a"/> and <paramref name="b"/> to <paramref name="target"/>.</summary>
    public static int Compare(Bytes32 target, Bytes32 a, Bytes32 b)
    {
        var t = target.AsSpan();
        var x = a.AsSpan();
        var y = b.AsSpan();
        for (var i = 0; i < 32; i++)
        {
            var da = x[i] ^ t[i];
            var db = y[i] ^ t[i];
            if (da != db)
            {
                return da < db ? -1 : 1;
            }
        }

        return 0;
    }

    /// <summary>A random id at log distance <paramref name="distance"/> from <paramref name="origin"/>.</summary>
    public static Bytes32 RandomAtDistance(Bytes32 origin, int distance, Random random)
    {
        var bytes = origin.ToArray();
        if (distance == 0)
        {
            return origin;
        }

        var bit = distance - 1; // bit index from the least significant end
        var byteIndex = 31 - (bit / 8);
        var bitInByte = bit % 8;
        bytes[byteIndex] ^= (byte)(1 << bitInByte);
        var noise = new byte[32];
        random.NextBytes(noise);
        // randomize everything below the flipped bit
        var lowMask = (byte)((1 << bitInByte) - 1);
        bytes[byteIndex] = (byte)((bytes[byteIndex] & ~lowMask) | (noise[byteIndex] & lowMask));
        for (var i = byteIndex + 1; i < 32; i++)
        {
            bytes[i] = noise[i];
        }

        return new Bytes32(bytes);
    }

    /// <summary>geth's lookup distances: the target's distance from the queried node, then its neighbours, three in all.</summary>
    public static int[] LookupDistances(Bytes32 target, Bytes32 destination)
    {
        var td = Log(target, destination);
        var result = new List<int>(3) { td };
        for (var i = 1; result.Count < 3 && i < 256; i++)
        {
            if (td + i <= 256)
            {
                result.Add(td + i);
            }

            if (td - i > 0 && result.Count < 3)
            {
                result.Add(td - i);
            }
        }

        return [.. result.Take(3)];
    }
}
