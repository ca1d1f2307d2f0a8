using System.Runtime.CompilerServices;

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

/// <summary>A legacy (type 0) transaction; EIP-155 replay protection applies when <see cref="ChainId"/> is set.</summary>
public sealed class LegacyTransaction : Transaction
{
    private readonly ulong? _chainId;

    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.Legacy;

    /// <summary>
    /// The EIP-155 chain id, or <c>null</c> for an unprotected pre-EIP-155 transaction (valid on any chain).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to zero; use <c>null</c> for no replay protection.</exception>
    public ulong? ChainId
    {
        get => _chainId;
        init => _chainId = value == 0
            ? throw new ArgumentOutOfRangeException(nameof(value), "Chain id 0 is not an EIP-155 chain; use null for an unprotected legacy transaction.")
            : value;
    }

    /// <summary>The wei paid per unit of gas.</summary>
    public UInt256 GasPrice { get; init; }

    private protected override void WriteUnsigned(RlpWriter writer)
    {
        var list = writer.StartList();
        WriteCommon(writer);
        if (ChainId is { } chainId)
        {
            writer.WriteUInt64(chainId);
            writer.WriteUInt64(0);
            writer.WriteUInt64(0);
        }

        writer.EndList(list);
    }

    private protected override void WriteSigned(RlpWriter writer, Signature signature)
    {
        var list = writer.StartList();
        WriteCommon(writer);
        UInt256 v = ChainId is { } chainId
            ? ((UInt256)chainId * 2) + 35 + (ulong)signature.YParity
            : (ulong)(27 + signature.YParity);
        writer.WriteUInt256(v);
        WriteSignatureFields(writer, signature);
        writer.EndList(list);
    }

    private void WriteCommon(RlpWriter writer)
    {
        writer.WriteUInt64(Nonce);
        writer.WriteUInt256(GasPrice);
        writer.WriteUInt64(GasLimit);
        WriteOptionalAddress(writer, To);
        writer.WriteUInt256(Value);
        writer.WriteString(Data.Span);
    }

    internal static SignedTransaction DecodeSigned(ReadOnlySpan<byte> raw)
    {
        var outer = new RlpReader(raw);
        var fields = outer.ReadList();
        outer.EnsureEnd();
        var nonce = fields.ReadUInt64();
        var gasPrice = fields.ReadUInt256();
        var gasLimit = fields.ReadUInt64();
        var to = fields.ReadOptionalAddress();
        var value = fields.ReadUInt256();
        var data = fields.ReadString().ToArray();
        if (!fields.HasRemaining)
        {
            throw new TransactionFormatException("The legacy transaction has no signature (6 fields); only signed transactions can be decoded.");
        }

        var v = fields.ReadUInt256();
        var r = fields.ReadUInt256();
        var s = fields.ReadUInt256();
        fields.EnsureEnd();

        ulong? chainId;
        int recoveryId;
        if (v == 27 || v == 28)
        {
            chainId = null;
            recoveryId = (int)(ulong)v - 27;
        }
        else if (v >= 37)
        {
            var offset = v - 35;
            var id = offset / 2;
            if (!id.FitsInUInt64)
            {
                throw new TransactionFormatException("The legacy transaction's EIP-155 chain id does not fit in 64 bits.");
            }

            chainId = (ulong)id;
            recoveryId = (int)(ulong)(offset % 2);
        }
        else
        {
            throw new TransactionFormatException($"Legacy transaction v must be 27, 28 or an EIP-155 value of 37 or more; got {v}.");
        }

        var tx = new LegacyTransaction
        {
            Nonce = nonce,
            GasPrice = gasPrice,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data,
            ChainId = chainId,
        };
        return new SignedTransaction(tx, ReadSignature(r, s, recoveryId), raw.ToArray());
    }
}

/// <summary>An EIP-2930 (type 1) transaction with an access list.</summary>
public sealed class Eip2930Transaction : Transaction
{
    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.AccessList;

    /// <summary>The chain id.</summary>
    public ulong ChainId { get; init; }

    /// <summary>The wei paid per unit of gas.</summary>
    public UInt256 GasPrice { get; init; }

    /// <summary>The addresses and storage slots the transaction declares it will touch.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    private protected override void WriteUnsigned(RlpWriter writer)
    {
        writer.WriteEncoded([(byte)TransactionType.AccessList]);
        var list = writer.StartList();
        WriteFields(writer);
        writer.EndList(list);
    }

    private protected override void WriteSigned(RlpWriter writer, Signature signature)
    {
        writer.WriteEncoded([(byte)TransactionType.AccessList]);
        var list = writer.StartList();
        WriteFields(writer);
        writer.WriteUInt64((ulong)signature.YParity);
        WriteSignatureFields(writer, signature);
        writer.EndList(list);
    }

    private void WriteFields(RlpWriter writer)
    {
        writer.WriteUInt64(ChainId);
        writer.WriteUInt64(Nonce);
        writer.WriteUInt256(GasPrice);
        writer.WriteUInt64(GasLimit);
        WriteOptionalAddress(writer, To);
        writer.WriteUInt256(Value);
        writer.WriteString(Data.Span);
        WriteAccessList(writer, AccessList);
    }

    internal static SignedTransaction DecodeSigned(ReadOnlySpan<byte> raw)
    {
        var outer = new RlpReader(raw[1..]);
        var fields = outer.ReadList();
        outer.EnsureEnd();
        var tx = new Eip2930Transaction
        {
            ChainId = fields.ReadUInt64(),
            Nonce = fields.ReadUInt64(),
            GasPrice = fields.ReadUInt256(),
            GasLimit = fields.ReadUInt64(),
            To = fields.ReadOptionalAddress(),
            Value = fields.ReadUInt256(),
            Data = fields.ReadString().ToArray(),
            AccessList = ReadAccessList(ref fields),
        };
        var signature = ReadTypedSignature(ref fields);
        return new SignedTransaction(tx, signature, raw.ToArray());
    }

    internal static Signature ReadTypedSignature(ref RlpReader fields)
    {
        if (!fields.HasRemaining)
        {
            throw new TransactionFormatException("The typed transaction has no signature; only signed transactions can be decoded.");
        }

        var yParity = fields.ReadUInt64();
        var r = fields.ReadUInt256();
        var s = fields.ReadUInt256();
        fields.EnsureEnd();
        if (yParity > 1)
        {
            throw new TransactionFormatException($"Typed transaction yParity must be 0 or 1; got {yParity}.");
        }

        return ReadSignature(r, s, (int)yParity);
    }
}

/// <summary>An EIP-1559 (type 2) dynamic-fee transaction.</summary>
public sealed class Eip1559Transaction : Transaction
{
    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.DynamicFee;

    /// <summary>The chain id.</summary>
    public ulong ChainId { get; init; }

    /// <summary>The most wei per gas paid to the block producer on top of the base fee.</summary>
    public UInt256 MaxPriorityFeePerGas { get; init; }

    /// <summary>The most wei per gas paid in total (base fee plus priority fee).</summary>
    public UInt256 MaxFeePerGas { get; init; }

    /// <summary>The addresses and storage slots the transaction declares it will touch.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    private protected override void WriteUnsigned(RlpWriter writer)
    {
        writer.WriteEncoded([(byte)TransactionType.DynamicFee]);
        var list = writer.StartList();
        WriteFields(writer);
        writer.EndList(list);
    }

    private protected override void WriteSigned(RlpWriter writer, Signature signature)
    {
        writer.WriteEncoded([(byte)TransactionType.DynamicFee]);
        var list = writer.StartList();
        WriteFields(writer);
        writer.WriteUInt64((ulong)signature.YParity);
        WriteSignatureFields(writer, signature);
        writer.EndList(list);
    }

    private void WriteFields(RlpWriter writer)
    {
        if (MaxPriorityFeePerGas > MaxFeePerGas)
        {
            throw new InvalidOperationException(
                $"MaxPriorityFeePerGas ({MaxPriorityFeePerGas} wei) exceeds MaxFeePerGas ({MaxFeePerGas} wei), which makes the transaction invalid under EIP-1559; raise MaxFeePerGas or lower the priority fee.");
        }

        writer.WriteUInt64(ChainId);
        writer.WriteUInt64(Nonce);
        writer.WriteUInt256(MaxPriorityFeePerGas);
        writer.WriteUInt256(MaxFeePerGas);
        writer.WriteUInt64(GasLimit);
        WriteOptionalAddress(writer, To);
        writer.WriteUInt256(Value);
        writer.WriteString(Data.Span);
        WriteAccessList(writer, AccessList);
    }

    internal static SignedTransaction DecodeSigned(ReadOnlySpan<byte> raw)
    {
        var outer = new RlpReader(raw[1..]);
        var fields = outer.ReadList();
        outer.EnsureEnd();
        var tx = new Eip1559Transaction
        {
            ChainId = fields.ReadUInt64(),
            Nonce = fields.ReadUInt64(),
            MaxPriorityFeePerGas = fields.ReadUInt256(),
            MaxFeePerGas = fields.ReadUInt256(),
            GasLimit = fields.ReadUInt64(),
            To = fields.ReadOptionalAddress(),
            Value = fields.ReadUInt256(),
            Data = fields.ReadString().ToArray(),
            AccessList = ReadAccessList(ref fields),
        };
        if (tx.MaxPriorityFeePerGas > tx.MaxFeePerGas)
        {
            throw new TransactionFormatException("The EIP-1559 transaction's maxPriorityFeePerGas exceeds its maxFeePerGas, which EIP-1559 forbids.");
        }

        var signature = Eip2930Transaction.ReadTypedSignature(ref fields);
        return new SignedTransaction(tx, signature, raw.ToArray());
    }
}

/// <summary>A transaction with its signature and raw serialized form, ready for <c>eth_sendRawTransaction</c>.</summary>
public sealed class SignedTransaction
{
    private readonly byte[] _raw;
    private StrongBox<Address>? _from; // a reference, so that publishing the cached value is atomic

    internal SignedTransaction(Transaction transaction, Signature signature, byte[] raw)
    {
        Transaction = transaction;
        Signature = signature;
        _raw = raw;
        Hash = Keccak256.Hash(raw);
    }

    /// <summary>The unsigned transaction fields.</summary>
    public Transaction Transaction { get; }

    /// <summary>The sender's signature.</summary>
    public Signature Signature { get; }

    /// <summary>The serialized transaction (typed envelope or legacy RLP list).</summary>
    public ReadOnlySpan<byte> RawBytes => _raw;

    /// <summary>The transaction hash: Keccak-256 of <see cref="RawBytes"/>.</summary>
    public Bytes32 Hash { get; }

    /// <summary>The sender, recovered from the signature.</summary>
    /// <exception cref="SignatureRecoveryException">The signature does not recover to a public key.</exception>
    public Address From => (_from ??= new StrongBox<Address>(PublicKey.Recover(Transaction.GetSigningHash(), Signature).Address)).Value;

    /// <summary>The serialized transaction as <c>0x</c>-prefixed hex.</summary>
    public string ToHex() => Hex.Encode(_raw);

    /// <summary>The transaction hash and type.</summary>
    public override string ToString() => $"{Transaction.Type} transaction {Hash}";
}
