namespace TcrToolkit.Ethereum;

/// <summary>The transaction envelope types this library signs and decodes.</summary>
public enum TransactionType : byte
{
    /// <summary>Type 0: legacy, with EIP-155 replay protection when a chain id is set.</summary>
    Legacy = 0,

    /// <summary>Type 1: EIP-2930 access-list transaction.</summary>
    AccessList = 1,

    /// <summary>Type 2: EIP-1559 dynamic-fee transaction.</summary>
    DynamicFee = 2,
}

/// <summary>One EIP-2930 access-list entry: an address and the storage slots the transaction will touch.</summary>
/// <param name="Address">The account.</param>
/// <param name="StorageKeys">The storage slots.</param>
public sealed record AccessListEntry(Address Address, IReadOnlyList<Bytes32> StorageKeys)
{
    /// <inheritdoc/>
    public bool Equals(AccessListEntry? other) =>
        other is not null && Address == other.Address && StorageKeys.SequenceEqual(other.StorageKeys);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, StorageKeys.Count);
}

/// <summary>
/// An unsigned transaction. Create one of <see cref="LegacyTransaction"/>, <see cref="Eip2930Transaction"/> or
/// <see cref="Eip1559Transaction"/>, then <see cref="Sign"/> it; <see cref="Decode"/> reads signed raw transactions.
/// </summary>
public abstract class Transaction
{
    private protected Transaction()
    {
    }

    /// <summary>The envelope type.</summary>
    public abstract TransactionType Type { get; }

    /// <summary>The sender's transaction count before this transaction.</summary>
    public ulong Nonce { get; init; }

    /// <summary>The maximum gas this transaction may use.</summary>
    public ulong GasLimit { get; init; }

    /// <summary>The recipient, or <c>null</c> to create a contract from <see cref="Data"/>.</summary>
    public Address? To { get; init; }

    /// <summary>The wei sent to the recipient.</summary>
    public UInt256 Value { get; init; }

    /// <summary>Call data, or init code for a contract creation.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The bytes whose Keccak-256 hash is signed (for typed transactions, including the type byte).</summary>
    /// <exception cref="InvalidOperationException">The fields are inconsistent (an EIP-1559 priority fee above the max fee).</exception>
    public byte[] EncodeForSigning()
    {
        var writer = new RlpWriter(256 + Data.Length);
        WriteUnsigned(writer);
        return writer.ToArray();
    }

    /// <summary>The hash the sender signs.</summary>
    /// <exception cref="InvalidOperationException">The fields are inconsistent (an EIP-1559 priority fee above the max fee).</exception>
    public Bytes32 GetSigningHash()
    {
        var writer = new RlpWriter(256 + Data.Length);
        WriteUnsigned(writer);
        return Keccak256.Hash(writer.WrittenSpan);
    }

    /// <summary>Signs the transaction.</summary>
    /// <exception cref="ObjectDisposedException"><paramref name="key"/> has been disposed.</exception>
    /// <exception cref="InvalidOperationException">The fields are inconsistent (an EIP-1559 priority fee above the max fee).</exception>
    public SignedTransaction Sign(PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WithSignature(key.Sign(GetSigningHash()));
    }

    /// <summary>Attaches an existing signature (for example from a hardware wallet) and serializes the result.</summary>
    /// <exception cref="ArgumentException">The signature's recovery id cannot be encoded (2 or 3).</exception>
    public SignedTransaction WithSignature(Signature signature)
    {
        if (signature.RecoveryId > 1)
        {
            throw new ArgumentException("The signature's recovery id is 2 or 3, which transactions cannot encode.", nameof(signature));
        }

        var writer = new RlpWriter(256 + Data.Length);
        WriteSigned(writer, signature);
        return new SignedTransaction(this, signature, writer.ToArray());
    }

    private protected abstract void WriteUnsigned(RlpWriter writer);

    private protected abstract void WriteSigned(RlpWriter writer, Signature signature);

    private protected static void WriteAccessList(RlpWriter writer, IReadOnlyList<AccessListEntry> accessList)
    {
        var list = writer.StartList();
        foreach (var entry in accessList)
        {
            var item = writer.StartList();
            writer.WriteAddress(entry.Address);
            var keys = writer.StartList();
            foreach (var key in entry.StorageKeys)
            {
                writer.WriteString(key.AsSpan());
            }

            writer.EndList(keys);
            writer.EndList(item);
        }

        writer.EndList(list);
    }

    private protected static void WriteOptionalAddress(RlpWriter writer, Address? address)
    {
        if (address is { } a)
        {
            writer.WriteAddress(a);
        }
        else
        {
            writer.WriteString([]);
        }
    }

    private protected static void WriteSignatureFields(RlpWriter writer, Signature signature)
    {
        writer.WriteUInt256(signature.R);
        writer.WriteUInt256(signature.S);
    }

    /// <summary>
    /// Decodes a signed raw transaction (legacy, EIP-2930 or EIP-1559) with strict canonical RLP, and checks the
    /// signature is well-formed and low-S (EIP-2).
    /// </summary>
    /// <exception cref="TransactionFormatException">The bytes are not a valid signed transaction.</exception>
    public static SignedTransaction Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            throw new TransactionFormatException("A raw transaction cannot be empty.");
        }

        try
        {
            return raw[0] switch
            {
                >= 0xc0 => LegacyTransaction.DecodeSigned(raw),
                1 => Eip2930Transaction.DecodeSigned(raw),
                2 => Eip1559Transaction.DecodeSigned(raw),
                <= 0x7f => throw new TransactionFormatException($"Unsupported transaction type 0x{raw[0]:x2}; this library reads types 0, 1 and 2."),
                _ => throw new TransactionFormatException($"Invalid first byte 0x{raw[0]:x2}: neither a transaction type nor an RLP list."),
            };
        }
        catch (RlpFormatException ex)
        {
            throw new TransactionFormatException($"The raw transaction is not valid RLP: {ex.Message}", ex);
        }
    }

    /// <summary>Decodes a signed raw transaction from <c>0x</c>-prefixed hex.</summary>
    /// <exception cref="HexFormatException">The text is not valid hex.</exception>
    /// <exception cref="TransactionFormatException">The bytes are not a valid signed transaction.</exception>
    public static SignedTransaction DecodeHex(ReadOnlySpan<char> rawHex) => Decode(Hex.Decode(rawHex));

    private protected static IReadOnlyList<AccessListEntry> ReadAccessList(ref RlpReader reader)
    {
        var list = reader.ReadList();
        var entries = new List<AccessListEntry>();
        while (list.HasRemaining)
        {
            var item = list.ReadList();
            var address = item.ReadAddress();
            var keysReader = item.ReadList();
            var keys = new List<Bytes32>();
            while (keysReader.HasRemaining)
            {
                keys.Add(keysReader.ReadBytes32());
            }

            item.EnsureEnd();
            entries.Add(new AccessListEntry(address, keys));
        }

        return entries;
    }

    private protected static Signature ReadSignature(UInt256 r, UInt256 s, int recoveryId)
    {
        Signature signature;
        try
        {
            signature = new Signature(r, s, recoveryId);
        }
        catch (SignatureFormatException ex)
        {
            throw new TransactionFormatException($"The transaction signature is invalid: {ex.Message}", ex);
        }

        return signature.IsLowS
            ? signature
            : throw new TransactionFormatException("The transaction signature has a high s value, which EIP-2 forbids.");
    }

    private protected static void EnsureFieldCount(int expected, int actual, string kind)
    {
        if (expected != actual)
        {
            throw new TransactionFormatException($"A signed {kind} transaction has {expected} fields; this one has {actual}.");
        }
    }
}
