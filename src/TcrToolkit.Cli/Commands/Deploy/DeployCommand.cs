using System.CommandLine;
using System.Globalization;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Configuration;
using TcrToolkit.Deployment;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Commands.Deploy;

/// <summary>
/// <c>tcr deploy</c>: deploys the TCR (token, voting, registry with its governor) to <c>--network</c> from
/// <c>--account</c> with <see cref="TcrDeployer"/>, which resumes an interrupted deployment and skips finished steps;
/// <c>--dry-run</c> shows the plan and sends nothing.
/// </summary>
internal sealed class DeployCommand : TcrCommand
{
    private readonly Option<string?> _config = new("--config")
    {
        Description = "Deployment config JSON: parameters and token, see deployments/config.example.json [default: 10-minute stages, 100-token deposit]",
        HelpName = "file",
    };

    private readonly Option<bool> _dryRun = new("--dry-run")
    {
        Description = "Show the steps, predicted addresses, gas and cost at current fees; send nothing",
    };

    private readonly Option<string?> _manifestOut = new("--manifest-out")
    {
        Description = "Where to write the deployment manifest [default: deployments/<network>.json]",
        HelpName = "file",
    };

    public override string Noun => "deploy";

    public override string? Verb => null;

    public override string Description => "Deploy the TCR contracts to a network and write the deployment manifest";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr deploy --network sepolia --account deployer --config deployments/sepolia.config.json --dry-run", "Plan a Sepolia deployment: addresses, gas, cost"),
        new("tcr deploy --network sepolia --account deployer --config deployments/sepolia.config.json", "Deploy (or resume) and write deployments/sepolia.json"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_config);
        command.Options.Add(_dryRun);
        command.Options.Add(_manifestOut);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var network = context.Network.Network;
        var current = context.Environment.CurrentDirectory;
        var (config, isDefault) = LoadConfig(context, current);
        var manifest = context.Parse.GetValue(_manifestOut) is { } output
            ? Path.GetFullPath(output, current)
            : TcrDeployer.DefaultManifestPath(network, current);
        var deployer = new TcrDeployer(await context.GetRpcAsync(cancellationToken).ConfigureAwait(false), network, config, manifest, new TcrDeployerOptions { PollInterval = TimeSpan.FromMilliseconds(250) });

        if (context.Parse.GetValue(_dryRun))
        {
            var plan = await deployer.PlanAsync(context.Accounts.GetAddress(), cancellationToken).ConfigureAwait(false);
            NoteDefaults(context, isDefault);
            var report = PlanReport(plan, manifest);
            context.Output.Result(report, CliJsonContext.Default.DeployPlanReport, view => RenderPlan(view, report));
            return;
        }

        using var key = context.Accounts.GetSigningKey();
        var check = await deployer.PlanAsync(key.Address, cancellationToken).ConfigureAwait(false);
        if (!check.IsComplete && !check.HasEnoughFunds)
        {
            throw CliException.Refused(
                "insufficient-funds",
                $"The deployer {key.Address} holds {EthUnits.FormatEther(check.DeployerBalance)} ETH but the deployment may cost up to {EthUnits.FormatEther(check.MaxCost)} ETH at current fees; nothing was sent: fund the account, or see the plan with --dry-run.");
        }

        NoteDefaults(context, isDefault && !check.IsComplete);
        DeploymentRecord record;
        IReadOnlyDictionary<DeploymentStep, DeploymentProgressKind> outcomes;
        using (var display = new DeploymentProgressDisplay(context.Output))
        {
            record = await deployer.DeployAsync(key, display, cancellationToken).ConfigureAwait(false);
            outcomes = display.Outcomes;
        }

        var result = DeployReport(record, outcomes, manifest);
        context.Output.Result(result, CliJsonContext.Default.DeployReport, view => RenderDeployment(view, result));
    }

    // Read before anything touches the node, so a bad config fails with nothing sent.
    private (DeploymentConfig Config, bool IsDefault) LoadConfig(CommandContext context, string current)
    {
        if (context.Parse.GetValue(_config) is not { } given)
        {
            return (DeploymentConfig.Default, true);
        }

        var path = Path.GetFullPath(given, current);
        return File.Exists(path)
            ? (DeploymentConfig.Load(path), false)
            : throw CliException.Configuration("config-not-found", $"The deployment config {path} does not exist; check the --config path (deployments/config.example.json shows the format).");
    }

    private static void NoteDefaults(CommandContext context, bool isDefault)
    {
        if (isDefault)
        {
            context.Output.Note("No --config given: using the default parameters (10-minute stages, 100-token deposit), which suit a devnet or a trial.");
        }
    }

    private static DeployPlanReport PlanReport(DeploymentPlan plan, string manifest) => new(
        DryRun: true,
        plan.Network.Name,
        plan.ChainId,
        plan.Deployer.ToString(),
        manifest,
        plan.Steps.Select(s => new DeployPlanStepReport(
            DeployNames.Of(s.Step),
            s.Contract,
            DeployNames.Of(s.Status),
            s.Address.ToString(),
            s.Nonce,
            s.EstimatedGas,
            s.EstimateMethod is { } method ? DeployNames.Of(method) : null,
            s.TransactionHash?.ToString())).ToList(),
        plan.TotalGas,
        plan.BaseFeePerGas.ToString(),
        plan.MaxPriorityFeePerGas.ToString(),
        plan.MaxFeePerGas.ToString(),
        plan.EstimatedCost.ToString(),
        EthUnits.FormatEther(plan.EstimatedCost),
        plan.MaxCost.ToString(),
        EthUnits.FormatEther(plan.MaxCost),
        plan.DeployerBalance.ToString(),
        EthUnits.FormatEther(plan.DeployerBalance),
        plan.HasEnoughFunds,
        plan.IsComplete);

    private static DeployReport DeployReport(DeploymentRecord record, IReadOnlyDictionary<DeploymentStep, DeploymentProgressKind> outcomes, string manifest)
    {
        static string Status(IReadOnlyDictionary<DeploymentStep, DeploymentProgressKind> outcomes, DeploymentStep step) =>
            outcomes.GetValueOrDefault(step, DeploymentProgressKind.AlreadyDeployed) switch
            {
                DeploymentProgressKind.Confirmed => "deployed",
                DeploymentProgressKind.Resumed => "resumed",
                _ => "already-deployed",
            };

        var steps = new List<DeployStepReport>();
        void Add(string step, string contract, DeployedContract? deployed, string status)
        {
            if (deployed is not null)
            {
                steps.Add(new DeployStepReport(step, contract, deployed.Address.ToString(), deployed.TransactionHash?.ToString(), deployed.BlockNumber, status));
            }
        }

        Add("token", record.ExistingToken ? "existing ERC20Votes token" : "TcrToken", record.Token, record.ExistingToken ? "existing" : Status(outcomes, DeploymentStep.Token));
        Add("voting", "CommitRevealVoting", record.Voting, Status(outcomes, DeploymentStep.Voting));
        Add("registry", "MailServerRegistry", record.Registry, Status(outcomes, DeploymentStep.Registry));
        Add("governor", "ParameterGovernor", record.Governor, Status(outcomes, DeploymentStep.Registry));
        var sent = outcomes.Values.Count(kind => kind is DeploymentProgressKind.Confirmed or DeploymentProgressKind.Resumed);
        return new DeployReport(record.Network, record.ChainId, record.Deployer?.ToString() ?? "", manifest, sent, steps);
    }

    private static void RenderPlan(HumanView view, DeployPlanReport plan)
    {
        view.Line($"Dry run: deploying the TCR to {plan.Network} (chain {plan.ChainId}) from {plan.Deployer}; nothing was sent.");
        view.Table(
            ["step", "contract", "status", "address", "nonce", "estimated gas"],
            plan.Steps.Select(s => (IReadOnlyList<string>)[
                s.Step,
                s.Contract,
                s.Status,
                s.Address,
                s.Nonce?.ToString(CultureInfo.InvariantCulture) ?? "-",
                s.EstimatedGas?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"]));
        view.Properties(
            ("Total gas", plan.TotalGas.ToString("N0", CultureInfo.InvariantCulture)),
            ("Fees", $"base {Gwei(plan.BaseFeePerGas)} + tip {Gwei(plan.MaxPriorityFeePerGas)} gwei (cap {Gwei(plan.MaxFeePerGas)} gwei)"),
            ("Estimated cost", $"{plan.EstimatedCostFormatted} ETH (at most {plan.MaxCostFormatted} ETH)"),
            ("Deployer balance", $"{plan.BalanceFormatted} ETH: {(plan.HasEnoughFunds ? "enough" : "NOT enough")}"),
            ("Manifest", plan.Manifest));
        if (plan.Complete)
        {
            view.Line("Every step is deployed already: a deployment would send nothing.");
        }
    }

    private static void RenderDeployment(HumanView view, DeployReport report)
    {
        view.Line(report.Deployed == 0
            ? $"Nothing to deploy: every contract in {report.Manifest} is already on {report.Network} (chain {report.ChainId})."
            : $"Deployed the TCR to {report.Network} (chain {report.ChainId}); manifest written to {report.Manifest}.");
        view.Table(
            ["step", "contract", "address", "transaction", "status"],
            report.Steps.Select(s => (IReadOnlyList<string>)[s.Step, s.Contract, s.Address, s.TransactionHash ?? "-", s.Status]));
    }

    private static string Gwei(string wei) => EthUnits.FormatGwei(UInt256.Parse(wei));
}
