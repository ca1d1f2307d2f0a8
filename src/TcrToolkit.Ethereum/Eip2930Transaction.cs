namespace TcrToolkit.Ethereum;

/// <summary>An EIP-2930 (type 1) transaction with an access list.</summary>
public sealed class Eip2930Transaction : TypedTransaction
{
    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.AccessList;

    /// <summary>The wei paid per unit of gas.</summary>
    public UInt256 GasPrice { get; init; }

    private protected override void WriteFeeFields(RlpWriter writer) => writer.WriteUInt256(GasPrice);

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
}
