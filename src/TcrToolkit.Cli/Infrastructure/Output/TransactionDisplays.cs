using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>Where one transaction stands.</summary>
public enum TransactionStage
{
    /// <summary>Estimating gas and signing (a revert here is a pre-flight refusal: nothing is sent).</summary>
    Preparing,

    /// <summary>The node accepted it; waiting for the receipt.</summary>
    Sent,

    /// <summary>The receipt is in.</summary>
    Mined,
}

/// <summary>One progress report of a transaction.</summary>
/// <param name="Stage">Where it stands.</param>
/// <param name="Hash">Its hash, from <see cref="TransactionStage.Sent"/> on.</param>
/// <param name="Receipt">Its receipt, at <see cref="TransactionStage.Mined"/>.</param>
/// <param name="BlockNumber">The including block, at <see cref="TransactionStage.Mined"/> when no receipt is at hand.</param>
public readonly record struct TransactionUpdate(TransactionStage Stage, Bytes32? Hash = null, TransactionReceipt? Receipt = null, ulong? BlockNumber = null)
{
    /// <summary>The including block: the receipt's, or <see cref="BlockNumber"/>.</summary>
    public ulong? MinedIn => Receipt?.BlockNumber ?? BlockNumber;
}

/// <summary>
/// Shows a transaction's progress: report <see cref="TransactionStage.Sent"/> with the hash as soon as it is known, and
/// dispose when done. Obtained from <see cref="CommandOutput.BeginTransaction"/>.
/// </summary>
public interface ITransactionProgress : IProgress<TransactionUpdate>, IDisposable
{
}

/// <summary>Shared instances.</summary>
public static class TransactionDisplays
{
    /// <summary>Reports nothing (<c>--json</c>).</summary>
    public static ITransactionProgress Silent { get; } = new SilentProgress();

    private sealed class SilentProgress : ITransactionProgress
    {
        public void Report(TransactionUpdate value)
        {
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>Redirected output: one line on stderr when the transaction is sent, one when mined.</summary>
internal sealed class LineTransactionProgress(string action, TextWriter stderr) : ITransactionProgress
{
    public void Report(TransactionUpdate value)
    {
        switch (value.Stage)
        {
            case TransactionStage.Sent:
                stderr.WriteLine($"{action}: sent {value.Hash}, waiting for the receipt");
                break;
            case TransactionStage.Mined when value.MinedIn is { } block:
                stderr.WriteLine($"{action}: mined in block {block}");
                break;
        }
    }

    public void Dispose() => stderr.Flush();
}

/// <summary>A terminal: a spinner on stderr with the action, the hash and the seconds waited, redrawn in place.</summary>
internal sealed class SpinnerTransactionProgress : ITransactionProgress
{
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private readonly string _action;
    private readonly TextWriter _stderr;
    private readonly Timer _timer;
    private readonly long _started = Environment.TickCount64;
    private readonly Lock _gate = new();
    private string _status = "preparing";
    private int _frame;
    private bool _disposed;

    public SpinnerTransactionProgress(string action, TextWriter stderr)
    {
        _action = action;
        _stderr = stderr;
        _timer = new Timer(_ => Draw(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    public void Report(TransactionUpdate value)
    {
        lock (_gate)
        {
            _status = value.Stage switch
            {
                TransactionStage.Preparing => "preparing",
                TransactionStage.Sent => $"waiting for the receipt of {value.Hash}",
                TransactionStage.Mined => $"mined in block {value.MinedIn}",
                _ => _status,
            };
        }

        Draw();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            _stderr.Write("\r\u001b[2K");
            _stderr.WriteLine($"{_action}: {_status}");
            _stderr.Flush();
        }
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var seconds = (Environment.TickCount64 - _started) / 1000;
            _stderr.Write($"\r\u001b[2K{Frames[_frame++ % Frames.Length]} {_action}: {_status} ({seconds}s)");
            _stderr.Flush();
        }
    }
}
