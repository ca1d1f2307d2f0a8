using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>
/// How many blocks one <c>eth_getLogs</c> call asks for. A provider's "too many results" or "block range" refusal
/// halves the size; successes double it again, but for a while no further than just below the size that failed, so a
/// dense stretch of blocks does not cost a refused call for every two that succeed.
/// </summary>
public sealed class LogChunkPolicy
{
    /// <summary>After this many successes in a row, the ceiling learnt from a refusal is forgotten.</summary>
    public const int CeilingMemory = 16;

    private ulong? _ceiling;
    private int _successes;

    /// <summary>Creates a policy.</summary>
    /// <param name="initialSize">The first size, in blocks.</param>
    /// <param name="maxSize">The largest size ever asked for.</param>
    public LogChunkPolicy(ulong initialSize = 2_000, ulong maxSize = 50_000)
    {
        ArgumentOutOfRangeException.ThrowIfZero(initialSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, initialSize);
        Size = initialSize;
        MaxSize = maxSize;
    }

    /// <summary>The number of blocks the next call covers.</summary>
    public ulong Size { get; private set; }

    /// <summary>The largest size.</summary>
    public ulong MaxSize { get; }

    /// <summary>Records a refused call; returns <c>false</c> when the size is already one block and cannot shrink.</summary>
    public bool OnLimitExceeded()
    {
        _successes = 0;
        if (Size == 1)
        {
            return false;
        }

        _ceiling = Size - 1;
        Size = Math.Max(1, Size / 2);
        return true;
    }

    /// <summary>Records a call that succeeded and grows the size.</summary>
    public void OnSuccess()
    {
        if (++_successes >= CeilingMemory)
        {
            _ceiling = null;
        }

        var next = Size >= MaxSize / 2 ? MaxSize : Size * 2;
        Size = Math.Max(Size, Math.Min(next, _ceiling ?? MaxSize));
    }

    /// <summary>
    /// Whether an error is a provider's refusal of the range or result size (rather than a fault to retry or report).
    /// </summary>
    public static bool IsLimitError(Exception error) => error is RpcErrorException rpc && IsLimitMessage(rpc.RpcMessage);

    /// <summary>Whether a provider's error message refuses the range or result size of a log query.</summary>
    public static bool IsLimitMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string[] markers =
        [
            "too many results", "query returned more than", "block range", "range is too large", "range too large",
            "exceed maximum block range", "limit exceeded", "response size", "too many logs", "log response size",
        ];
        return markers.Any(m => message.Contains(m, StringComparison.OrdinalIgnoreCase));
    }
}
