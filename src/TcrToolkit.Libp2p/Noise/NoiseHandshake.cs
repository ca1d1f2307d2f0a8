using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc7748;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Libp2p.Noise;

/// <summary>
/// Noise_XX_25519_ChaChaPoly_SHA256 with the libp2p handshake payload (spec: libp2p/specs noise/README.md).
/// Pattern: <c>-&gt; e</c>, <c>&lt;- e, ee, s, es</c>, <c>-&gt; s, se</c>. Each message is framed by a 2-byte big-endian
/// length. The responder's payload travels in message 2, the initiator's in message 3; each carries the identity key
/// and its signature over <c>"noise-libp2p-static-key:" || static X25519 key</c>.
/// </summary>
internal sealed class NoiseHandshake
{
    public const string ProtocolId = "/noise";
    public const int MaxMessageSize = 65535;
    private const string SignaturePrefix = "noise-libp2p-static-key:";
    private static readonly byte[] ProtocolName = Encoding.ASCII.GetBytes("Noise_XX_25519_ChaChaPoly_SHA256");

    private readonly byte[] _h = new byte[32];
    private readonly byte[] _ck = new byte[32];
    private byte[]? _k;
    private ulong _n;

    private readonly byte[] _staticPrivate = new byte[32];
    private readonly byte[] _staticPublic = new byte[32];
    private readonly byte[] _ephemeralPrivate = new byte[32];
    private readonly byte[] _ephemeralPublic = new byte[32];
    private readonly byte[] _remoteEphemeral = new byte[32];
    private readonly byte[] _remoteStatic = new byte[32];

    private NoiseHandshake()
    {
        ProtocolName.CopyTo(_h, 0);
        ProtocolName.CopyTo(_ck, 0);
        MixHash([]);
        var random = new Org.BouncyCastle.Security.SecureRandom();
        X25519.GeneratePrivateKey(random, _staticPrivate);
        X25519.GeneratePublicKey(_staticPrivate, 0, _staticPublic, 0);
        X25519.GeneratePrivateKey(random, _ephemeralPrivate);
        X25519.GeneratePublicKey(_ephemeralPrivate, 0, _ephemeralPublic, 0);
    }

    /// <summary>Runs the handshake as initiator (dialler) and returns the secured stream and the remote's proven peer id.</summary>
    public static async Task<(NoiseSecureStream Stream, PeerId RemotePeer)> InitiateAsync(
        Stream transport, PrivateKey identity, PeerId? expectedRemote, CancellationToken cancellationToken)
    {
        var state = new NoiseHandshake();

        // -> e (empty payload)
        var message1 = new List<byte>(state._ephemeralPublic);
        state.MixHash(state._ephemeralPublic);
        message1.AddRange(state.EncryptAndHash([]));
        await WriteFrameAsync(transport, [.. message1], cancellationToken).ConfigureAwait(false);

        // <- e, ee, s, es, payload
        var message2 = await ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
        if (message2.Length < 32 + 48 + NoiseCipher.TagSize)
        {
            throw new NoiseHandshakeException($"Noise message 2 of {message2.Length} bytes is too short.");
        }

        message2.AsSpan(0, 32).CopyTo(state._remoteEphemeral);
        state.MixHash(state._remoteEphemeral);
        state.MixKey(Dh(state._ephemeralPrivate, state._remoteEphemeral));
        state.DecryptAndHash(message2.AsSpan(32, 48)).CopyTo(state._remoteStatic, 0);
        state.MixKey(Dh(state._ephemeralPrivate, state._remoteStatic));
        var remotePayload = state.DecryptAndHash(message2.AsSpan(80));
        var remotePeer = VerifyPayload(remotePayload, state._remoteStatic);
        if (expectedRemote is not null && remotePeer != expectedRemote)
        {
            throw new PeerIdMismatchException(expectedRemote, remotePeer);
        }

        // -> s, se, payload
        var message3 = new List<byte>(state.EncryptAndHash(state._staticPublic));
        state.MixKey(Dh(state._staticPrivate, state._remoteEphemeral));
        message3.AddRange(state.EncryptAndHash(state.BuildPayload(identity)));
        await WriteFrameAsync(transport, [.. message3], cancellationToken).ConfigureAwait(false);

        var (send, receive) = state.Split();
        return (new NoiseSecureStream(transport, send, receive), remotePeer);
    }

    /// <summary>Runs the handshake as responder (listener) and returns the secured stream and the remote's proven peer id.</summary>
    public static async Task<(NoiseSecureStream Stream, PeerId RemotePeer)> RespondAsync(
        Stream transport, PrivateKey identity, CancellationToken cancellationToken)
    {
        var state = new NoiseHandshake();

        // -> e
        var message1 = await ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
        if (message1.Length < 32)
        {
            throw new NoiseHandshakeException($"Noise message 1 of {message1.Length} bytes is too short.");
        }

        message1.AsSpan(0, 32).CopyTo(state._remoteEphemeral);
        state.MixHash(state._remoteEphemeral);
        state.DecryptAndHash(message1.AsSpan(32));

        // <- e, ee, s, es, payload
        var message2 = new List<byte>(state._ephemeralPublic);
        state.MixHash(state._ephemeralPublic);
        state.MixKey(Dh(state._ephemeralPrivate, state._remoteEphemeral));
        message2.AddRange(state.EncryptAndHash(state._staticPublic));
        state.MixKey(Dh(state._staticPrivate, state._remoteEphemeral));
        message2.AddRange(state.EncryptAndHash(state.BuildPayload(identity)));
        await WriteFrameAsync(transport, [.. message2], cancellationToken).ConfigureAwait(false);

        // -> s, se, payload
        var message3 = await ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
        if (message3.Length < 48 + NoiseCipher.TagSize)
        {
            throw new NoiseHandshakeException($"Noise message 3 of {message3.Length} bytes is too short.");
        }

        state.DecryptAndHash(message3.AsSpan(0, 48)).CopyTo(state._remoteStatic, 0);
        state.MixKey(Dh(state._ephemeralPrivate, state._remoteStatic));
        var remotePayload = state.DecryptAndHash(message3.AsSpan(48));
        var remotePeer = VerifyPayload(remotePayload, state._remoteStatic);

        var (initiatorToResponder, responderToInitiator) = state.Split();
        return (new NoiseSecureStream(transport, responderToInitiator, initiatorToResponder), remotePeer);
    }

    /// <summary>Encodes the NoiseHandshakePayload: identity_key (1), identity_sig (2).</summary>
    private byte[] BuildPayload(PrivateKey identity)
    {
        var signed = SignedBytes(_staticPublic);
        return new ProtoWriter()
            .WriteBytesField(1, IdentityKey.FromSecp256k1(identity.PublicKey).Marshal())
            .WriteBytesField(2, IdentityKey.SignSecp256k1(identity, signed))
            .ToArray();
    }

    /// <summary>Decodes a NoiseHandshakePayload and checks the identity signature over the remote static key.</summary>
    internal static PeerId VerifyPayload(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> remoteStatic)
    {
        byte[]? key = null;
        byte[]? signature = null;
        try
        {
            var reader = new ProtoReader(payload);
            while (reader.Next())
            {
                switch (reader.Field)
                {
                    case 1:
                        key = reader.ReadBytes().ToArray();
                        break;
                    case 2:
                        signature = reader.ReadBytes().ToArray();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (key is null || signature is null)
            {
                throw new NoiseHandshakeException("The Noise handshake payload lacks the identity key or signature.");
            }

            var identity = IdentityKey.Unmarshal(key);
            if (!identity.Verify(SignedBytes(remoteStatic), signature))
            {
                throw new NoiseHandshakeException("The identity signature over the Noise static key is invalid.");
            }

            return PeerId.FromIdentityKey(identity);
        }
        catch (Libp2pProtocolException ex)
        {
            throw new NoiseHandshakeException("The Noise handshake payload is malformed: " + ex.Message, ex);
        }
    }

    private static byte[] SignedBytes(ReadOnlySpan<byte> staticKey) => [.. Encoding.ASCII.GetBytes(SignaturePrefix), .. staticKey];

    private static byte[] Dh(byte[] privateKey, byte[] publicKey)
    {
        var shared = new byte[32];
        if (!X25519.CalculateAgreement(privateKey, 0, publicKey, 0, shared, 0))
        {
            throw new NoiseHandshakeException("The remote X25519 key gives an all-zero shared secret.");
        }

        return shared;
    }

    private void MixHash(ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_h);
        hash.AppendData(data);
        hash.GetHashAndReset(_h);
    }

    private void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        var output = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial.ToArray(), 64, _ck, []);
        output.AsSpan(0, 32).CopyTo(_ck);
        _k = output[32..];
        _n = 0;
    }

    private byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        if (_k is null)
        {
            var copy = plaintext.ToArray();
            MixHash(copy);
            return copy;
        }

        using var cipher = new NoiseCipherAt(_k, _n++);
        var ciphertext = new byte[plaintext.Length + NoiseCipher.TagSize];
        cipher.Cipher.Encrypt(_h, plaintext, ciphertext);
        MixHash(ciphertext);
        return ciphertext;
    }

    private byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext)
    {
        if (_k is null)
        {
            var copy = ciphertext.ToArray();
            MixHash(copy);
            return copy;
        }

        using var cipher = new NoiseCipherAt(_k, _n++);
        var plaintext = new byte[Math.Max(0, ciphertext.Length - NoiseCipher.TagSize)];
        if (!cipher.Cipher.TryDecrypt(_h, ciphertext, plaintext))
        {
            throw new NoiseHandshakeException("A Noise handshake message failed authentication.");
        }

        MixHash(ciphertext);
        return plaintext;
    }

    private (NoiseCipher InitiatorToResponder, NoiseCipher ResponderToInitiator) Split()
    {
        var output = HKDF.DeriveKey(HashAlgorithmName.SHA256, [], 64, _ck, []);
        return (new NoiseCipher(output.AsSpan(0, 32)), new NoiseCipher(output.AsSpan(32, 32)));
    }

    internal static async Task WriteFrameAsync(Stream transport, byte[] message, CancellationToken cancellationToken)
    {
        var frame = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame, 2);
        await transport.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await transport.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<byte[]> ReadFrameAsync(Stream transport, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        try
        {
            await transport.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            await transport.ReadExactlyAsync(message, cancellationToken).ConfigureAwait(false);
            return message;
        }
        catch (EndOfStreamException ex)
        {
            throw new NoiseHandshakeException("The remote closed the connection during the Noise handshake.", ex);
        }
    }

    /// <summary>A one-shot cipher at a given nonce, for handshake messages.</summary>
    private sealed class NoiseCipherAt : IDisposable
    {
        public NoiseCipherAt(byte[] key, ulong nonce)
        {
            Cipher = new NoiseCipher(key);
            for (ulong i = 0; i < nonce; i++)
            {
                Cipher.SkipNonce();
            }
        }

        public NoiseCipher Cipher { get; }

        public void Dispose() => Cipher.Dispose();
    }
}
