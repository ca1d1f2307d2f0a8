using System.Text;
using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

/// <summary>Decodes with the registry's real ABI, from the Hardhat artifact (<c>npx hardhat build</c> writes it).</summary>
[Trait("Category", "Integration")]
public sealed class RegistryArtifactTests
{
    private static readonly Bytes32 NodeId = Keccak256.HashUtf8("node-1");
    private static readonly Address Owner = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    private static readonly Address Recovered = Address.Parse("0x70997970c51812dc3a010c7d01b50e20d17dc79c");

    private static string Word(string hex) => hex.PadLeft(64, '0');

    [ArtifactFact("MailServerRegistry")]
    public void RegistryInvalidNodeProof_Revert_DecodesNameAndArguments()
    {
        var registry = ContractAbi.Parse(File.ReadAllText(ArtifactFactAttribute.PathOf("MailServerRegistry")));
        var voting = ArtifactFactAttribute.Exists("CommitRevealVoting")
            ? ContractAbi.Parse(File.ReadAllText(ArtifactFactAttribute.PathOf("CommitRevealVoting")))
            : new ContractAbi([]);
        var decoder = new RevertDecoder(registry, voting);
        var data = Hex.Decode(
            "0x" + Convert.ToHexStringLower(AbiSelector.FromSignature("RegistryInvalidNodeProof(bytes32,address)").ToArray()) +
            NodeId.ToString()[2..] + Word(Recovered.ToLowerHex()[2..]));

        var revert = decoder.Decode(data);

        revert.Kind.Should().Be(RevertKind.CustomError);
        revert.Name.Should().Be("RegistryInvalidNodeProof");
        revert["nodeId"].AsBytes32().Should().Be(NodeId);
        revert["recovered"].AsAddress().Should().Be(Recovered);
        revert.Message.Should().Be($"RegistryInvalidNodeProof(nodeId={NodeId}, recovered={Recovered})");
    }

    [ArtifactFact("MailServerRegistry")]
    public void Applied_Log_DecodesTopicsAndData()
    {
        var registry = ContractAbi.Parse(File.ReadAllText(ArtifactFactAttribute.PathOf("MailServerRegistry")));
        var applied = registry.GetEvent("Applied");
        var payload = Encoding.ASCII.GetBytes("enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0");
        Bytes32[] topics = [applied.Topic, NodeId, Owner.ToBytes32()];
        var data = Hex.Decode(
            "0x" + Word("de0b6b3a7640000") + Word("6553f100") + Word("60") + Word(payload.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)) +
            Convert.ToHexStringLower(payload).PadRight((payload.Length + 31) / 32 * 64, '0'));

        var decoded = registry.DecodeLog(topics, data)!;

        applied.Topic.Should().Be(Keccak256.HashUtf8("Applied(bytes32,address,uint256,uint256,bytes)"));
        decoded.Name.Should().Be("Applied");
        decoded["nodeId"].AsBytes32().Should().Be(NodeId);
        decoded["owner"].AsAddress().Should().Be(Owner);
        decoded["deposit"].AsUInt256().Should().Be(UInt256.Parse("1000000000000000000"));
        decoded["applicationEnd"].AsUInt256().Should().Be((UInt256)0x6553f100UL);
        decoded["data"].AsBytes().ToArray().Should().Equal(payload);
        applied.Inputs[0].InternalType.Should().Be("bytes32");
    }

    [ArtifactFact("MailServerRegistry")]
    public void Parameters_ReturnData_DecodesStructMembersByName()
    {
        var registry = ContractAbi.Parse(File.ReadAllText(ArtifactFactAttribute.PathOf("MailServerRegistry")));
        var parameters = registry.GetFunction("parameters");
        var values = new Dictionary<string, object?>
        {
            ["minDeposit"] = UInt256.Parse("100000000000000000000"),
            ["applyStageLength"] = 604800,
            ["commitStageLength"] = 259200,
            ["revealStageLength"] = 172800,
            ["dispensationPct"] = 50,
            ["voteQuorum"] = 50,
            ["passThreshold"] = 66,
            ["exitDelay"] = 86400,
            ["exitWindow"] = 604800,
        };

        var returned = parameters.EncodeOutput(values);
        var decoded = parameters.DecodeOutput(returned).Single();

        parameters.Outputs.Single().InternalType.Should().Be("struct TcrParameters.Registry");
        returned.Should().HaveCount(9 * 32);
        decoded["minDeposit"].AsUInt256().Should().Be(UInt256.Parse("100000000000000000000"));
        decoded["passThreshold"].AsBigInteger().Should().Be(66);
        decoded.Type.Components.Select(c => c.Type.CanonicalName).Should().Equal(
            "uint88", "uint32", "uint32", "uint32", "uint8", "uint8", "uint8", "uint32", "uint32");
    }

    [ArtifactFact("MailServerRegistry")]
    public void Constructor_Arguments_FollowTheBytecodeAndDecodeBack()
    {
        var registry = ContractAbi.Parse(File.ReadAllText(ArtifactFactAttribute.PathOf("MailServerRegistry")));
        var constructor = registry.Constructor!;
        var random = new Random(7);
        var arguments = constructor.Inputs.Select(p => ExampleValue(p.Type, random)).ToArray();
        byte[] bytecode = [0x60, 0x80, 0x60, 0x40];

        var deployment = constructor.EncodeDeployment(bytecode, arguments);

        deployment.AsSpan(0, 4).ToArray().Should().Equal(bytecode);
        constructor.DecodeArguments(deployment.AsSpan(4)).Should().Equal(arguments);
    }

    private static AbiValue ExampleValue(AbiType type, Random random) => type.Kind switch
    {
        AbiTypeKind.UInt => AbiValue.UInt((ulong)random.Next(1, 100), type.Size),
        AbiTypeKind.Address => AbiValue.Address(new Address([.. Enumerable.Range(0, 20).Select(_ => (byte)random.Next(256))])),
        AbiTypeKind.Tuple => AbiValue.OfType(type, type.Components.Select(c => ExampleValue(c.Type, random))),
        _ => throw new NotSupportedException($"No example for {type}."),
    };

    [ArtifactFact("MailServerRegistry")]
    public void Artifact_EveryEntry_ParsesAndHasDistinctSelectors()
    {
        var registry = ContractAbi.Parse(File.ReadAllText(ArtifactFactAttribute.PathOf("MailServerRegistry")));

        registry.Constructor.Should().NotBeNull();
        registry.Errors.Select(e => e.Selector).Should().OnlyHaveUniqueItems();
        registry.Functions.Select(f => f.Selector).Should().OnlyHaveUniqueItems();
        registry.GetFunction("parameters").Outputs.Single().Type.Kind.Should().Be(AbiTypeKind.Tuple);
    }
}

/// <summary>A fact that is skipped, saying how to produce it, when a contract's Hardhat artifact is missing.</summary>
public sealed class ArtifactFactAttribute : FactAttribute
{
    public ArtifactFactAttribute(string contract)
    {
        if (!Exists(contract))
        {
            Skip = $"Artifact {PathOf(contract)} is missing; run 'npx hardhat build' in the repository root to produce it.";
        }
    }

    public static bool Exists(string contract) => File.Exists(PathOf(contract));

    public static string PathOf(string contract) => Repository.ArtifactPath(contract);
}
