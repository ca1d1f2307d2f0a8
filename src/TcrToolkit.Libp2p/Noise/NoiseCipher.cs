using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace TcrToolkit.Libp2p.Noise;

/// <summary>
/// A Noise CipherState with ChaChaPoly: a 32-byte key and a 64-bit counter nonce (4 zero bytes then the counter,
/// little-endian). Uses .NET's ChaCha20-Poly1305 where the platform has it, BouncyCastle's otherwise.
/// </summary>
internal sealed class NoiseCipher : IDisposable
{
    public const int TagSize = 16;

    private readonly ChaCha20Poly1305? _native;
    private readonly byte[] _key;
    private ulong _nonce;

    public NoiseCipher(ReadOnlySpan<byte> key)
    {
        _key = key.ToArray();
        if (ChaCha20Poly1305.IsSupported)
        {
            _native = new ChaCha20Poly1305(_key);
        }
    }

    public ulong Nonce => _nonce;

    public static bool UsesNative => ChaCha20Poly1305.IsSupported;

    public void Encrypt(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag)
    {
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        if (_native is not null)
        {
            _native.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagSize), associatedData);
            return;
        }

        var cipher = new Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305();
        cipher.Init(true, new AeadParameters(new KeyParameter(_key), TagSize * 8, nonce.ToArray(), associatedData.ToArray()));
        var output = new byte[plaintext.Length + TagSize];
        var n = cipher.ProcessBytes(plaintext.ToArray(), 0, plaintext.Length, output, 0);
        cipher.DoFinal(output, n);
        output.CopyTo(ciphertextAndTag);
    }

    /// <summary>Decrypts and authenticates; returns false (without advancing usable state) when the tag is wrong.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        if (ciphertextAndTag.Length < TagSize)
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        var length = ciphertextAndTag.Length - TagSize;
        if (_native is not null)
        {
            try
            {
                _native.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext[..length], associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        var cipher = new Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305();
        cipher.Init(false, new AeadParameters(new KeyParameter(_key), TagSize * 8, nonce.ToArray(), associatedData.ToArray()));
        var output = new byte[length];
        try
        {
            var n = cipher.ProcessBytes(ciphertextAndTag.ToArray(), 0, ciphertextAndTag.Length, output, 0);
            cipher.DoFinal(output, n);
        }
        catch (Org.BouncyCastle.Crypto.InvalidCipherTextException)
        {
            return false;
        }

        output.CopyTo(plaintext);
        return true;
    }

    public void SkipNonce() => _nonce++;

    private void NextNonce(Span<byte> nonce)
    {
        if (_nonce == ulong.MaxValue)
        {
            throw new Libp2pProtocolException("The Noise nonce is exhausted; the session must end.");
        }

        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _nonce++);
    }

    public void Dispose()
    {
        _native?.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }
}
