using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Votes;

public sealed class VoteCommitmentTests
{
    // Expected values from ethers v6: keccak256(AbiCoder.encode(
    //   ["uint256","address","uint256","address","uint8","bytes32"], [chainId, voting, pollId, voter, option, salt])).
    [Fact]
    public void Compute_HardhatExample_MatchesEthersAbiEncoding()
    {
        var commitment = VoteCommitment.Compute(
            31337,
            Address.Parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"),
            7,
            Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            VoteCommitment.Uphold,
            Bytes32.Parse("0x" + string.Concat(Enumerable.Repeat("ab", 32))));

        commitment.ToString().Should().Be("0xef2350a1d03df9be1cd93fe45f30b80ac8f2e634743d748a6ce97f3d062fac6b");
    }

    [Fact]
    public void Compute_LargePollIdAndRejectOption_MatchesEthersAbiEncoding()
    {
        var pollId = UInt256.Parse("0x" + "01" + new string('0', 48) + "05");
        var commitment = VoteCommitment.Compute(
            11155111,
            Address.Parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"),
            pollId,
            Address.Parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
            VoteCommitment.Reject,
            Bytes32.Parse("0x" + string.Concat(Enumerable.Repeat("01", 32))));

        commitment.ToString().Should().Be("0xe03406966a51ab7a1018c30d575ea5e47b11336bcb3bf268be3870da919ee77e");
    }

    [Fact]
    public void Compute_OptionTwo_ThrowsArgumentOutOfRange()
    {
        var act = () => VoteCommitment.Compute(1, default, 1, default, 2, default);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("A vote option is 1 (uphold the challenge) or 0 (reject it).*");
    }
}
