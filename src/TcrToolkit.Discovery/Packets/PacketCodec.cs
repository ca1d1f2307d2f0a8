using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TcrToolkit.Discovery;

/// <summary>The packet type in the static header's flag byte.</summary>
internal enum PacketFlag : byte
{
    Message = 0,
    WhoAreYou = 1,
    Handshake = 2,
}

/// <summary>
/// A packet whose masked header has been removed and checked. Every array is a copy; <see cref="AuthenticatedData"/>
/// is masking-iv || header, the additional data of the message's AES-GCM.
/// </summary>
internal sealed class DecodedPacket
{
    public required PacketFlag Flag { get; init; }
    public required byte[] Nonce { get; init; }
    public required byte[] AuthenticatedData { get; init; }
    public required byte[] AuthData { get; init; }
    public required byte[] MessageCiphertext { get; init; }

    /// <summary>The sender's node id for message and handshake packets (empty for WHOAREYOU).</summary>
    public byte[] SourceId { get; init; } = [];

    // WHOAREYOU
    public byte[] IdNonce { get; init; } = [];
    public ulong EnrSeq { get; init; }

    // Handshake
    public byte[] IdSignature { get; init; } = [];
    public byte[] EphemeralPublicKey { get; init; } = [];
    public byte[] Record { get; init; } = [];
}

/// <summary>
/// The discv5.1 packet codec (discv5-wire.md "Packet Encoding"): masking with AES-128-CTR keyed by the destination id,
/// the static header, the three authdata layouts and the AES-128-GCM message. Pure functions over spans; every length
/// read from the wire is checked before it is used, and decoding reports failures as a reason, never an exception.
/// </summary>
internal static class PacketCodec
{
    public const int MaskingIvSize = 16;
    public const int NonceSize = 12;
    public const int StaticHeaderSize = 2 + 1 + NonceSize + 2; // version, flag, nonce, authdata-size; after the protocol id
    public const int MinPacketSize = 63;
    public const int MaxPacketSize = 1280;
    public const int TagSize = 16;
    public const ushort Version = 1;
    public const int WhoAreYouAuthDataSize = 24;
    public const int HandshakeAuthDataHeadSize = 34;

    /// <summary>The default protocol id, "discv5".</summary>
    public static ReadOnlySpan<byte> DefaultProtocolId => "discv5"u8;

    /// <summary>
    /// Encodes a packet: masking-iv || aesctr(dest-id[:16], iv, header) || aesgcm(key, nonce, pt, iv || header).
    /// A WHOAREYOU has no message: pass an empty <paramref name="messageKey"/>.
    /// </summary>
    public static byte[] Encode(PacketFlag flag, ReadOnlySpan<byte> destinationId, ReadOnlySpan<byte> maskingIv,
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> authData, ReadOnlySpan<byte> messageKey,
        ReadOnlySpan<byte> messagePlaintext, ReadOnlySpan<byte> protocolId, out byte[] authenticatedData)
    {
        var headerSize = protocolId.Length + StaticHeaderSize + authData.Length;
        var messageSize = messageKey.IsEmpty ? 0 : messagePlaintext.Length + TagSize;
        var packet = new byte[MaskingIvSize + headerSize + messageSize];
        maskingIv[..MaskingIvSize].CopyTo(packet);
        var header = packet.AsSpan(MaskingIvSize, headerSize);
        protocolId.CopyTo(header);
        var p = protocolId.Length;
        BinaryPrimitives.WriteUInt16BigEndian(header[p..], Version);
        header[p + 2] = (byte)flag;
        nonce[..NonceSize].CopyTo(header[(p + 3)..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[(p + 3 + NonceSize)..], (ushort)authData.Length);
        authData.CopyTo(header[(p + 5 + NonceSize)..]);
        authenticatedData = packet.AsSpan(0, MaskingIvSize + headerSize).ToArray();

        if (messageSize > 0)
        {
            var body = packet.AsSpan(MaskingIvSize + headerSize);
            using var gcm = new AesGcm(messageKey, TagSize);
            gcm.Encrypt(nonce[..NonceSize], messagePlaintext, body[..messagePlaintext.Length], body[messagePlaintext.Length..], authenticatedData);
        }

        using var aes = V4Crypto.CreateAes(destinationId);
        V4Crypto.AesCtr(aes, maskingIv, header);
        return packet;
    }

    /// <summary>Unmasks and parses a packet addressed to the node whose masking cipher is <paramref name="localMasking"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> packet, Aes localMasking, ReadOnlySpan<byte> protocolId,
        out DecodedPacket? decoded, out string reason)
    {
        decoded = null;
        if (packet.Length < MinPacketSize)
        {
            reason = $"the packet is {packet.Length} bytes; at least {MinPacketSize} are required.";
            return false;
        }

        if (packet.Length > MaxPacketSize)
        {
            reason = $"the packet is {packet.Length} bytes; at most {MaxPacketSize} are allowed.";
            return false;
        }

        var staticSize = protocolId.Length + StaticHeaderSize;
        var iv = packet[..MaskingIvSize];
        Span<byte> staticHeader = stackalloc byte[staticSize];
        packet.Slice(MaskingIvSize, staticSize).CopyTo(staticHeader);
        V4Crypto.AesCtr(localMasking, iv, staticHeader);
        if (!staticHeader[..protocolId.Length].SequenceEqual(protocolId))
        {
            reason = "the protocol id does not match (not a discv5 packet for this node).";
            return false;
        }

        var p = protocolId.Length;
        if (BinaryPrimitives.ReadUInt16BigEndian(staticHeader[p..]) != Version)
        {
            reason = "the protocol version is not 1.";
            return false;
        }

        var flag = staticHeader[p + 2];
        int authSize = BinaryPrimitives.ReadUInt16BigEndian(staticHeader[(p + 3 + NonceSize)..]);
        if (authSize > packet.Length - MaskingIvSize - staticSize)
        {
            reason = "the authdata size runs past the end of the packet.";
            return false;
        }

        var headerSize = staticSize + authSize;
        var authenticated = new byte[MaskingIvSize + headerSize];
        packet[..(MaskingIvSize + headerSize)].CopyTo(authenticated);
        // Unmask the whole header in one CTR pass from the start so the counter lines up.
        V4Crypto.AesCtr(localMasking, iv, authenticated.AsSpan(MaskingIvSize));
        var nonce = authenticated.AsSpan(MaskingIvSize + p + 3, NonceSize).ToArray();
        var authData = authenticated.AsSpan(MaskingIvSize + staticSize, authSize).ToArray();
        var message = packet[(MaskingIvSize + headerSize)..].ToArray();

        switch ((PacketFlag)flag)
        {
            case PacketFlag.Message:
                if (authSize != 32)
                {
                    reason = $"a message packet's authdata is 32 bytes; got {authSize}.";
                    return false;
                }

                if (message.Length < TagSize)
                {
                    reason = "the message is shorter than its authentication tag.";
                    return false;
                }

                decoded = new DecodedPacket
                {
                    Flag = PacketFlag.Message, Nonce = nonce, AuthenticatedData = authenticated, AuthData = authData,
                    MessageCiphertext = message, SourceId = authData,
                };
                break;

            case PacketFlag.WhoAreYou:
                if (authSize != WhoAreYouAuthDataSize)
                {
                    reason = $"a WHOAREYOU packet's authdata is 24 bytes; got {authSize}.";
                    return false;
                }

                if (message.Length != 0)
                {
                    reason = "a WHOAREYOU packet carries no message.";
                    return false;
                }

                decoded = new DecodedPacket
                {
                    Flag = PacketFlag.WhoAreYou, Nonce = nonce, AuthenticatedData = authenticated, AuthData = authData,
                    MessageCiphertext = [], IdNonce = authData[..16], EnrSeq = BinaryPrimitives.ReadUInt64BigEndian(authData.AsSpan(16)),
                };
                break;

            case PacketFlag.Handshake:
                if (authSize < HandshakeAuthDataHeadSize)
                {
                    reason = "a handshake packet's authdata is shorter than its 34-byte head.";
                    return false;
                }

                int sigSize = authData[32], keySize = authData[33];
                if (HandshakeAuthDataHeadSize + sigSize + keySize > authSize)
                {
                    reason = "the handshake's signature and key sizes run past the authdata.";
                    return false;
                }

                if (message.Length < TagSize)
                {
                    reason = "the message is shorter than its authentication tag.";
                    return false;
                }

                decoded = new DecodedPacket
                {
                    Flag = PacketFlag.Handshake, Nonce = nonce, AuthenticatedData = authenticated, AuthData = authData,
                    MessageCiphertext = message, SourceId = authData[..32],
                    IdSignature = authData.AsSpan(HandshakeAuthDataHeadSize, sigSize).ToArray(),
                    EphemeralPublicKey = authData.AsSpan(HandshakeAuthDataHeadSize + sigSize, keySize).ToArray(),
                    Record = authData.AsSpan(HandshakeAuthDataHeadSize + sigSize + keySize).ToArray(),
                };
                break;

            default:
                reason = $"the packet flag {flag} is unknown.";
                return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Decrypts a message with AES-128-GCM; false when the key is wrong or the data was changed.</summary>
    public static bool TryDecryptMessage(DecodedPacket packet, ReadOnlySpan<byte> key, out byte[] plaintext)
    {
        plaintext = new byte[packet.MessageCiphertext.Length - TagSize];
        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(packet.Nonce, packet.MessageCiphertext.AsSpan(0, plaintext.Length),
                packet.MessageCiphertext.AsSpan(plaintext.Length), plaintext, packet.AuthenticatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext = [];
            return false;
        }
    }

    public static byte[] MessageAuthData(ReadOnlySpan<byte> sourceId) => sourceId.ToArray();

    public static byte[] WhoAreYouAuthData(ReadOnlySpan<byte> idNonce, ulong enrSeq)
    {
        var authData = new byte[WhoAreYouAuthDataSize];
        idNonce[..16].CopyTo(authData);
        BinaryPrimitives.WriteUInt64BigEndian(authData.AsSpan(16), enrSeq);
        return authData;
    }

    public static byte[] HandshakeAuthData(ReadOnlySpan<byte> sourceId, ReadOnlySpan<byte> idSignature,
        ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> record)
    {
        var authData = new byte[HandshakeAuthDataHeadSize + idSignature.Length + ephemeralPublicKey.Length + record.Length];
        sourceId[..32].CopyTo(authData);
        authData[32] = (byte)idSignature.Length;
        authData[33] = (byte)ephemeralPublicKey.Length;
        idSignature.CopyTo(authData.AsSpan(HandshakeAuthDataHeadSize));
        ephemeralPublicKey.CopyTo(authData.AsSpan(HandshakeAuthDataHeadSize + idSignature.Length));
        record.CopyTo(authData.AsSpan(HandshakeAuthDataHeadSize + idSignature.Length + ephemeralPublicKey.Length));
        return authData;
    }
}
