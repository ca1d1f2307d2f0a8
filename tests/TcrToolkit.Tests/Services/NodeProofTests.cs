using TcrToolkit.Ethereum;
using TcrToolkit.Generated;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.Tests.Services;

public sealed class NodeProofTests(RegistryChainFixture fixture) : ServiceTest(fixture)
{
    [Fact]
    public async Task Digest_EqualsTheRegistrysOwnDigest()
    {
        var connection = await ConnectAsync();
        using var nodeKey = PrivateKey.Generate();
        var applicant = Address.Parse("0x1234567890123456789012345678901234567890");
        var deadline = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

        var ours = NodeProof.Digest(connection.ChainId, connection.Registry, applicant, nodeKey.PublicKey.NodeId, UInt256.Zero, deadline);
        var contracts = await new MailServerRegistry(Chain.Client, Chain.Registry).NodeProofDigestAsync(applicant, nodeKey.PublicKey.NodeId, 1_900_000_000UL);

        ours.Should().Be(contracts);
    }

    [Fact]
    public async Task CreateNodeProof_ForAnApplicantAddress_WithoutItsKey_IsAcceptedFromThatAccount()
    {
        var connection = await ConnectAsync();
        var applicant = await NewAccountAsync(connection, 1_000);
        using var nodeKey = PrivateKey.Generate();

        // The node's machine knows only the applicant's address.
        var proof = await MailServerOperator.CreateNodeProofAsync(connection, nodeKey, applicant.Address, TimeSpan.FromMinutes(5));

        proof.Applicant.Should().Be(applicant.Address);
        proof.NodeId.Should().Be(nodeKey.PublicKey.NodeId);
        proof.Deadline.Should().Be(await connection.GetChainTimeAsync() + TimeSpan.FromMinutes(5));
        proof.IsValid().Should().BeTrue();
        var applied = await new MailServerOperator(applicant).ApplyAsync(proof, Tokens(100));
        applied.NodeId.Should().Be(nodeKey.PublicKey.NodeId);
    }

    [Fact]
    public void Sign_ThenJsonRoundTrip_KeepsAValidProof()
    {
        using var nodeKey = PrivateKey.Generate();
        var proof = NodeProof.Sign(nodeKey, 11155111, Address.Parse("0x00000000000000000000000000000000000000aa"), Address.Parse("0x00000000000000000000000000000000000000bb"), 3UL, DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));

        var copy = NodeProof.FromJson(proof.ToJson());

        copy.Should().Be(proof);
        copy.IsValid().Should().BeTrue();
        (copy with { Nonce = 4UL }).IsValid().Should().BeFalse("the signature covers the nonce");
        NodeProof.NodeAddress(proof.NodeId).Should().Be(nodeKey.Address);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("{}", "has no \"chainId\" field")]
    [InlineData("{\"chainId\":1,\"registry\":\"0x12\",\"applicant\":\"\",\"nodeId\":\"\",\"nonce\":\"0\",\"deadline\":1,\"signature\":\"\"}", "\"registry\" is not valid")]
    public void FromJson_Malformed_NamesTheProblem(string json, string expected)
    {
        var act = () => NodeProof.FromJson(json);

        act.Should().Throw<FormatException>().Which.Message.Should().Contain(expected);
    }
}
