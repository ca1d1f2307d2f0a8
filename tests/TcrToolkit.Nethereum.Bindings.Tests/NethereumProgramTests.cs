using System.Numerics;
using Nethereum.Contracts;
using TcrToolkit.Ethereum;
using TcrToolkit.Generated.Nethereum.MailServerRegistry;
using TcrToolkit.Generated.Nethereum.MailServerRegistry.ContractDefinition;
using GeneratedRegistry = TcrToolkit.Generated.MailServerRegistry;

namespace TcrToolkit.NethereumBindings.Tests;

/// <summary>What the Nethereum-only program (<see cref="NethereumProgramFixture"/>) did, read back through its own services.</summary>
[Collection(NethereumProgramGroup.Name)]
[Trait("Category", "Integration")]
public sealed class NethereumProgramTests(NethereumProgramFixture program)
{
    [Fact]
    public void NodeProofs_SignedByTheToolkit_MatchTheRegistrysDigest()
    {
        program.ProofDigests.Should().HaveCount(2);
        foreach (var (toolkit, contract) in program.ProofDigests)
        {
            contract.Should().Equal(toolkit.ToArray());
        }
    }

    [Fact]
    public void Commitments_FromCommitmentOf_MatchTheToolkits()
    {
        program.Commitments.Should().HaveCount(4);
        foreach (var (toolkit, contract) in program.Commitments)
        {
            contract.Should().Equal(toolkit.ToArray());
        }
    }

    [Fact]
    public async Task UpheldChallenge_RemovesTheListing()
    {
        program.Succeeded.Should().ContainSingle().Which.NodeId.Should().Equal(program.Removed.ToArray());
        (await program.Registry.IsListedQueryAsync(program.Removed.ToArray())).Should().BeFalse();
        var listing = (await program.Registry.ListingQueryAsync(program.Removed.ToArray())).ReturnValue1;
        listing.Stage.Should().Be((byte)GeneratedRegistry.Stage.Absent);
        listing.Deposit.Should().Be(BigInteger.Zero);
    }

    [Fact]
    public async Task RejectedChallenge_KeepsTheListingWithItsDepositAndDispensation()
    {
        var failed = program.Failed.Should().ContainSingle().Subject;
        failed.NodeId.Should().Equal(program.Kept.ToArray());
        (await program.Registry.IsListedQueryAsync(program.Kept.ToArray())).Should().BeTrue();
        var listing = (await program.Registry.ListingQueryAsync(program.Kept.ToArray())).ReturnValue1;
        listing.Stage.Should().Be((byte)GeneratedRegistry.Stage.Listed);
        listing.Owner.Should().BeEquivalentTo(program.Owner.Address);
        listing.Deposit.Should().BeGreaterThan(NethereumProgramFixture.MinDeposit + NethereumProgramFixture.TopUp, "the owner wins the dispensation share of the challenger's stake");
        (await program.Registry.ListedCountQueryAsync()).Should().Be(BigInteger.One);
        (await program.Registry.ListedPageQueryAsync(0, 10)).Should().ContainSingle().Which.Should().Equal(program.Kept.ToArray());
    }

    [Fact]
    public void ClaimedRewards_PayWhatRewardOfPromised()
    {
        program.Claims.Should().HaveCount(2);
        foreach (var (rewardOf, claimed, balanceChange) in program.Claims)
        {
            rewardOf.Should().BeGreaterThan(BigInteger.Zero);
            claimed.Amount.Should().Be(rewardOf);
            balanceChange.Should().Be(rewardOf);
        }
    }

    [Fact]
    public async Task RegistryMirror_FollowingTheProgramsEvents_AgreesWithTheContract()
    {
        var head = await program.Client.GetBlockNumberAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await Task.WhenAny(program.Mirror.WaitForCheckpointAsync(head, TimeSpan.FromMilliseconds(25), timeout.Token), program.MirrorRun);
        program.MirrorRun.IsFaulted.Should().BeFalse("the mirror should not stop: {0}", program.MirrorRun.Exception);
        var mirror = program.Mirror;

        mirror.Checkpoint!.Value.BlockNumber.Should().BeGreaterThanOrEqualTo(head);
        mirror.ColdStarts.Should().Be(1, "the mirror opened on the empty registry and followed every event after");
        var listedOnChain = await program.Registry.ListedPageQueryAsync(0, 100);
        mirror.TrustedNodeIds.Select(id => id.ToArray()).Should().BeEquivalentTo(listedOnChain);
        mirror.IsTrusted(program.Kept).Should().BeTrue();
        mirror.IsTrusted(program.Removed).Should().BeFalse();
        mirror.GetListing(program.Removed).Should().BeNull();
        var mirrored = mirror.GetListing(program.Kept)!;
        var onChain = (await program.Registry.ListingQueryAsync(program.Kept.ToArray())).ReturnValue1;
        mirrored.Owner.Should().Be(Address.Parse(onChain.Owner));
        ((BigInteger)mirrored.Deposit!.Value).Should().Be(onChain.Deposit);
        ((byte)mirrored.Stage).Should().Be(onChain.Stage);
    }

    [Fact]
    public async Task ErrorDtos_RevertOfAChallengeOnARemovedNode_DecodesAsTheToolkitsError()
    {
        var challenger = new MailServerRegistryService(program.Web3Of(program.Challenger), program.Registry.ContractAddress);
        var call = () => challenger.ContractHandler.QueryAsync<ChallengeFunction, BigInteger>(new ChallengeFunction { NodeId = program.Removed.ToArray(), Evidence = [] });

        var thrown = (await call.Should().ThrowAsync<SmartContractCustomErrorRevertException>()).Which;

        var ours = GeneratedRegistry.DecodeError(Hex.Decode(thrown.ExceptionEncodedData));
        ours.Should().NotBeNull("the toolkit knows the registry's errors");
        var dtoType = program.Registry.GetAllErrorTypes().Should().ContainSingle(t => t.Name == ours!.GetType().Name).Subject;
        thrown.IsCustomErrorFor(dtoType).Should().BeTrue();
        AbiText.Values(thrown.DecodeError(dtoType)).Should().Equal(AbiText.Values(ours!));
        AbiText.Values(ours!).Should().Contain(program.Removed.ToString(), "the error names the node");
    }
}
