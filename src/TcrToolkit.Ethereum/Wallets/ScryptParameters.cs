namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// The scrypt cost parameters for writing a keystore: CPU/memory cost <see cref="N"/> (a power of two), block size
/// <see cref="R"/> and parallelism <see cref="P"/>. Memory use is about 128 · N · r bytes.
/// </summary>
public readonly record struct ScryptParameters
{
    /// <summary>Creates and validates a parameter set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// N is not a power of two above 1, r or p is not positive, the memory cost exceeds 1 GiB, or p exceeds what
    /// BouncyCastle's scrypt accepts (2^31 / (1024 · r)).
    /// </exception>
    public ScryptParameters(int n, int r, int p)
    {
        if (n < 2 || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "scrypt N must be a power of two greater than 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(r);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(p);
        if (128L * n * r > MaxMemoryBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"scrypt N · r = {(long)n * r} needs more than 1 GiB of memory.");
        }

        if (p > int.MaxValue / (1024 * r))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"scrypt p must be at most {int.MaxValue / (1024 * r)} for r = {r}.");
        }

        N = n;
        R = r;
        P = p;
    }

    /// <summary>The largest memory cost (128 · N · r bytes) accepted when writing or reading a keystore: 1 GiB.</summary>
    public const long MaxMemoryBytes = 1L << 30;

    /// <summary>
    /// N = 2^17, r = 8, p = 1: the default of ethers v6 (<c>encryptKeystoreJson</c>), about 128 MiB and a second or so
    /// per encryption. Use this for real keys. (geth's "standard" is N = 2^18.)
    /// </summary>
    public static ScryptParameters Standard { get; } = new(1 << 17, 8, 1);

    /// <summary>
    /// N = 2^12, r = 8, p = 6: geth's "light" profile (<c>--lightkdf</c>), about 4 MiB and tens of milliseconds. Only
    /// for throwaway keys on tests and devnets: it is far cheaper to brute-force.
    /// </summary>
    public static ScryptParameters Light { get; } = new(1 << 12, 8, 6);

    /// <summary>CPU/memory cost, a power of two.</summary>
    public int N { get; }

    /// <summary>Block size.</summary>
    public int R { get; }

    /// <summary>Parallelism.</summary>
    public int P { get; }
}
