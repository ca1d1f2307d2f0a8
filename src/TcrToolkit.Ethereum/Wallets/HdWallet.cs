namespace TcrToolkit.Ethereum.Wallets;

/// <summary>
/// A hierarchical deterministic wallet: the BIP-32 master key of a BIP-39 mnemonic (or seed), with Ethereum accounts
/// at the BIP-44 path <c>m/44'/60'/0'/0/i</c> as geth, ethers, MetaMask and Hardhat derive them.
/// </summary>
/// <example>
/// <code>
/// using var wallet = HdWallet.FromMnemonic("test test test test test test test test test test test junk");
/// using var account0 = wallet.DeriveAccount(0); // 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
/// </code>
/// </example>
public sealed class HdWallet : IDisposable
{
    private readonly ExtendedPrivateKey _master;
    private readonly Lock _gate = new();
    private ExtendedPrivateKey? _accounts;
    private bool _disposed;

    private HdWallet(ExtendedPrivateKey master)
    {
        _master = master;
    }

    /// <summary>Creates the wallet of a BIP-39 mnemonic phrase and optional passphrase.</summary>
    /// <exception cref="MnemonicFormatException">The phrase is not a valid English BIP-39 mnemonic.</exception>
    /// <exception cref="ArgumentException"><paramref name="passphrase"/> holds an unpaired UTF-16 surrogate.</exception>
    public static HdWallet FromMnemonic(ReadOnlySpan<char> mnemonic, ReadOnlySpan<char> passphrase = default)
    {
        using var parsed = Mnemonic.Parse(mnemonic);
        return FromMnemonic(parsed, passphrase);
    }

    /// <summary>Creates the wallet of a BIP-39 mnemonic and optional passphrase.</summary>
    /// <exception cref="ArgumentException"><paramref name="passphrase"/> holds an unpaired UTF-16 surrogate.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="mnemonic"/> has been disposed.</exception>
    public static HdWallet FromMnemonic(Mnemonic mnemonic, ReadOnlySpan<char> passphrase = default)
    {
        ArgumentNullException.ThrowIfNull(mnemonic);
        var seed = mnemonic.ComputeSeed(passphrase);
        try
        {
            return FromSeed(seed);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Creates the wallet of a BIP-32 seed (16–64 bytes).</summary>
    /// <exception cref="ArgumentException">The seed length is out of range.</exception>
    /// <exception cref="HdKeyDerivationException">The seed gives an invalid master key (probability below 2^-127).</exception>
    public static HdWallet FromSeed(ReadOnlySpan<byte> seed) => new(ExtendedPrivateKey.FromSeed(seed));

    /// <summary>The master key's extended public key (<c>xpub</c> at depth 0).</summary>
    /// <exception cref="ObjectDisposedException">The wallet has been disposed.</exception>
    public ExtendedPublicKey MasterPublicKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _master.ToExtendedPublicKey();
        }
    }

    /// <summary>
    /// Derives Ethereum account <paramref name="index"/>: the key at <c>m/44'/60'/0'/0/<paramref name="index"/></c>.
    /// The caller disposes it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    /// <exception cref="HdKeyDerivationException">The index gives an invalid key (probability below 2^-127).</exception>
    /// <exception cref="ObjectDisposedException">The wallet has been disposed.</exception>
    public PrivateKey DeriveAccount(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _accounts ??= _master.Derive(HdPath.EthereumAccounts);
            using var child = _accounts.DeriveChild((uint)index);
            return child.ToPrivateKey();
        }
    }

    /// <summary>Derives the extended private key at <paramref name="path"/> from the master key. The caller disposes it.</summary>
    /// <exception cref="HdKeyDerivationException">A step gives an invalid key (probability below 2^-127).</exception>
    /// <exception cref="ObjectDisposedException">The wallet has been disposed.</exception>
    public ExtendedPrivateKey Derive(HdPath path)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _master.Derive(path);
        }
    }

    /// <inheritdoc cref="Derive(HdPath)"/>
    /// <exception cref="HdPathFormatException"><paramref name="path"/> is not a valid path.</exception>
    public ExtendedPrivateKey Derive(string path) => Derive(HdPath.Parse(path));

    /// <summary>Zeroes the master key and the cached account node. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _master.Dispose();
                _accounts?.Dispose();
                _disposed = true;
            }
        }
    }

    /// <summary>Names the wallet by its master fingerprint only.</summary>
    public override string ToString() =>
        _disposed ? "HdWallet(disposed)" : $"HdWallet(master fingerprint {_master.Fingerprint:x8})";
}
