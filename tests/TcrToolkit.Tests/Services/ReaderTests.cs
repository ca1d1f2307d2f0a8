using TcrToolkit.Ethereum;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;
using TcrToolkit.Votes;
using TcrToolkit.Generated;

namespace TcrToolkit.Tests.Services;

public sealed class ReaderTests(RegistryChainFixture fixture) : ServiceTest(fixture)
{
    private static readonly TimeSpan Stage = RegistryTestbed.StageLength + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task GetEntries_FindsApplicationsAndListings_WhileTheEnumerationHasListingsOnly()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        using var first = PrivateKey.Generate();
        using var second = PrivateKey.Generate();
        var listed = (await new MailServerOperator(owner).ApplyAsync(first, Tokens(100))).NodeId;
        await Chain.IncreaseTimeAsync(Stage);
        await new RegistryChallenger(owner).UpdateStatusAsync(listed);
        var applied = (await new MailServerOperator(owner).ApplyAsync(second, Tokens(120))).NodeId;
        var reader = new RegistryReader(connection);

        var entries = await reader.GetEntriesAsync(Chain.DeploymentBlock);
        var trusted = await reader.GetTrustedListingsAsync();

        entries.Where(e => e.Owner == owner.Address).Select(e => (e.NodeId, e.Stage, e.Deposit))
            .Should().Equal((listed, MailServerRegistry.Stage.Listed, Tokens(100)), (applied, MailServerRegistry.Stage.Applied, Tokens(120)));
        trusted.Select(t => t.NodeId).Should().Contain(listed).And.NotContain(applied);
    }

    [Fact]
    public async Task GetPollResult_CountsRevealedWeightAndQuorum()
    {
        var connection = await ConnectAsync();
        var owner = await NewAccountAsync(connection, 1_000);
        var challenger = await NewAccountAsync(connection, 1_000);
        var voter = await NewVoterAsync(connection, 400_000);
        using var nodeKey = PrivateKey.Generate();
        var nodeId = (await new MailServerOperator(owner).ApplyAsync(nodeKey, Tokens(100))).NodeId;
        var challenge = await new RegistryChallenger(challenger).ChallengeAsync(nodeId);
        await voter.CommitAsync(challenge.ChallengeId, VoteCommitment.Reject);
        await Chain.IncreaseTimeAsync(Stage);
        await voter.RevealAsync(challenge.ChallengeId);

        var result = await new RegistryReader(connection).GetPollResultAsync(challenge.ChallengeId);

        result.VotesAgainst.Should().Be(Tokens(400_000));
        result.VotesFor.Should().Be(UInt256.Zero);
        result.Ended.Should().BeFalse();
        result.QuorumReached.Should().BeFalse("400,000 of a 10,000,000 supply is below the 10% quorum");
        result.RevealEnd.Should().Be(challenge.RevealEnd);
    }
}
