using System.Globalization;
using System.Text.Json;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Registry;

/// <summary>
/// The node key's consent to be listed by <see cref="Applicant"/>: an EIP-712 <c>NodeProof(address applicant,
/// bytes32 nodeId, uint256 nonce, uint256 deadline)</c> signature in the registry's domain. The node key may live on
/// another machine: sign there with <see cref="Sign"/>, carry the proof over as JSON (<see cref="ToJson"/>), and
/// apply here with it. A proof is good for one application: the nonce moves on when the entry is removed.
/// </summary>
/// <param name="ChainId">The chain of the registry.</param>
/// <param name="Registry">The registry the proof is for.</param>
/// <param name="Applicant">The account that will apply and own the entry.</param>
/// <param name="NodeId">keccak256 of the node's 64-byte public key.</param>
/// <param name="Nonce">The entry's nonce at signing (<c>listing(nodeId).nonce</c>).</param>
/// <param name="Deadline">The last second at which the proof is accepted.</param>
/// <param name="Signature">The node key's signature.</param>
public sealed record NodeProof(ulong ChainId, Address Registry, Address Applicant, Bytes32 NodeId, UInt256 Nonce, DateTimeOffset Deadline, Signature Signature)
{
    private static readonly Bytes32 TypeHash = Eip712.HashType("NodeProof(address applicant,bytes32 nodeId,uint256 nonce,uint256 deadline)");

    /// <summary>Signs a proof with the node's key; the node id is derived from the key.</summary>
    public static NodeProof Sign(PrivateKey nodeKey, ulong chainId, Address registry, Address applicant, UInt256 nonce, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        var nodeId = nodeKey.PublicKey.NodeId;
        var digest = Digest(chainId, registry, applicant, nodeId, nonce, deadline);
        return new NodeProof(chainId, registry, applicant, nodeId, nonce, deadline, nodeKey.Sign(digest));
    }

    /// <summary>The address of the node key: the low 160 bits of the node id.</summary>
    public static Address NodeAddress(Bytes32 nodeId) => new(nodeId.AsSpan()[12..]);

    /// <summary>The 32-byte digest the node key signs (what the registry's <c>nodeProofDigest</c> returns).</summary>
    public static Bytes32 Digest(ulong chainId, Address registry, Address applicant, Bytes32 nodeId, UInt256 nonce, DateTimeOffset deadline)
    {
        var domain = new TypedDataDomain { Name = "MailServerRegistry", Version = "1", ChainId = chainId, VerifyingContract = registry };
        var structHash = Eip712.HashStruct(TypeHash, [applicant.ToBytes32(), nodeId, nonce.ToBytes32(), ((UInt256)(ulong)deadline.ToUnixTimeSeconds()).ToBytes32()]);
        return Eip712.GetSigningHash(domain.Separator, structHash);
    }

    /// <summary>Whether the signature was made by the node's key over exactly these fields (and has a low S, as the registry requires).</summary>
    public bool IsValid()
    {
        if (!Signature.IsLowS)
        {
            return false;
        }

        try
        {
            var signer = PublicKey.Recover(Digest(ChainId, Registry, Applicant, NodeId, Nonce, Deadline), Signature).Address;
            return signer == NodeAddress(NodeId);
        }
        catch (SignatureRecoveryException)
        {
            return false;
        }
    }

    /// <summary>The proof as JSON, to carry from the node's machine to the applicant's.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["chainId"] = ChainId,
        ["registry"] = Registry.ToString(),
        ["applicant"] = Applicant.ToString(),
        ["nodeId"] = NodeId.ToString(),
        ["nonce"] = Nonce.ToString(),
        ["deadline"] = Deadline.ToUnixTimeSeconds(),
        ["signature"] = Signature.ToString(),
    });

    /// <summary>Reads a proof written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not such a proof; the message names the field.</exception>
    public static NodeProof FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The node proof is not JSON: {ex.Message}", ex);
        }

        string Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.GetString() ?? throw new FormatException($"The node proof's \"{name}\" is null.")
            : throw new FormatException($"The node proof has no \"{name}\" field.");

        T Read<T>(string name, Func<string, T> parse)
        {
            var text = Field(name);
            try
            {
                return parse(text);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
            {
                throw new FormatException($"The node proof's \"{name}\" is not valid: {ex.Message}", ex);
            }
        }

        return new NodeProof(
            Read("chainId", t => ulong.Parse(t, CultureInfo.InvariantCulture)),
            Read("registry", Address.Parse),
            Read("applicant", Address.Parse),
            Read("nodeId", t => Bytes32.Parse(t)),
            Read("nonce", t => UInt256.Parse(t, CultureInfo.InvariantCulture)),
            Read("deadline", t => DateTimeOffset.FromUnixTimeSeconds(long.Parse(t, CultureInfo.InvariantCulture))),
            Read("signature", t => Signature.Parse(t)));
    }
}
