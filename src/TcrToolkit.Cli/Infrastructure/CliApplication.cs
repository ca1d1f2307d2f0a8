using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// Builds the <c>tcr</c> command tree from <see cref="CommandCatalog"/>, parses, and runs one command: parse errors and
/// failures become one sentence on stderr (and a JSON error document under <c>--json</c>) and a documented
/// <see cref="ExitCode"/>.
/// </summary>
public static class CliApplication
{
    /// <summary>Runs <c>tcr</c> with <paramref name="args"/> and returns the process exit code.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="environment">Environment variables, directories, terminals.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="cancellationToken">Stops a running command.</param>
    public static async Task<int> RunAsync(
        string[] args, CliEnvironment environment, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            args = ["--help"];
        }

        var wantsJson = args.Contains("--json", StringComparer.Ordinal);
        if (SecretGuard.CheckOptions(args) is { } refusal)
        {
            return Report(refusal, wantsJson, environment, stdout, stderr);
        }

        var root = BuildRoot(environment, stdout, stderr);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not ExamplesHelpAction)
        {
            return Report(ParseErrorReporter.Describe(parse), wantsJson, environment, stdout, stderr);
        }

        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the command tree: root, one command per noun, one per verb, global options and help with examples.</summary>
    public static RootCommand BuildRoot(CliEnvironment environment, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("tcr: curate the token-curated registry of chat mail servers from the command line.");
        root.Directives.Clear();
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }

        var examples = new Dictionary<Command, IReadOnlyList<Example>>
        {
            [root] = CommandCatalog.RootExamples,
        };

        foreach (var group in CommandCatalog.Create().GroupBy(c => c.Noun))
        {
            var nounCommand = new Command(group.Key, CommandCatalog.NounDescription(group.Key));
            var nounExamples = new List<Example>();
            foreach (var tcrCommand in group)
            {
                var command = tcrCommand.Verb is null ? nounCommand : new Command(tcrCommand.Verb, tcrCommand.Description);
                if (tcrCommand.Verb is null)
                {
                    nounCommand.Description = tcrCommand.Description;
                }

                tcrCommand.Configure(command);
                if (tcrCommand.SendsTransactions)
                {
                    foreach (var option in SendOptions.All)
                    {
                        command.Options.Add(option);
                    }
                }

                command.SetAction((parse, token) => RunCommandAsync(tcrCommand, parse, environment, stdout, stderr, token));
                if (tcrCommand.Examples.Count == 0)
                {
                    throw new InvalidOperationException($"{tcrCommand.DisplayName} has no example; every command shows one in --help.");
                }

                examples[command] = tcrCommand.Examples;
                nounExamples.Add(tcrCommand.Examples[0]);
                if (command != nounCommand)
                {
                    nounCommand.Subcommands.Add(command);
                }
            }

            examples.TryAdd(nounCommand, nounExamples);
            root.Subcommands.Add(nounCommand);
        }

        AddExamplesToHelp(root, examples);
        return root;
    }

    private static void AddExamplesToHelp(RootCommand root, Dictionary<Command, IReadOnlyList<Example>> examples)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!, examples);
    }

    // HelpBuilder is internal in System.CommandLine 3.0: write the standard help, then the command's examples.
    private sealed class ExamplesHelpAction(HelpAction standard, Dictionary<Command, IReadOnlyList<Example>> examples)
        : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var result = standard.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var list))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var example in list)
                {
                    output.WriteLine($"  # {example.Explanation}");
                    output.WriteLine($"  {example.CommandLine}");
                }

                output.WriteLine();
            }

            return result;
        }
    }

    private static async Task<int> RunCommandAsync(
        TcrCommand command, ParseResult parse, CliEnvironment environment, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var context = new CommandContext(command, parse, environment, stdout, stderr);
        try
        {
            // Fail on a misspelt network before anything else, even for commands that never use it.
            _ = context.Network;
            await command.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            if (context.Output.IsJson && !context.Output.HasResult)
            {
                throw new InvalidOperationException($"{command.DisplayName} wrote no JSON result.");
            }

            return (int)ExitCode.Ok;
        }
        catch (Exception exception)
        {
            var error = ErrorTranslator.Translate(exception, command.DisplayName, context.ResolvedNetworkOrNull, context.InFlight, context.Output.IsStreaming);
            context.Output.Error(error);
            if (error.ExitCode == ExitCode.Unexpected && environment.GetNonBlank("TCR_DEBUG") is not null)
            {
                stderr.WriteLine(exception);
            }

            return (int)error.ExitCode;
        }
    }

    private static int Report(CliException error, bool json, CliEnvironment environment, TextWriter stdout, TextWriter stderr)
    {
        new Output.CommandOutput(json, environment, stdout, stderr).Error(error);
        return (int)error.ExitCode;
    }
}
