using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;

namespace TcrToolkit.Cli.Commands.Devnet;

/// <summary><c>tcr devnet status</c>: whether the devnet runs, and its chain, block, registry and listing count.</summary>
internal sealed class StatusCommand : TcrCommand
{
    private readonly Option<string?> _dir = DevnetDirectory.CreateOption("The directory holding .devnet/ [default: the nearest one upwards, else the working directory]");

    public override string Noun => "devnet";

    public override string? Verb => "status";

    public override string Description => "Show whether the local devnet runs, its block, registry and listing count";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr devnet status", "Is the devnet of this project running?"),
        new("tcr devnet status --json", "The same, as JSON"),
    ];

    public override void Configure(Command command) => command.Options.Add(_dir);

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = DevnetDirectory.Host(DevnetDirectory.Resolve(context, _dir, searchParents: true));
        var status = await host.StatusAsync(cancellationToken).ConfigureAwait(false);
        var report = new DevnetStatusReport(
            status.Running,
            host.StateDirectory,
            status.State?.RpcUrl.ToString().TrimEnd('/'),
            status.ChainId,
            status.BlockNumber,
            status.Registry?.ToString(),
            status.ListingCount?.ToString(),
            status.State?.ProcessId,
            status.Message);
        context.Output.Result(report, CliJsonContext.Default.DevnetStatusReport, view =>
        {
            if (!report.Running)
            {
                view.Line(report.Message);
                return;
            }

            view.Properties(
                ("Running", "yes"),
                ("RPC URL", report.RpcUrl ?? "-"),
                ("Chain id", report.ChainId?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                ("Block", report.BlockNumber?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                ("Registry", report.Registry ?? "not deployed"),
                ("Listed servers", report.ListingCount ?? "-"),
                ("Process id", report.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                ("State", report.Directory));
        });
    }
}
