namespace TcrToolkit.Ethereum.Tests;

public sealed class Keccak256Tests
{
    [Theory]
    [InlineData("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("transfer(address,uint256)", "0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b")]
    public void HashUtf8_KnownInputs_MatchPublishedDigests(string text, string expected)
    {
        Keccak256.HashUtf8(text).ToString().Should().Be(expected);
    }

    [Fact]
    public void Hash_MultiBlockInput_MatchesConcatenatedOverload()
    {
        var data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        Span<byte> split = stackalloc byte[32];
        Keccak256.Hash(data.AsSpan(0, 100), data.AsSpan(100), split);
        Keccak256.Hash(data).AsSpan().ToArray().Should().Equal(split.ToArray());
    }

    [Fact]
    public void Hash_IntoCallerSpan_AllocatesNothing()
    {
        Span<byte> input = stackalloc byte[32];
        Span<byte> output = stackalloc byte[32];
        Keccak256.Hash(input, output); // first call on this thread creates the digest
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Keccak256.Hash(input, output);
            output.CopyTo(input);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Hash_DestinationTooSmall_Throws()
    {
        var act = () => Keccak256.Hash([1, 2, 3], new byte[31]);
        act.Should().Throw<ArgumentException>().WithMessage("*needs 32*");
    }

    [Fact]
    public async Task Hash_ConcurrentThreads_AgreeWithSequentialResult()
    {
        var expected = Keccak256.HashUtf8("concurrency");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var ok = true;
            for (var i = 0; i < 2000; i++)
            {
                ok &= Keccak256.HashUtf8("concurrency") == expected;
            }

            return ok;
        })));
        results.Should().AllSatisfy(ok => ok.Should().BeTrue());
    }
}
