using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Libp2p;

/// <summary>The key types of the libp2p <c>PublicKey</c> protobuf.</summary>
public enum IdentityKeyType
{
    /// <summary>RSA (not supported for verification here).</summary>
    Rsa = 0,

    /// <summary>Ed25519, js-libp2p's default.</summary>
    Ed25519 = 1,

    /// <summary>secp256k1, the Ethereum and Waku node key.</summary>
    Secp256k1 = 2,

    /// <summary>ECDSA P-256 (not supported for verification here).</summary>
    Ecdsa = 3,
}

/// <summary>
/// A libp2p identity public key as the <c>PublicKey</c> protobuf carries it: secp256k1 (33-byte compressed point)
/// or Ed25519 (32 bytes). Verifies the signatures of the libp2p spec: secp256k1 is ECDSA over SHA-256 of the message
/// with a DER signature; Ed25519 signs the message itself.
/// </summary>
internal sealed class IdentityKey
{
    public const int MaxEncodedLength = 1024;

    private IdentityKey(IdentityKeyType type, byte[] data, PublicKey? secp256k1)
    {
        Type = type;
        Data = data;
        Secp256k1 = secp256k1;
    }

    public IdentityKeyType Type { get; }

    public byte[] Data { get; }

    public PublicKey? Secp256k1 { get; }

    public static IdentityKey FromSecp256k1(PublicKey key) => new(IdentityKeyType.Secp256k1, key.ToCompressedBytes(), key);

    /// <summary>Encodes the <c>PublicKey</c> protobuf: field 1 the type, field 2 the key bytes.</summary>
    public byte[] Marshal() => new ProtoWriter().WriteVarintField(1, (ulong)Type).WriteBytesField(2, Data).ToArray();

    /// <summary>Decodes and validates the <c>PublicKey</c> protobuf.</summary>
    /// <exception cref="Libp2pProtocolException">Malformed, an unsupported type, or an invalid key.</exception>
    public static IdentityKey Unmarshal(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > MaxEncodedLength)
        {
            throw new Libp2pProtocolException($"An identity key of {encoded.Length} bytes is too long.");
        }

        ulong? type = null;
        byte[]? data = null;
        var reader = new ProtoReader(encoded);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    type = reader.ReadVarint();
                    break;
                case 2:
                    data = reader.ReadBytes().ToArray();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (type is null || data is null)
        {
            throw new Libp2pProtocolException("An identity key lacks its type or data.");
        }

        switch ((IdentityKeyType)type.Value)
        {
            case IdentityKeyType.Secp256k1:
                try
                {
                    var key = PublicKey.FromBytes(data);
                    return new IdentityKey(IdentityKeyType.Secp256k1, data, key);
                }
                catch (KeyFormatException ex)
                {
                    throw new Libp2pProtocolException("The secp256k1 identity key is not a valid point.", ex);
                }

            case IdentityKeyType.Ed25519:
                if (data.Length != Ed25519.PublicKeySize)
                {
                    throw new Libp2pProtocolException($"An Ed25519 identity key is 32 bytes; got {data.Length}.");
                }

                return new IdentityKey(IdentityKeyType.Ed25519, data, null);
            default:
                throw new Libp2pProtocolException($"Identity key type {type} is not supported (secp256k1 and Ed25519 are).");
        }
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        switch (Type)
        {
            case IdentityKeyType.Secp256k1:
                if (!DerSignature.TryDecode(signature, out var r, out var s))
                {
                    return false;
                }

                try
                {
                    var parsed = new Signature(r, s, 0);
                    return Secp256k1!.Verify(SHA256.HashData(message), parsed);
                }
                catch (SignatureFormatException)
                {
                    return false;
                }

            case IdentityKeyType.Ed25519:
                return signature.Length == Ed25519.SignatureSize
                    && Ed25519.Verify(signature.ToArray(), 0, Data, 0, message.ToArray(), 0, message.Length);
            default:
                return false;
        }
    }

    /// <summary>Signs as a secp256k1 libp2p identity: ECDSA over SHA-256 of the message, DER-encoded.</summary>
    public static byte[] SignSecp256k1(PrivateKey key, ReadOnlySpan<byte> message)
    {
        var signature = key.Sign(SHA256.HashData(message));
        return DerSignature.Encode(signature.R, signature.S);
    }
}

/// <summary>ASN.1 DER <c>SEQUENCE { INTEGER r, INTEGER s }</c> for ECDSA signatures, strictly decoded.</summary>
internal static class DerSignature
{
    public static byte[] Encode(UInt256 r, UInt256 s)
    {
        var rBytes = Integer(r);
        var sBytes = Integer(s);
        var body = rBytes.Length + sBytes.Length;
        var output = new byte[2 + body];
        output[0] = 0x30;
        output[1] = (byte)body;
        rBytes.CopyTo(output, 2);
        sBytes.CopyTo(output, 2 + rBytes.Length);
        return output;
    }

    private static byte[] Integer(UInt256 value)
    {
        var raw = value.ToBigEndianBytes();
        var start = 0;
        while (start < raw.Length - 1 && raw[start] == 0)
        {
            start++;
        }

        var pad = (raw[start] & 0x80) != 0 ? 1 : 0;
        var length = raw.Length - start + pad;
        var output = new byte[2 + length];
        output[0] = 0x02;
        output[1] = (byte)length;
        raw.AsSpan(start).CopyTo(output.AsSpan(2 + pad));
        return output;
    }

    public static bool TryDecode(ReadOnlySpan<byte> der, out UInt256 r, out UInt256 s)
    {
        r = default;
        s = default;
        if (der.Length < 8 || der.Length > 72 || der[0] != 0x30 || der[1] != der.Length - 2)
        {
            return false;
        }

        var rest = der[2..];
        return TryInteger(ref rest, out r) && TryInteger(ref rest, out s) && rest.IsEmpty;
    }

    private static bool TryInteger(ref ReadOnlySpan<byte> input, out UInt256 value)
    {
        value = default;
        if (input.Length < 3 || input[0] != 0x02)
        {
            return false;
        }

        int length = input[1];
        if (length == 0 || length > 33 || input.Length < 2 + length)
        {
            return false;
        }

        var body = input.Slice(2, length);
        if ((body[0] & 0x80) != 0)
        {
            return false;
        }

        if (body.Length > 1 && body[0] == 0 && (body[1] & 0x80) == 0)
        {
            return false;
        }

        if (body.Length == 33)
        {
            if (body[0] != 0)
            {
                return false;
            }

            body = body[1..];
        }

        Span<byte> padded = stackalloc byte[32];
        body.CopyTo(padded[(32 - body.Length)..]);
        value = UInt256.FromBigEndian(padded);
        input = input[(2 + length)..];
        return true;
    }
}
