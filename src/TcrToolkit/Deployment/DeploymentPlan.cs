using TcrToolkit.Ethereum;

namespace TcrToolkit.Deployment;

/// <summary>Where a step stands.</summary>
public enum StepStatus
{
    /// <summary>Not deployed yet: it will be sent.</summary>
    ToDo,

    /// <summary>Sent and recorded, not yet confirmed: a resume looks the transaction up.</summary>
    InFlight,

    /// <summary>Deployed and recorded in the manifest (or, for the token, given in the configuration).</summary>
    Done,
}

/// <summary>How a step's gas figure was obtained.</summary>
public enum GasEstimateMethod
{
    /// <summary><c>eth_estimateGas</c> with the real constructor data; everything it calls already exists.</summary>
    EstimateGas,

    /// <summary>
    /// <c>eth_estimateGas</c> with state overrides placing the earlier steps' code at their predicted addresses.
    /// </summary>
    EstimateGasWithOverrides,

    /// <summary>
    /// Measured by an <c>eth_call</c> with state overrides that CREATEs the init code (for nodes whose
    /// <c>eth_estimateGas</c> takes no overrides), plus the transaction's intrinsic gas.
    /// </summary>
    MeasuredInCall,
}

/// <summary>One step of a plan.</summary>
/// <param name="Step">Which step.</param>
/// <param name="Contract">The contract's name, for example <c>CommitRevealVoting</c>.</param>
/// <param name="Status">Whether it is to do, in flight or done.</param>
/// <param name="Address">The contract's address: recorded when done, CREATE(deployer, nonce) otherwise.</param>
/// <param name="Nonce">The deployer's nonce it uses (predicted for steps to do); <c>null</c> for a given token.</param>
/// <param name="EstimatedGas">Gas the creation should use; <c>null</c> unless it is to do.</param>
/// <param name="EstimateMethod">How <paramref name="EstimatedGas"/> was obtained.</param>
/// <param name="TransactionHash">The creating transaction, when in flight or done.</param>
public sealed record PlannedStep(
    DeploymentStep Step,
    string Contract,
    StepStatus Status,
    Address Address,
    ulong? Nonce,
    ulong? EstimatedGas,
    GasEstimateMethod? EstimateMethod,
    Bytes32? TransactionHash);

/// <summary>
/// What a deployment would do, without sending anything: the ordered steps with predicted addresses and gas, and the
/// cost at current fees.
/// </summary>
/// <param name="Network">The network.</param>
/// <param name="ChainId">The node's chain id (equal to the network's, or planning fails).</param>
/// <param name="Deployer">The deploying account.</param>
/// <param name="DeployerBalance">Its balance in wei.</param>
/// <param name="Steps">Token (unless an existing one is given), voting, registry (which creates the governor).</param>
/// <param name="BaseFeePerGas">The next block's base fee in wei.</param>
/// <param name="MaxPriorityFeePerGas">The priority fee the deployment would offer.</param>
/// <param name="MaxFeePerGas">The fee cap the deployment would set.</param>
public sealed record DeploymentPlan(
    TcrNetwork Network,
    ulong ChainId,
    Address Deployer,
    UInt256 DeployerBalance,
    IReadOnlyList<PlannedStep> Steps,
    UInt256 BaseFeePerGas,
    UInt256 MaxPriorityFeePerGas,
    UInt256 MaxFeePerGas)
{
    /// <summary>Gas of the steps still to do.</summary>
    public ulong TotalGas => Steps.Aggregate(0UL, (sum, s) => sum + (s.EstimatedGas ?? 0));

    /// <summary>Expected cost in wei: <see cref="TotalGas"/> × (base fee + priority fee).</summary>
    public UInt256 EstimatedCost => (UInt256)TotalGas * (BaseFeePerGas + MaxPriorityFeePerGas);

    /// <summary>Worst-case cost in wei: <see cref="TotalGas"/> × fee cap (what the balance must cover).</summary>
    public UInt256 MaxCost => (UInt256)TotalGas * MaxFeePerGas;

    /// <summary>Whether the deployer can pay <see cref="MaxCost"/>.</summary>
    public bool HasEnoughFunds => DeployerBalance >= MaxCost;

    /// <summary>Whether every step is done already.</summary>
    public bool IsComplete => Steps.All(s => s.Status == StepStatus.Done);
}

/// <summary>What happened in a deployment, for a progress display (a spinner while waiting for a receipt).</summary>
public enum DeploymentProgressKind
{
    /// <summary>The step is recorded in the manifest and its code checked on chain: nothing to send.</summary>
    AlreadyDeployed,

    /// <summary>The step begins: estimating gas and signing.</summary>
    Started,

    /// <summary>The transaction was recorded and sent; waiting for its receipt.</summary>
    Sent,

    /// <summary>An interrupted step's transaction was found (or rebroadcast); waiting for its receipt.</summary>
    Resumed,

    /// <summary>The contract is deployed and recorded.</summary>
    Confirmed,
}

/// <summary>One progress report.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Step">The step.</param>
/// <param name="Contract">The contract's name.</param>
/// <param name="Address">The contract's (predicted, until confirmed) address.</param>
/// <param name="TransactionHash">The creating transaction, once signed.</param>
/// <param name="Nonce">Its nonce, once signed.</param>
/// <param name="BlockNumber">The including block, once confirmed.</param>
/// <param name="GasUsed">Gas used, once confirmed.</param>
public sealed record DeploymentProgress(
    DeploymentProgressKind Kind,
    DeploymentStep Step,
    string Contract,
    Address? Address = null,
    Bytes32? TransactionHash = null,
    ulong? Nonce = null,
    ulong? BlockNumber = null,
    ulong? GasUsed = null);

/// <summary>Settings of <see cref="TcrDeployer"/>.</summary>
public sealed class TcrDeployerOptions
{
    /// <summary>Extra gas on top of the node's estimate, in percent.</summary>
    public int GasMarginPercent { get; set; } = 20;

    /// <summary>The base fee multiplier for <c>maxFeePerGas</c>.</summary>
    public int BaseFeeMultiplier { get; set; } = 2;

    /// <summary>How often a receipt is polled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for one receipt before stopping (the transaction stays recorded; run again to resume).</summary>
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An RPC URL to record in the manifest's <c>rpc</c> field (the embedded devnet does, as <c>scripts/demo</c>).</summary>
    public string? RecordRpcUrl { get; set; }
}
