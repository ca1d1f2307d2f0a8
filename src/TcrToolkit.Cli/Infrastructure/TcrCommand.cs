using System.CommandLine;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>One usage example shown under "Examples:" in <c>--help</c>.</summary>
/// <param name="CommandLine">The command line, starting with <c>tcr</c>.</param>
/// <param name="Explanation">What it does, in a few words.</param>
public sealed record Example(string CommandLine, string Explanation);

/// <summary>
/// A <c>tcr &lt;noun&gt; &lt;verb&gt;</c> command. To add one: write <c>Commands/&lt;Noun&gt;/&lt;Verb&gt;Command.cs</c>
/// deriving from this class, declare its arguments and options as fields (with the factories in
/// <see cref="Arguments.CliArgs"/> for addresses, node ids and amounts), add them in <see cref="Configure"/>, and list
/// the command in <see cref="CommandCatalog"/>. The infrastructure supplies help with examples, the global options,
/// <c>--json</c>, error reporting with documented exit codes, network and account resolution.
/// </summary>
/// <remarks>
/// <see cref="ExecuteAsync"/> reads its values from <see cref="CommandContext.Parse"/>, does its work through the
/// service layer (no business logic here), writes exactly one result with <see cref="Output.CommandOutput.Result{T}"/>,
/// and reports failures by throwing <see cref="CliException"/> (or letting a library exception through:
/// <see cref="ErrorTranslator"/> maps the known ones to exit codes).
/// </remarks>
public abstract class TcrCommand
{
    /// <summary>The noun: <c>wallet</c>, <c>listing</c>, <c>vote</c>… Commands sharing a noun are grouped under it.</summary>
    public abstract string Noun { get; }

    /// <summary>The verb: <c>new</c>, <c>apply</c>, <c>commit</c>…; <c>null</c> for a noun-only command such as <c>tcr watch</c>.</summary>
    public abstract string? Verb { get; }

    /// <summary>One line for <c>--help</c>, ending without a full stop.</summary>
    public abstract string Description { get; }

    /// <summary>At least one example; <c>--help</c> shows them all.</summary>
    public abstract IReadOnlyList<Example> Examples { get; }

    /// <summary>
    /// Whether the command sends transactions: it then gets <c>--replace</c> and <c>--queue</c> (<see cref="SendOptions"/>),
    /// and refuses to send while the account has a transaction pending.
    /// </summary>
    public virtual bool SendsTransactions => false;

    /// <summary>
    /// Whether the command serves in the foreground until Ctrl-C (<c>tcr server run</c>, <c>tcr discovery start</c>): the
    /// walks that run every command's example skip these; their own tests start and stop them.
    /// </summary>
    public virtual bool IsForeground => false;

    /// <summary>The full name as typed, for messages: <c>tcr wallet new</c>.</summary>
    public string DisplayName => Verb is null ? $"tcr {Noun}" : $"tcr {Noun} {Verb}";

    /// <summary>Adds the command's own arguments and options (the global ones are already there).</summary>
    /// <param name="command">The System.CommandLine command being built.</param>
    public virtual void Configure(Command command)
    {
    }

    /// <summary>Runs the command. Returning normally means exit code 0.</summary>
    /// <param name="context">Parsed values, output, network and account resolution.</param>
    /// <param name="cancellationToken">Cancelled on Ctrl-C.</param>
    public abstract Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}
