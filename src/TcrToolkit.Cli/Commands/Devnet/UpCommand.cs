using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Devnet;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Generated;

namespace TcrToolkit.Cli.Commands.Devnet;

/// <summary>
/// <c>tcr devnet up</c>: starts the embedded devnet (a detached Hardhat node on 127.0.0.1), deploys the TCR, funds test
/// accounts and writes <c>.devnet/</c>; when it already runs, says so and shows it.
/// </summary>
internal sealed class UpCommand : TcrCommand
{
    private readonly Option<string?> _dir = DevnetDirectory.CreateOption("Where to create .devnet/ (state, manifest, node log) [default: the working directory]");

    private readonly Option<int?> _port = new("--port")
    {
        Description = "The loopback port [default: a free one]",
        HelpName = "port",
    };

    public override string Noun => "devnet";

    public override string? Verb => "up";

    public override string Description => "Start a local Hardhat chain with the TCR deployed and test accounts funded";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr devnet up", "Start the devnet in ./.devnet and show its contracts and accounts"),
        new("tcr devnet up --port 8545 --json", "On a fixed port, as JSON"),
    ];

    public override void Configure(Command command)
    {
        _port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } port and (< 1 or > 65535))
            {
                result.AddError($"--port {port} is not a TCP port; give one between 1 and 65535.");
            }
        });
        command.Options.Add(_dir);
        command.Options.Add(_port);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var project = DevnetDirectory.Resolve(context, _dir, searchParents: false);
        var host = DevnetDirectory.Host(project, context.Parse.GetValue(_port));
        if (!(await host.StatusAsync(cancellationToken).ConfigureAwait(false)).Running)
        {
            context.Output.Note($"Starting a Hardhat node on 127.0.0.1 (log: {host.LogPath}), deploying the TCR and funding test accounts…");
        }

        DevnetUpResult up;
        using (var display = new DeploymentProgressDisplay(context.Output))
        {
            up = await host.UpAsync(display, cancellationToken).ConfigureAwait(false);
        }

        var state = up.State;
        var deployment = up.Deployment;
        var accounts = new List<DevnetAccountReport>();
        await using (var client = RpcClient.CreateHttp(state.RpcUrl))
        {
            var token = deployment.Token is { } t ? new TcrToken(client, t.Address) : null;
            for (var i = 0; i < state.Accounts.Count; i++)
            {
                var address = state.Accounts[i];
                var tokens = token is null ? UInt256.Zero : await token.BalanceOfAsync(address, cancellationToken: cancellationToken).ConfigureAwait(false);
                var ether = await client.GetBalanceAsync(address, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
                accounts.Add(new DevnetAccountReport(
                    i, address.ToString(), i == 0 ? "deployer" : "funded", tokens.ToString(), EthUnits.FormatEther(tokens), ether.ToString(), EthUnits.FormatEther(ether)));
            }
        }

        var report = new DevnetUpReport(
            up.AlreadyRunning,
            host.StateDirectory,
            state.RpcUrl.ToString().TrimEnd('/'),
            state.ChainId,
            state.ProcessId,
            state.ManifestPath,
            state.LogFile,
            state.StartedAt.ToUnixTimeSeconds(),
            new DevnetContractsReport(
                deployment.Token?.Address.ToString(), deployment.Voting?.Address.ToString(), deployment.Registry?.Address.ToString(), deployment.Governor?.Address.ToString()),
            accounts,
            DevnetHost.Mnemonic);
        context.Output.Result(report, CliJsonContext.Default.DevnetUpReport, view => Render(view, report));
    }

    private static void Render(HumanView view, DevnetUpReport report)
    {
        var pid = report.ProcessId.ToString(CultureInfo.InvariantCulture);
        view.Line(report.AlreadyRunning
            ? $"A devnet is already running here at {report.RpcUrl} (chain {report.ChainId}, pid {pid}); nothing was started."
            : $"Devnet running at {report.RpcUrl} (chain {report.ChainId}, pid {pid}).");
        view.Properties(
            ("RPC URL", report.RpcUrl),
            ("Chain id", report.ChainId.ToString(CultureInfo.InvariantCulture)),
            ("Manifest", report.Manifest),
            ("Node log", report.LogFile));
        view.Table(
            ["contract", "address"],
            [
                ["token", report.Contracts.Token ?? "-"],
                ["voting", report.Contracts.Voting ?? "-"],
                ["registry", report.Contracts.Registry ?? "-"],
                ["governor", report.Contracts.Governor ?? "-"],
            ]);
        view.Table(
            ["mnemonic index", "address", "role", "tokens", "ether"],
            report.Accounts.Select(a => (IReadOnlyList<string>)[a.Index.ToString(CultureInfo.InvariantCulture), a.Address, a.Role, a.TokensFormatted, a.EtherFormatted]));
        view.Line($"Sign as account N with: export TCR_MNEMONIC=\"{report.Mnemonic}\"; tcr … --account mnemonic:N");
        view.Line("Stop it with: tcr devnet down");
    }
}
