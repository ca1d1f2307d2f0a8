namespace TcrToolkit.Ethereum;

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
