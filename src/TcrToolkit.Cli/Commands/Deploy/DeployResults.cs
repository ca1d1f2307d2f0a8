using TcrToolkit.Deployment;

namespace TcrToolkit.Cli.Commands.Deploy;

/// <summary>One step of a <c>tcr deploy --dry-run</c> plan.</summary>
/// <param name="Step"><c>token</c>, <c>voting</c> or <c>registry</c> (which also creates the governor).</param>
/// <param name="Contract">The contract's name.</param>
/// <param name="Status"><c>to-do</c> (would be sent), <c>in-flight</c> (sent earlier, to be looked up) or <c>done</c>.</param>
/// <param name="Address">The recorded address, or the predicted one (CREATE of deployer and nonce).</param>
/// <param name="Nonce">The deployer's nonce it uses (predicted for steps to do).</param>
/// <param name="EstimatedGas">Gas the creation should use, for steps to do.</param>
/// <param name="EstimateMethod">How the gas was estimated: <c>estimate-gas</c>, <c>estimate-gas-with-overrides</c> or <c>measured-in-call</c>.</param>
/// <param name="TransactionHash">The creating transaction, when in flight or done.</param>
internal sealed record DeployPlanStepReport(
    string Step, string Contract, string Status, string Address, ulong? Nonce, ulong? EstimatedGas, string? EstimateMethod, string? TransactionHash);

/// <summary>The <c>--json</c> result of <c>tcr deploy --dry-run</c>: what a deployment would do; nothing was sent.</summary>
/// <param name="DryRun">Always <c>true</c>.</param>
/// <param name="Network">The network name.</param>
/// <param name="ChainId">The node's chain id.</param>
/// <param name="Deployer">The deploying account.</param>
/// <param name="Manifest">The manifest a deployment would write.</param>
/// <param name="Steps">The steps in order.</param>
/// <param name="TotalGas">Gas of the steps to do.</param>
/// <param name="BaseFeePerGas">The next block's base fee, in wei.</param>
/// <param name="MaxPriorityFeePerGas">The priority fee offered, in wei.</param>
/// <param name="MaxFeePerGas">The fee cap, in wei.</param>
/// <param name="EstimatedCost">Total gas × (base fee + priority fee), in wei.</param>
/// <param name="EstimatedCostFormatted">The same in ether.</param>
/// <param name="MaxCost">Total gas × fee cap, in wei: what the balance must cover.</param>
/// <param name="MaxCostFormatted">The same in ether.</param>
/// <param name="Balance">The deployer's balance, in wei.</param>
/// <param name="BalanceFormatted">The same in ether.</param>
/// <param name="HasEnoughFunds">Whether the balance covers <paramref name="MaxCost"/>.</param>
/// <param name="Complete">Whether every step is done already (a deployment would send nothing).</param>
internal sealed record DeployPlanReport(
    bool DryRun,
    string Network,
    ulong ChainId,
    string Deployer,
    string Manifest,
    IReadOnlyList<DeployPlanStepReport> Steps,
    ulong TotalGas,
    string BaseFeePerGas,
    string MaxPriorityFeePerGas,
    string MaxFeePerGas,
    string EstimatedCost,
    string EstimatedCostFormatted,
    string MaxCost,
    string MaxCostFormatted,
    string Balance,
    string BalanceFormatted,
    bool HasEnoughFunds,
    bool Complete);

/// <summary>One step of a finished <c>tcr deploy</c>.</summary>
/// <param name="Step"><c>token</c>, <c>voting</c>, <c>registry</c> or <c>governor</c> (created by the registry's transaction).</param>
/// <param name="Contract">The contract's name.</param>
/// <param name="Address">EIP-55.</param>
/// <param name="TransactionHash">The creating transaction (<c>null</c> for a given token).</param>
/// <param name="BlockNumber">The block it was mined in, when known.</param>
/// <param name="Status"><c>deployed</c> (by this run), <c>resumed</c> (sent by an interrupted run, confirmed by this one) or <c>already-deployed</c>.</param>
internal sealed record DeployStepReport(string Step, string Contract, string Address, string? TransactionHash, ulong? BlockNumber, string Status);

/// <summary>The <c>--json</c> result of <c>tcr deploy</c>.</summary>
/// <param name="Network">The network name.</param>
/// <param name="ChainId">The chain id.</param>
/// <param name="Deployer">The deploying account.</param>
/// <param name="Manifest">The manifest written (read by the other commands with <c>--network</c>).</param>
/// <param name="Deployed">How many contract creations this run sent or confirmed (0 when everything was deployed already).</param>
/// <param name="Steps">Each contract, in deployment order.</param>
internal sealed record DeployReport(string Network, ulong ChainId, string Deployer, string Manifest, int Deployed, IReadOnlyList<DeployStepReport> Steps);

internal static class DeployNames
{
    public static string Of(DeploymentStep step) => step switch
    {
        DeploymentStep.Token => "token",
        DeploymentStep.Voting => "voting",
        _ => "registry",
    };

    public static string Of(StepStatus status) => status switch
    {
        StepStatus.ToDo => "to-do",
        StepStatus.InFlight => "in-flight",
        _ => "done",
    };

    public static string Of(GasEstimateMethod method) => method switch
    {
        GasEstimateMethod.EstimateGas => "estimate-gas",
        GasEstimateMethod.EstimateGasWithOverrides => "estimate-gas-with-overrides",
        _ => "measured-in-call",
    };
}
