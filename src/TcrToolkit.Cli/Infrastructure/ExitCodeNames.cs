namespace TcrToolkit.Cli.Infrastructure;

/// <summary>The kebab-case names of <see cref="ExitCode"/> values written in JSON error documents (no enum reflection).</summary>
public static class ExitCodeNames
{
    /// <summary>The stable name of <paramref name="code"/>, for example <c>rpc-unavailable</c>.</summary>
    public static string Of(ExitCode code) => code switch
    {
        ExitCode.Ok => "ok",
        ExitCode.Unexpected => "unexpected",
        ExitCode.Usage => "usage",
        ExitCode.Configuration => "configuration",
        ExitCode.RpcUnavailable => "rpc-unavailable",
        ExitCode.PreflightRefused => "preflight-refused",
        ExitCode.Reverted => "reverted",
        ExitCode.Wallet => "wallet",
        ExitCode.RpcError => "rpc-error",
        ExitCode.ReceiptTimeout => "receipt-timeout",
        ExitCode.Cancelled => "cancelled",
        _ => "unknown",
    };
}
