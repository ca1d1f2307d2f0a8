namespace TcrToolkit.Ethereum;

/// <summary>
/// An EIP-2718 typed transaction: the type byte, then one RLP list of its fields — the chain id, the nonce, the fee
/// fields of its type, gas limit, recipient, value, data and the access list — followed, once signed, by yParity, r and
/// s. <see cref="Eip2930Transaction"/> and <see cref="Eip1559Transaction"/> differ only in their fee fields.
/// </summary>
public abstract class TypedTransaction : Transaction
{
    private protected TypedTransaction()
    {
    }

    /// <summary>The chain id.</summary>
    public ulong ChainId { get; init; }

    /// <summary>The addresses and storage slots the transaction declares it will touch.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    private protected sealed override void WriteUnsigned(RlpWriter writer) => WriteEnvelope(writer, null);

    private protected sealed override void WriteSigned(RlpWriter writer, Signature signature) => WriteEnvelope(writer, signature);

    /// <summary>Writes the fee fields of this type, which stand between the nonce and the gas limit.</summary>
    /// <exception cref="InvalidOperationException">The fee fields are inconsistent.</exception>
    private protected abstract void WriteFeeFields(RlpWriter writer);

    private protected static Signature ReadTypedSignature(ref RlpReader fields)
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

    private void WriteEnvelope(RlpWriter writer, Signature? signature)
    {
        writer.WriteEncoded([(byte)Type]);
        var list = writer.StartList();
        writer.WriteUInt64(ChainId);
        writer.WriteUInt64(Nonce);
        WriteFeeFields(writer);
        writer.WriteUInt64(GasLimit);
        WriteOptionalAddress(writer, To);
        writer.WriteUInt256(Value);
        writer.WriteString(Data.Span);
        WriteAccessList(writer, AccessList);
        if (signature is { } s)
        {
            writer.WriteUInt64((ulong)s.YParity);
            WriteSignatureFields(writer, s);
        }

        writer.EndList(list);
    }
}
