using TcrToolkit.Deployment;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>
/// Shows a deployment's steps (<see cref="TcrDeployer"/>'s <see cref="DeploymentProgress"/>) as the command's
/// transactions: a spinner with the hash on a terminal, lines when redirected, nothing under <c>--json</c>; a step the
/// manifest already records gets one note. Remembers how each step ended, for the result.
/// </summary>
internal sealed class DeploymentProgressDisplay(CommandOutput output) : IProgress<DeploymentProgress>, IDisposable
{
    private readonly Dictionary<DeploymentStep, DeploymentProgressKind> _outcomes = [];
    private ITransactionProgress? _current;

    /// <summary>How each step ended: <see cref="DeploymentProgressKind.AlreadyDeployed"/>, <see cref="DeploymentProgressKind.Resumed"/> or <see cref="DeploymentProgressKind.Confirmed"/>.</summary>
    public IReadOnlyDictionary<DeploymentStep, DeploymentProgressKind> Outcomes => _outcomes;

    public void Report(DeploymentProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Kind)
        {
            case DeploymentProgressKind.AlreadyDeployed:
                _outcomes[value.Step] = value.Kind;
                output.Note($"Deploy {value.Contract}: already deployed at {value.Address} (recorded in the manifest)");
                break;
            case DeploymentProgressKind.Started:
                Begin(value.Contract);
                break;
            case DeploymentProgressKind.Resumed:
                _outcomes[value.Step] = value.Kind;
                Begin(value.Contract);
                _current!.Report(new TransactionUpdate(TransactionStage.Sent, value.TransactionHash));
                break;
            case DeploymentProgressKind.Sent:
                _current?.Report(new TransactionUpdate(TransactionStage.Sent, value.TransactionHash));
                break;
            case DeploymentProgressKind.Confirmed:
                _outcomes.TryAdd(value.Step, value.Kind);
                _current?.Report(new TransactionUpdate(TransactionStage.Mined, value.TransactionHash, BlockNumber: value.BlockNumber));
                _current?.Dispose();
                _current = null;
                break;
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private void Begin(string contract)
    {
        _current?.Dispose();
        _current = output.BeginTransaction($"Deploy {contract}");
        _current.Report(new TransactionUpdate(TransactionStage.Preparing));
    }
}
