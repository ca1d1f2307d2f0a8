using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NBitcoin.Secp256k1;
using Org.BouncyCastle.Math.EC;
using TcrToolkit.Ethereum;
using TcrToolkit.Secp256k1.Oracles;
using NativeContext = Secp256k1Net.Secp256k1;
using NativeEcFlags = Secp256k1Net.Secp256k1EcFlags;

namespace TcrToolkit.Benchmarks;

/// <summary>
/// secp256k1 backends side by side in one run, on one core: BouncyCastle (the toolkit's code before, kept in the
/// oracle project), NBitcoin.Secp256k1 (managed port), libsecp256k1 through Secp256k1.Net called directly, and the
/// toolkit's key types (libsecp256k1 behind PrivateKey / PublicKey). Each operation cycles through 32 fixed keys and
/// digests, and produces what the key types return (x || y and an address for keys, r || s and a recovery id for
/// signatures, the 33-byte compressed point for ECDH). Report: bench/secp256k1-report.md.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(OneCoreConfig))]
public class Secp256k1Benchmarks : IDisposable
{
    private const int Count = 32;
    private const string BouncyCastle = "BouncyCastle (before)";
    private const string NBitcoin = "NBitcoin.Secp256k1";
    private const string Native = "libsecp256k1 (Secp256k1.Net)";
    private const string Toolkit = "TcrToolkit key types (libsecp256k1)";

    private readonly byte[][] _secrets = new byte[Count][];
    private readonly byte[][] _digests = new byte[Count][];
    private readonly byte[][] _compact = new byte[Count][];
    private readonly int[] _recoveryIds = new int[Count];
    private readonly PrivateKey[] _keys = new PrivateKey[Count];
    private readonly PublicKey[] _peers = new PublicKey[Count];
    private readonly Signature[] _signatures = new Signature[Count];
    private readonly ECPoint[] _bouncyKeys = new ECPoint[Count];
    private readonly ECPoint[] _bouncyPeers = new ECPoint[Count];
    private readonly ECPrivKey[] _nbitcoinSecrets = new ECPrivKey[Count];
    private readonly ECPubKey[] _nbitcoinKeys = new ECPubKey[Count];
    private readonly ECPubKey[] _nbitcoinPeers = new ECPubKey[Count];
    private readonly byte[][] _nativeKeys = new byte[Count][];
    private readonly byte[][] _nativePeers = new byte[Count][];
    private readonly NativeContext _native = new();
    private readonly byte[] _output = new byte[65];
    private readonly byte[] _signatureOutput = new byte[64];
    private int _next;

    public Secp256k1Benchmarks()
    {
        var random = new Random(17);
        for (var i = 0; i < Count; i++)
        {
            _keys[i] = PrivateKey.Generate();
            _secrets[i] = new byte[32];
            _keys[i].ExportSecret(_secrets[i]);
            _digests[i] = new byte[32];
            random.NextBytes(_digests[i]);
            _signatures[i] = _keys[i].Sign(_digests[i]);
            _compact[i] = new byte[64];
            _signatures[i].WriteCompactTo(_compact[i]);
            _recoveryIds[i] = _signatures[i].RecoveryId;
            using var peer = PrivateKey.Generate();
            _peers[i] = peer.PublicKey;

            _bouncyKeys[i] = BouncyCastleSecp256k1.ParsePoint(_keys[i].PublicKey.ToRawBytes())!;
            _bouncyPeers[i] = BouncyCastleSecp256k1.ParsePoint(_peers[i].ToRawBytes())!;
            _nbitcoinSecrets[i] = NBitcoinSecp256k1.ParseSecret(_secrets[i])!;
            _nbitcoinKeys[i] = NBitcoinSecp256k1.ParsePublicKey(_keys[i].PublicKey.ToRawBytes())!;
            _nbitcoinPeers[i] = NBitcoinSecp256k1.ParsePublicKey(_peers[i].ToRawBytes())!;
            _nativeKeys[i] = new byte[64];
            _native.EcPubkeyParse(_nativeKeys[i], _keys[i].PublicKey.ToUncompressedBytes());
            _nativePeers[i] = new byte[64];
            _native.EcPubkeyParse(_nativePeers[i], _peers[i].ToUncompressedBytes());
        }
    }

    private int Next() => _next = (_next + 1) & (Count - 1);

    // ---- sign: RFC 6979, low-S, recovery id ----

    [Benchmark(Baseline = true, Description = BouncyCastle), BenchmarkCategory("sign")]
    public int SignBouncyCastle()
    {
        var i = Next();
        return BouncyCastleSecp256k1.Sign(_digests[i], _secrets[i]).RecoveryId;
    }

    [Benchmark(Description = NBitcoin), BenchmarkCategory("sign")]
    public int SignNBitcoin()
    {
        var i = Next();
        return NBitcoinSecp256k1.Sign(_digests[i], _nbitcoinSecrets[i], _signatureOutput);
    }

    [Benchmark(Description = Native), BenchmarkCategory("sign")]
    public int SignNative()
    {
        var i = Next();
        Span<byte> signature = stackalloc byte[65];
        _native.EcdsaSignRecoverable(signature, _digests[i], _secrets[i]);
        _native.EcdsaRecoverableSignatureSerializeCompact(_signatureOutput, out var recoveryId, signature);
        return recoveryId;
    }

    [Benchmark(Description = Toolkit), BenchmarkCategory("sign")]
    public int SignToolkit()
    {
        var i = Next();
        return _keys[i].Sign(_digests[i]).RecoveryId;
    }

    // ---- recover the signer's public key ----

    [Benchmark(Baseline = true, Description = BouncyCastle), BenchmarkCategory("recover")]
    public int RecoverBouncyCastle()
    {
        var i = Next();
        return BouncyCastleSecp256k1.ToRaw(BouncyCastleSecp256k1.Recover(_digests[i], _compact[i], _recoveryIds[i])!)[0];
    }

    [Benchmark(Description = NBitcoin), BenchmarkCategory("recover")]
    public int RecoverNBitcoin()
    {
        var i = Next();
        NBitcoinSecp256k1.Recover(_digests[i], _compact[i], _recoveryIds[i])!.WriteToSpan(false, _output, out var length);
        return length;
    }

    [Benchmark(Description = Native), BenchmarkCategory("recover")]
    public int RecoverNative()
    {
        var i = Next();
        Span<byte> signature = stackalloc byte[65];
        Span<byte> key = stackalloc byte[64];
        _native.EcdsaRecoverableSignatureParseCompact(signature, _compact[i], _recoveryIds[i]);
        _native.EcdsaRecover(key, signature, _digests[i]);
        nuint length = 65;
        _native.EcPubkeySerialize(_output, ref length, key, NativeEcFlags.Uncompressed);
        return (int)length;
    }

    [Benchmark(Description = Toolkit), BenchmarkCategory("recover")]
    public Address RecoverToolkit()
    {
        var i = Next();
        return PublicKey.Recover(_digests[i], _signatures[i]).Address;
    }

    // ---- verify r || s against a parsed public key ----

    [Benchmark(Baseline = true, Description = BouncyCastle), BenchmarkCategory("verify")]
    public bool VerifyBouncyCastle()
    {
        var i = Next();
        return BouncyCastleSecp256k1.Verify(_digests[i], _compact[i], _bouncyKeys[i]);
    }

    [Benchmark(Description = NBitcoin), BenchmarkCategory("verify")]
    public bool VerifyNBitcoin()
    {
        var i = Next();
        return NBitcoinSecp256k1.Verify(_digests[i], _compact[i], _nbitcoinKeys[i]);
    }

    [Benchmark(Description = Native), BenchmarkCategory("verify")]
    public bool VerifyNative()
    {
        var i = Next();
        Span<byte> signature = stackalloc byte[64];
        return _native.EcdsaSignatureParseCompact(signature, _compact[i]) && _native.EcdsaVerify(signature, _digests[i], _nativeKeys[i]);
    }

    [Benchmark(Description = Toolkit), BenchmarkCategory("verify")]
    public bool VerifyToolkit()
    {
        var i = Next();
        return _keys[i].PublicKey.Verify(_digests[i], _signatures[i]);
    }

    // ---- ECDH: the 33-byte compressed shared point (discv5) ----

    [Benchmark(Baseline = true, Description = BouncyCastle), BenchmarkCategory("ecdh")]
    public byte EcdhBouncyCastle()
    {
        var i = Next();
        return BouncyCastleSecp256k1.SharedSecretCompressed(_secrets[i], _bouncyPeers[i])[0];
    }

    [Benchmark(Description = NBitcoin), BenchmarkCategory("ecdh")]
    public byte EcdhNBitcoin()
    {
        var i = Next();
        NBitcoinSecp256k1.SharedSecretCompressed(_nbitcoinSecrets[i], _nbitcoinPeers[i], _output);
        return _output[0];
    }

    [Benchmark(Description = Native), BenchmarkCategory("ecdh")]
    public byte EcdhNative()
    {
        var i = Next();
        Span<byte> shared = stackalloc byte[64];
        _nativePeers[i].CopyTo(shared);
        _native.EcPubkeyTweakMul(shared, _secrets[i]);
        nuint length = 33;
        _native.EcPubkeySerialize(_output, ref length, shared, NativeEcFlags.Compressed);
        return _output[0];
    }

    [Benchmark(Description = Toolkit), BenchmarkCategory("ecdh")]
    public byte EcdhToolkit()
    {
        var i = Next();
        _keys[i].SharedSecretCompressed(_peers[i], _output);
        return _output[0];
    }

    // ---- public key from a secret ----

    [Benchmark(Baseline = true, Description = BouncyCastle), BenchmarkCategory("public key")]
    public byte DeriveBouncyCastle()
    {
        var i = Next();
        return BouncyCastleSecp256k1.ToRaw(BouncyCastleSecp256k1.DerivePublicKey(_secrets[i]))[0];
    }

    [Benchmark(Description = NBitcoin), BenchmarkCategory("public key")]
    public int DeriveNBitcoin()
    {
        var i = Next();
        _nbitcoinSecrets[i].CreatePubKey().WriteToSpan(false, _output, out var length);
        return length;
    }

    [Benchmark(Description = Native), BenchmarkCategory("public key")]
    public int DeriveNative()
    {
        var i = Next();
        Span<byte> key = stackalloc byte[64];
        _native.EcPubkeyCreate(key, _secrets[i]);
        nuint length = 65;
        _native.EcPubkeySerialize(_output, ref length, key, NativeEcFlags.Uncompressed);
        return (int)length;
    }

    [Benchmark(Description = Toolkit), BenchmarkCategory("public key")]
    public Address DeriveToolkit()
    {
        var i = Next();
        using var key = PrivateKey.FromBytes(_secrets[i]);
        return key.Address;
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }

        _native.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// In process (a loaded two-core machine cannot build BenchmarkDotNet's boilerplate project within its time-out),
    /// pinned to one core, enough iterations to see through a shared machine's noise.
    /// </summary>
    private sealed class OneCoreConfig : ManualConfig
    {
        public OneCoreConfig() =>
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithAffinity(1)
                .WithWarmupCount(3).WithIterationCount(12).WithLaunchCount(1).WithId("OneCore"));
    }
}
