using System.Runtime.CompilerServices;
using System.Text;

namespace TcrToolkit.Ethereum;

/// <summary>
/// EIP-712 building blocks for code that knows its struct layout at compile time: precompute the type hash once,
/// then hash each instance from its 32-byte field words without allocating.
/// </summary>
/// <example>
/// <code>
/// static readonly Bytes32 NodeKeyProofType = Eip712.HashType("NodeKeyProof(bytes32 nodeId,address owner,uint256 nonce)");
/// var structHash = Eip712.HashStruct(NodeKeyProofType, [nodeId, owner.ToBytes32(), nonce.ToBytes32()]);
/// var digest = Eip712.GetSigningHash(domain.Separator, structHash);
/// </code>
/// </example>
public static class Eip712
{
    /// <summary>Hashes an encoded type string such as <c>Mail(Person from,Person to,string contents)Person(...)</c>.</summary>
    public static Bytes32 HashType(string encodedType) => Keccak256.HashUtf8(encodedType);

    /// <summary>
    /// <c>hashStruct</c>: Keccak-256 of the type hash followed by the already-encoded field words (atomic values
    /// padded to 32 bytes; strings, bytes, arrays and nested structs as their hashes).
    /// </summary>
    public static Bytes32 HashStruct(Bytes32 typeHash, ReadOnlySpan<Bytes32> encodedFields)
    {
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(typeHash.AsSpan(), Bytes32.AsBytes(encodedFields), hash);
        return new Bytes32(hash);
    }

    /// <summary>The digest to sign: Keccak-256 of <c>0x19 0x01 || domainSeparator || structHash</c>.</summary>
    public static Bytes32 GetSigningHash(Bytes32 domainSeparator, Bytes32 structHash)
    {
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash([0x19, 0x01], domainSeparator.AsSpan(), structHash.AsSpan(), hash);
        return new Bytes32(hash);
    }

    /// <summary>Encodes a <c>bool</c> field.</summary>
    public static Bytes32 EncodeBool(bool value) => value ? UInt256.One.ToBytes32() : Bytes32.Zero;

    /// <summary>Encodes a <c>uint256</c> (or narrower unsigned) field.</summary>
    public static Bytes32 EncodeUInt(UInt256 value) => value.ToBytes32();

    /// <summary>Encodes an <c>address</c> field.</summary>
    public static Bytes32 EncodeAddress(Address value) => value.ToBytes32();

    /// <summary>Encodes a <c>string</c> field: Keccak-256 of its UTF-8 bytes.</summary>
    public static Bytes32 EncodeString(string value) => Keccak256.HashUtf8(value);

    /// <summary>Encodes a <c>bytes</c> field: Keccak-256 of its contents.</summary>
    public static Bytes32 EncodeBytes(ReadOnlySpan<byte> value) => Keccak256.Hash(value);
}

/// <summary>One member of an EIP-712 struct type.</summary>
/// <param name="Name">The member name.</param>
/// <param name="Type">The member type, for example <c>uint256</c>, <c>Person[]</c> or <c>bytes32[2]</c>.</param>
public sealed record TypedDataField(string Name, string Type);

/// <summary>
/// The EIP-712 domain. Only the members that are set take part in the <c>EIP712Domain</c> type, in the order
/// name, version, chainId, verifyingContract, salt.
/// </summary>
public sealed class TypedDataDomain
{
    private StrongBox<Bytes32>? _separator; // a reference, so that publishing the cached value is atomic

    /// <summary>The signing domain's user-readable name, such as the dapp or protocol name.</summary>
    public string? Name { get; init; }

    /// <summary>The current major version of the signing domain.</summary>
    public string? Version { get; init; }

    /// <summary>The EIP-155 chain id.</summary>
    public UInt256? ChainId { get; init; }

    /// <summary>The contract that will verify the signature.</summary>
    public Address? VerifyingContract { get; init; }

    /// <summary>A disambiguating salt.</summary>
    public Bytes32? Salt { get; init; }

    /// <summary>The members of the <c>EIP712Domain</c> type implied by which properties are set.</summary>
    public IReadOnlyList<TypedDataField> Fields
    {
        get
        {
            var fields = new List<TypedDataField>(5);
            if (Name is not null)
            {
                fields.Add(new("name", "string"));
            }

            if (Version is not null)
            {
                fields.Add(new("version", "string"));
            }

            if (ChainId is not null)
            {
                fields.Add(new("chainId", "uint256"));
            }

            if (VerifyingContract is not null)
            {
                fields.Add(new("verifyingContract", "address"));
            }

            if (Salt is not null)
            {
                fields.Add(new("salt", "bytes32"));
            }

            return fields;
        }
    }

    /// <summary>The encoded <c>EIP712Domain(...)</c> type string.</summary>
    public string EncodeType()
    {
        var builder = new StringBuilder("EIP712Domain(");
        var fields = Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(fields[i].Type).Append(' ').Append(fields[i].Name);
        }

        return builder.Append(')').ToString();
    }

    /// <summary>The domain separator, <c>hashStruct(EIP712Domain, domain)</c>; computed once and cached.</summary>
    public Bytes32 Separator => (_separator ??= new StrongBox<Bytes32>(ComputeSeparator())).Value;

    private Bytes32 ComputeSeparator()
    {
        Span<Bytes32> words = stackalloc Bytes32[5];
        var count = 0;
        if (Name is not null)
        {
            words[count++] = Eip712.EncodeString(Name);
        }

        if (Version is not null)
        {
            words[count++] = Eip712.EncodeString(Version);
        }

        if (ChainId is { } chainId)
        {
            words[count++] = chainId.ToBytes32();
        }

        if (VerifyingContract is { } contract)
        {
            words[count++] = contract.ToBytes32();
        }

        if (Salt is { } salt)
        {
            words[count++] = salt;
        }

        return Eip712.HashStruct(Eip712.HashType(EncodeType()), words[..count]);
    }
}
