using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;

namespace TcrToolkit.Cli.Commands.Devnet;

/// <summary><c>tcr devnet down</c>: stops the devnet and removes its state file; without one running, says so (exit 0).</summary>
internal sealed class DownCommand : TcrCommand
{
    private readonly Option<string?> _dir = DevnetDirectory.CreateOption("The directory holding .devnet/ [default: the nearest one upwards, else the working directory]");

    public override string Noun => "devnet";

    public override string? Verb => "down";

    public override string Description => "Stop the local devnet (nothing happens when none is running)";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr devnet down", "Stop the devnet of this project"),
    ];

    public override void Configure(Command command) => command.Options.Add(_dir);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = DevnetDirectory.Host(DevnetDirectory.Resolve(context, _dir, searchParents: true));
        var stopped = await host.StopAsync(cancellationToken).ConfigureAwait(false);
        var report = new DevnetDownReport(
            stopped,
            host.StateDirectory,
            stopped ? $"Stopped the devnet of {host.StateDirectory}." : $"No devnet is running from {host.StateDirectory}; nothing to stop.");
        context.Output.Result(report, CliJsonContext.Default.DevnetDownReport, view => view.Line(report.Message));
    }
}
