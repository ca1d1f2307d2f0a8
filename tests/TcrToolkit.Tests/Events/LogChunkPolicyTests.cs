using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

public sealed class LogChunkPolicyTests
{
    [Fact]
    public void OnLimitExceeded_HalvesTheSize()
    {
        var policy = new LogChunkPolicy(1_000, 10_000);

        policy.OnLimitExceeded().Should().BeTrue();

        policy.Size.Should().Be(500);
    }

    [Fact]
    public void OnLimitExceeded_AtOneBlock_CannotShrink()
    {
        var policy = new LogChunkPolicy(1, 10);

        policy.OnLimitExceeded().Should().BeFalse();

        policy.Size.Should().Be(1);
    }

    [Fact]
    public void OnSuccess_DoublesUpToTheMaximum()
    {
        var policy = new LogChunkPolicy(1_000, 3_000);

        policy.OnSuccess();
        policy.Size.Should().Be(2_000);
        policy.OnSuccess();
        policy.Size.Should().Be(3_000);
        policy.OnSuccess();
        policy.Size.Should().Be(3_000);
    }

    [Fact]
    public void OnSuccess_AfterARefusal_StaysBelowTheRefusedSize()
    {
        var policy = new LogChunkPolicy(1_000, 100_000);
        policy.OnLimitExceeded();

        policy.OnSuccess();
        policy.OnSuccess();

        policy.Size.Should().Be(999);
    }

    [Fact]
    public void OnSuccess_ManyInARow_ForgetsTheRefusedSize()
    {
        var policy = new LogChunkPolicy(1_000, 100_000);
        policy.OnLimitExceeded();

        for (var i = 0; i < LogChunkPolicy.CeilingMemory + 8; i++)
        {
            policy.OnSuccess();
        }

        policy.Size.Should().Be(100_000);
    }

    [Theory]
    [InlineData("query returned more than 10000 results", true)]
    [InlineData("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range", true)]
    [InlineData("eth_getLogs is limited to a 10,000 block range", true)]
    [InlineData("too many results", true)]
    [InlineData("exceed maximum block range: 5000", true)]
    [InlineData("header not found", false)]
    [InlineData("execution reverted", false)]
    public void IsLimitMessage_RecognisesProviderLimits(string message, bool expected) =>
        LogChunkPolicy.IsLimitMessage(message).Should().Be(expected);
}
