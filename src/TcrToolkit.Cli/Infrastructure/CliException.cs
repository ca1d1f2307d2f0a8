namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// A failure the user can act on: one sentence saying what went wrong and what to do next, an <see cref="ExitCode"/>,
/// and a stable machine code for <c>--json</c> error documents. Commands throw it (or let a library exception through,
/// which <see cref="ErrorTranslator"/> turns into one).
/// </summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="exitCode">The documented exit code.</param>
    /// <param name="code">A stable kebab-case identifier for scripts, for example <c>keystore-not-found</c>.</param>
    /// <param name="message">One sentence: the problem, then the next step (for example "…; run `tcr wallet list`.").</param>
    /// <param name="innerException">The library exception behind it, if any.</param>
    public CliException(ExitCode exitCode, string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        ExitCode = exitCode;
        Code = code;
    }

    /// <summary>The documented exit code.</summary>
    public ExitCode ExitCode { get; }

    /// <summary>A stable kebab-case identifier of the failure, written in <c>--json</c> error documents.</summary>
    public string Code { get; }

    /// <summary>A malformed command line or value (<see cref="ExitCode.Usage"/>).</summary>
    public static CliException Usage(string code, string message, Exception? inner = null) => new(ExitCode.Usage, code, message, inner);

    /// <summary>A configuration that cannot be resolved (<see cref="ExitCode.Configuration"/>).</summary>
    public static CliException Configuration(string code, string message, Exception? inner = null) =>
        new(ExitCode.Configuration, code, message, inner);

    /// <summary>A key that cannot be had (<see cref="ExitCode.Wallet"/>).</summary>
    public static CliException Wallet(string code, string message, Exception? inner = null) => new(ExitCode.Wallet, code, message, inner);

    /// <summary>An action a local check or a simulation refuses (<see cref="ExitCode.PreflightRefused"/>).</summary>
    public static CliException Refused(string code, string message, Exception? inner = null) =>
        new(ExitCode.PreflightRefused, code, message, inner);
}
