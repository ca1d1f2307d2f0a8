using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.CodeGen.Tests.Integration;

/// <summary>
/// The generated bindings of the real contracts against a Hardhat node: deploy the registry stack with the generated
/// <c>DeployAsync</c> methods, call generated functions, decode a generated event and a generated custom error.
/// </summary>
public sealed class GeneratedBindingsIntegrationTests(HardhatNodeFixture node) : HardhatTest(node)
{
    private static readonly UInt256 Supply = UInt256.Parse("10000000000000000000000000");
    private static readonly UInt256 MinDeposit = UInt256.Parse("100000000000000000000");

    [Fact]
    public async Task DeployAsync_RegistryStack_GeneratedCallsReadTheDeployedState()
    {
        var (token, voting, registry) = await DeployStackAsync();

        (await token.NameAsync()).Should().Be("Mail Server Token");
        (await token.BalanceOfAsync(Key.Address)).Should().Be(Supply);
        (await voting.TokenAsync()).Should().Be(token.Address);
        (await registry.TokenAsync()).Should().Be(token.Address);
        (await registry.ParametersAsync()).Should().Be(RegistryParameters());
        var listing = await registry.ListingAsync(Keccak256.HashUtf8("node-1"));
        listing.Stage.Should().Be(MailServerRegistry.Stage.Absent);
        listing.Owner.Should().Be(Address.Zero);
    }

    [Fact]
    public async Task SendApproveAsync_Receipt_DecodesGeneratedApprovalEvent()
    {
        var (token, _, registry) = await DeployStackAsync();

        var receipt = await token.SendApproveAsync(registry.Address, MinDeposit);

        receipt.Logs.Should().ContainSingle();
        var approval = TcrToken.DecodeEvent(receipt.Logs[0]);
        approval.Should().Be(new TcrToken.ApprovalEvent(Key.Address, registry.Address, MinDeposit));
        TcrToken.ApprovalEvent.CreateFilter(token.Address, owner: Key.Address).Topics[1].Should().Equal(receipt.Logs[0].Topics[1]);
        (await token.AllowanceAsync(Key.Address, registry.Address)).Should().Be(MinDeposit);
    }

    [Fact]
    public async Task ChallengeAsync_AbsentNode_RevertsWithGeneratedNotFoundError()
    {
        var (_, _, registry) = await DeployStackAsync();
        var nodeId = Keccak256.HashUtf8("nobody");

        var act = () => registry.ChallengeAsync(nodeId, []);

        var reverted = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        MailServerRegistry.TryGetError(reverted, out var error).Should().BeTrue();
        error.Should().Be(new MailServerRegistry.RegistryNotFoundError(nodeId));
    }

    [Fact]
    public async Task SendTransferAsync_MoreThanTheBalance_SurfacesGeneratedErc20Error()
    {
        var (token, _, _) = await DeployStackAsync();
        var poor = new TransactionSender(Client, PrivateKey.ParseHex(HardhatNodeFixture.Account1Key), FastPolling());

        var act = () => token.WithSender(poor).SendTransferAsync(Key.Address, 1);

        var reverted = (await act.Should().ThrowAsync<ContractRevertedException>()).Which;
        TcrToken.TryGetError(reverted, out var error).Should().BeTrue();
        error.Should().Be(new TcrToken.ERC20InsufficientBalanceError(poor.Address, UInt256.Zero, 1));
    }

    private async Task<(TcrToken Token, CommitRevealVoting Voting, MailServerRegistry Registry)> DeployStackAsync()
    {
        var sender = new TransactionSender(Client, Key, FastPolling());
        var token = await TcrToken.DeployAsync(sender, Client, "Mail Server Token", "MST", Key.Address, Supply);
        var voting = await CommitRevealVoting.DeployAsync(sender, Client, token.Address);
        var registry = await MailServerRegistry.DeployAsync(sender, Client, token.Address, voting.Address, RegistryParameters(), GovernanceParameters());
        return (token, voting, registry);
    }

    private static MailServerRegistry.Registry RegistryParameters() =>
        new(MinDeposit, 600, 600, 600, 50, 10, 50, 600, 3600);

    private static MailServerRegistry.Governance GovernanceParameters() =>
        new(MinDeposit * 2, 600, 600, 600, 3600, 50, 10, 50);
}
