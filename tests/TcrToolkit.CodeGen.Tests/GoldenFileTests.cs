using System.Xml.Linq;

namespace TcrToolkit.CodeGen.Tests;

/// <summary>
/// The kitchen-sink bindings are golden files: checked in, compiled into this project (so the round-trip tests run the
/// emitted code), and compared with a fresh generation. Set TCR_UPDATE_GOLDEN=1 to rewrite them after a deliberate
/// change to the generator (the rewrite runs inside this project, so the checked-in files must still compile: if they
/// do not, restore them with git first).
/// </summary>
public sealed class GoldenFileTests
{
    [Fact]
    public void Generate_KitchenSink_MatchesCheckedInBindings()
    {
        var files = KitchenSinkSource.Generate();
        if (Environment.GetEnvironmentVariable("TCR_UPDATE_GOLDEN") == "1")
        {
            foreach (var file in files)
            {
                File.WriteAllText(Path.Combine(KitchenSinkSource.ProjectDirectory, file.Path), file.Content);
            }
        }

        foreach (var file in files)
        {
            var golden = Path.Combine(KitchenSinkSource.ProjectDirectory, file.Path);
            File.Exists(golden).Should().BeTrue($"{file.Path} is checked in; run the tests with TCR_UPDATE_GOLDEN=1 to write it");
            file.Content.Should().Be(File.ReadAllText(golden), $"{file.Path} must match a fresh generation; run with TCR_UPDATE_GOLDEN=1 after a deliberate change");
        }
    }

    [Fact]
    public void Generate_Twice_GivesIdenticalOutput()
    {
        var first = KitchenSinkSource.Generate();
        var second = KitchenSinkSource.Generate();

        second.Should().BeEquivalentTo(first, options => options.WithStrictOrdering());
    }

    [Fact]
    public void Generate_KitchenSink_WritesOneFileSetPerContract()
    {
        var files = KitchenSinkSource.Generate();

        files.Select(f => f.Path).Should().Equal(
            "KitchenSink/KitchenSink.g.cs",
            "KitchenSink/KitchenSink.Deployment.g.cs",
            "KitchenSink/KitchenSink.Errors.g.cs",
            "KitchenSink/KitchenSink.Events.g.cs");
        files.Should().OnlyContain(f => !f.Content.Contains('\r') && f.Content.EndsWith('\n'));
    }

    [Fact]
    public void Generate_NatSpecWithMarkup_EmitsWellFormedXmlDocs()
    {
        foreach (var file in KitchenSinkSource.Generate())
        {
            foreach (var block in DocBlocks(file.Content))
            {
                var parse = () => XElement.Parse("<doc>" + block + "</doc>");
                parse.Should().NotThrow($"the doc comment in {file.Path} must be XML:\n{block}");
            }
        }
    }

    [Fact]
    public void Generate_NatSpec_BecomesSummaryParamAndReturnsDocs()
    {
        var main = KitchenSinkSource.Generate()[0].Content;

        main.Should().Contain("/// <summary>Moves <c>value</c> tokens to <c>to</c>.</summary>");
        main.Should().Contain("/// <param name=\"to\">The recipient.</param>");
        main.Should().Contain("/// <returns>Always true.</returns>");
        main.Should().Contain("/// <summary>Echoes every integer width; <c>a &lt; b</c> &amp;&amp; <c>c &gt; d</c>.</summary>");
        main.Should().Contain("/// details with &lt;xml&gt;.");
        main.Should().Contain("/// <summary>Lifecycle of a thing.</summary>");
    }

    [Fact]
    public void Generate_OverloadedFunctions_GetDistinctNamesByArity()
    {
        var main = KitchenSinkSource.Generate()[0].Content;

        main.Should().Contain("public static byte[] EncodeTransfer(Address to)");
        main.Should().Contain("public static byte[] EncodeTransfer2(Address to, UInt256 value)");
        main.Should().Contain("public static byte[] EncodeTransfer3(Address to, UInt256 value, byte[] data)");
    }

    [Fact]
    public void Generate_ReservedAndKeywordParameterNames_AreRenamed()
    {
        var main = KitchenSinkSource.Generate()[0].Content;

        main.Should().Contain("public Task<TransactionReceipt> SendDepositAsync(Address fromArg, byte @event, UInt256 value = default, ulong? gasLimit = null, CancellationToken cancellationToken = default)");
    }

    [Fact]
    public void Generate_Tuples_BecomeRecordsNamedFromInternalType()
    {
        var main = KitchenSinkSource.Generate()[0].Content;

        main.Should().Contain("public sealed record Inner(ulong Id, byte[] Data);");
        main.Should().Contain("public sealed record Point(int X, int Y);");
        main.Should().Contain("public sealed record Outer(Inner Inner, IReadOnlyList<Inner> Items, Stage Stage, Address Owner, IReadOnlyList<uint> FixedIds, IReadOnlyList<Point> Corners);");
        main.Should().Contain("public enum Stage : byte");
    }

    [Fact]
    public void Generate_ViewFunction_HasNoSendOrEstimate()
    {
        var main = KitchenSinkSource.Generate()[0].Content;

        main.Should().Contain("public async Task<Listing");
        main.Should().NotContain("SendListingAsync").And.NotContain("EstimateListingAsync");
        main.Should().Contain("SendPingAsync").And.Contain("EstimatePingAsync");
    }

    [Fact]
    public void Generate_AnonymousEvent_HasNoTopicConstant()
    {
        var events = KitchenSinkSource.Generate()[3].Content;
        var anon = events[events.IndexOf("public sealed record AnonEvent", StringComparison.Ordinal)..];
        anon = anon[..anon.IndexOf("public sealed record", 10, StringComparison.Ordinal)];

        anon.Should().NotContain("public static Bytes32 Topic");
        anon.Should().Contain("if (log.Topics.Count != 1)");
    }

    private static IEnumerable<string> DocBlocks(string code)
    {
        var block = new List<string>();
        foreach (var line in code.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("///", StringComparison.Ordinal))
            {
                block.Add(line[3..]);
            }
            else if (block.Count > 0)
            {
                yield return string.Join("\n", block);
                block.Clear();
            }
        }
    }
}
