namespace TcrToolkit.Ethereum;

/// <summary>An EIP-1559 (type 2) dynamic-fee transaction.</summary>
public sealed class Eip1559Transaction : TypedTransaction
{
    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.DynamicFee;

    /// <summary>The most wei per gas paid to the block producer on top of the base fee.</summary>
    public UInt256 MaxPriorityFeePerGas { get; init; }

    /// <summary>The most wei per gas paid in total (base fee plus priority fee).</summary>
    public UInt256 MaxFeePerGas { get; init; }

    private protected override void WriteFeeFields(RlpWriter writer)
    {
        if (MaxPriorityFeePerGas > MaxFeePerGas)
        {
            throw new InvalidOperationException(
                $"MaxPriorityFeePerGas ({MaxPriorityFeePerGas} wei) exceeds MaxFeePerGas ({MaxFeePerGas} wei), which makes the transaction invalid under EIP-1559; raise MaxFeePerGas or lower the priority fee.");
        }

        writer.WriteUInt256(MaxPriorityFeePerGas);
        writer.WriteUInt256(MaxFeePerGas);
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

        var signature = ReadTypedSignature(ref fields);
        return new SignedTransaction(tx, signature, raw.ToArray());
    }
}
