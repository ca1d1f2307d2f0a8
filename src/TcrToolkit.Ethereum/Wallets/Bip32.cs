using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace TcrToolkit.Ethereum.Wallets;

/// <summary>The shared parts of BIP-32: HMAC-SHA512, key fingerprints and the 78-byte serialization.</summary>
internal static class Bip32
{
    public const int ChainCodeSize = 32;
    public const int SerializedSize = 78;
    public const uint PrivateVersion = 0x0488ADE4; // "xprv" on mainnet
    public const uint PublicVersion = 0x0488B21E;  // "xpub" on mainnet

    public static void HmacSha512(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hmac = new HMac(new Sha512Digest());
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(data);
        hmac.DoFinal(destination);
    }

    /// <summary>The first four bytes of HASH160 (RIPEMD-160 of SHA-256) of the compressed public key, big-endian.</summary>
    public static uint Fingerprint(PublicKey publicKey)
    {
        Span<byte> hash = stackalloc byte[32];
        var sha256 = new Sha256Digest();
        sha256.BlockUpdate(publicKey.ToCompressedBytes());
        sha256.DoFinal(hash);
        var ripemd160 = new RipeMD160Digest();
        ripemd160.BlockUpdate(hash);
        ripemd160.DoFinal(hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    public static string Serialize(uint version, byte depth, uint parentFingerprint, uint childNumber, ReadOnlySpan<byte> chainCode, ReadOnlySpan<byte> key33)
    {
        Span<byte> data = stackalloc byte[SerializedSize];
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(data, version);
            data[4] = depth;
            BinaryPrimitives.WriteUInt32BigEndian(data[5..], parentFingerprint);
            BinaryPrimitives.WriteUInt32BigEndian(data[9..], childNumber);
            chainCode.CopyTo(data[13..]);
            key33.CopyTo(data[45..]);
            return Base58Check.Encode(data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>Decodes and checks the fields every extended key shares; the caller checks the version and key.</summary>
    public static byte[] Deserialize(ReadOnlySpan<char> text, out uint version, out byte depth, out uint parentFingerprint, out uint childNumber)
    {
        var data = Base58Check.Decode(text);
        if (data.Length != SerializedSize)
        {
            CryptographicOperations.ZeroMemory(data);
            throw new ExtendedKeyFormatException($"An extended key is {SerializedSize} bytes before its checksum; this one is {data.Length}.");
        }

        version = BinaryPrimitives.ReadUInt32BigEndian(data);
        depth = data[4];
        parentFingerprint = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(5));
        childNumber = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(9));
        if (version is not PrivateVersion and not PublicVersion)
        {
            CryptographicOperations.ZeroMemory(data);
            throw new ExtendedKeyFormatException(
                $"Unknown extended key version 0x{version.ToString("x8", CultureInfo.InvariantCulture)}; only mainnet xprv (0x0488ade4) and xpub (0x0488b21e) are supported.");
        }

        if (depth == 0 && parentFingerprint != 0)
        {
            CryptographicOperations.ZeroMemory(data);
            throw new ExtendedKeyFormatException("A master key (depth 0) must have parent fingerprint 0; this one has another.");
        }

        if (depth == 0 && childNumber != 0)
        {
            CryptographicOperations.ZeroMemory(data);
            throw new ExtendedKeyFormatException("A master key (depth 0) must have child number 0; this one has another.");
        }

        return data;
    }

    public static string DescribeChild(uint childNumber) =>
        (childNumber & HdPath.HardenedBit) != 0
            ? (childNumber & ~HdPath.HardenedBit).ToString(CultureInfo.InvariantCulture) + "'"
            : childNumber.ToString(CultureInfo.InvariantCulture);
}
