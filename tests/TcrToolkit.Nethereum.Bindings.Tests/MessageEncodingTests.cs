using System.Numerics;
using Nethereum.Contracts;
using TcrToolkit.Ethereum;
using NethRegistry = TcrToolkit.Generated.Nethereum.MailServerRegistry.ContractDefinition;
using NethVoting = TcrToolkit.Generated.Nethereum.CommitRevealVoting.ContractDefinition;
using Ours = TcrToolkit.Generated;

namespace TcrToolkit.NethereumBindings.Tests;

/// <summary>
/// The generated Nethereum messages, encoded by Nethereum's ABI encoder, give the same bytes as the toolkit's generated
/// encoders: calldata with dynamic, array and fixed values, and the registry's deployment with its two struct arguments.
/// </summary>
public sealed class MessageEncodingTests
{
    private static readonly Bytes32 NodeId = Keccak256.HashUtf8("node");
    private static readonly Bytes32 OtherNodeId = Keccak256.HashUtf8("other node");
    private static readonly Address Token = Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    private static readonly Address Voting = Address.Parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");

    [Fact]
    public void ApplyListingFunction_EncodesAsTheToolkit()
    {
        var proof = Enumerable.Range(0, 65).Select(i => (byte)i).ToArray();
        var data = "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0"u8.ToArray();
        var message = new NethRegistry.ApplyListingFunction
        {
            NodeId = NodeId.ToArray(),
            Amount = BigInteger.Pow(10, 20),
            Deadline = 1_900_000_000,
            NodeProof = proof,
            Data = data,
        };

        message.GetCallData().Should().Equal(Ours.MailServerRegistry.EncodeApplyListing(NodeId, (UInt256)BigInteger.Pow(10, 20), 1_900_000_000UL, proof, data));
    }

    [Fact]
    public void ClaimRewardsFunction_WithArrays_EncodesAsTheToolkit()
    {
        var message = new NethRegistry.ClaimRewardsFunction
        {
            NodeIds = [NodeId.ToArray(), OtherNodeId.ToArray()],
            ChallengeIds = [1, BigInteger.Pow(2, 200)],
        };

        message.GetCallData().Should().Equal(Ours.MailServerRegistry.EncodeClaimRewards([NodeId, OtherNodeId], [1UL, (UInt256)BigInteger.Pow(2, 200)]));
    }

    [Fact]
    public void RevealVoteFunction_EncodesAsTheToolkit()
    {
        var salt = Keccak256.HashUtf8("salt");
        var message = new NethVoting.RevealVoteFunction { PollId = 7, Option = 1, Salt = salt.ToArray() };

        message.GetCallData().Should().Equal(Ours.CommitRevealVoting.EncodeRevealVote(7UL, 1, salt));
    }

    [Fact]
    public void RegistryDeployment_WithStructArguments_EncodesAsTheToolkit()
    {
        var deployment = new NethRegistry.MailServerRegistryDeployment
        {
            Token = Token.ToString(),
            Voting = Voting.ToString(),
            Params = new NethRegistry.Registry
            {
                MinDeposit = BigInteger.Pow(10, 20), ApplyStageLength = 600, CommitStageLength = 600, RevealStageLength = 600,
                DispensationPct = 50, VoteQuorum = 10, PassThreshold = 50, ExitDelay = 3600, ExitWindow = 86400,
            },
            Governance = new NethRegistry.Governance
            {
                MinDeposit = 2 * BigInteger.Pow(10, 20), ApplyStageLength = 600, CommitStageLength = 600, RevealStageLength = 600,
                ProcessWindow = 4200, DispensationPct = 50, VoteQuorum = 10, PassThreshold = 50,
            },
        };

        var ours = Ours.MailServerRegistry.EncodeDeployment(
            Token,
            Voting,
            new Ours.MailServerRegistry.Registry((UInt256)BigInteger.Pow(10, 20), 600, 600, 600, 50, 10, 50, 3600, 86400),
            new Ours.MailServerRegistry.Governance((UInt256)(2 * BigInteger.Pow(10, 20)), 600, 600, 600, 4200, 50, 10, 50));
        deployment.GetDeploymentData().Should().Equal(ours);
        NethRegistry.MailServerRegistryDeployment.BYTECODE.Should().Be(Ours.MailServerRegistry.BytecodeHex);
    }
}
