namespace TcrToolkit.Cli.Tests;

public sealed class HelpTests : IDisposable
{
    private readonly TcrProcess _tcr = new();

    public void Dispose() => _tcr.Dispose();

    [Fact]
    public async Task RootHelp_ListsGlobalOptionsCommandsAndExamples()
    {
        var run = await _tcr.RunAsync("--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("--network").And.Contain("--rpc").And.Contain("--manifest").And.Contain("--account").And.Contain("--json");
        run.Stdout.Should().Contain("wallet").And.Contain("Examples:");
        run.Stderr.Should().BeEmpty();
    }

    [Fact]
    public async Task NoArguments_ShowsHelpAndSucceeds()
    {
        var run = await _tcr.RunAsync();

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Usage:");
    }

    [Fact]
    public async Task EveryCommand_HelpShowsUsageAndAnExampleStartingWithTcr()
    {
        // Walk the tree as a user would, from the command lists in the help pages themselves, so new commands are covered.
        var nouns = Commands((await _tcr.RunAsync("--help")).Stdout);
        nouns.Should().Contain(["wallet", "token", "listing"]);
        var checkedCommands = 0;
        foreach (var noun in nouns)
        {
            var nounHelp = await _tcr.RunAsync(noun, "--help");
            nounHelp.ExitCode.Should().Be(0, nounHelp.ToString());
            var verbs = Commands(nounHelp.Stdout);
            foreach (var path in verbs.Count == 0 ? [[noun]] : verbs.Select(v => new[] { noun, v }))
            {
                var help = await _tcr.RunAsync([.. path, "--help"]);
                help.ExitCode.Should().Be(0, help.ToString());
                var examples = help.Stdout[help.Stdout.IndexOf("Examples:", StringComparison.Ordinal)..];
                examples.Should().Contain($"  tcr {string.Join(' ', path)}", $"`tcr {string.Join(' ', path)} --help` shows an example of itself");
                checkedCommands++;
            }
        }

        checkedCommands.Should().BeGreaterThanOrEqualTo(6);
    }

    private static List<string> Commands(string help)
    {
        var start = help.IndexOf("Commands:", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        return help[start..].Split('\n').Skip(1)
            .TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(' ')[0])
            .ToList();
    }
}
