using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>
/// Remembers the hashes of the transactions a service call confirmed, for results of calls that return no receipt
/// (<c>RegistryChallenger.UpdateStatusAsync</c>), while still showing their progress.
/// </summary>
internal sealed class TransactionRecorder : IProgress<TransactionProgress>
{
    private readonly IProgress<TransactionProgress>? _inner;
    private readonly List<Bytes32> _confirmed = [];

    private TransactionRecorder(IProgress<TransactionProgress>? inner) => _inner = inner;

    /// <summary>The confirmed transactions, oldest first.</summary>
    public IReadOnlyList<Bytes32> Confirmed => _confirmed;

    /// <summary>Puts a recorder in front of <paramref name="account"/>'s progress display.</summary>
    public static TransactionRecorder Attach(TcrAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var recorder = new TransactionRecorder(account.Progress);
        account.Progress = recorder;
        return recorder;
    }

    public void Report(TransactionProgress value)
    {
        if (value.Phase == TransactionPhase.Confirmed && value.TransactionHash is { } hash)
        {
            _confirmed.Add(hash);
        }

        _inner?.Report(value);
    }
}
