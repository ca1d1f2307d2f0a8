using System.CommandLine;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Cli.Infrastructure;

/// <summary>
/// The options of every command that sends transactions (<see cref="TcrCommand.SendsTransactions"/>). By default a send
/// is refused while the account has a transaction waiting to be mined — typically one sent by a run that was
/// interrupted (Ctrl-C) before its receipt came — so that rerunning a command never sends the same thing twice.
/// </summary>
public static class SendOptions
{
    /// <summary><c>--replace</c>: replace the account's pending transaction (same nonce, higher fees).</summary>
    public static Option<bool> Replace { get; } = new("--replace")
    {
        Description = "If a transaction of this account is still pending (an interrupted run), replace it: same nonce, fees raised so at most one is mined",
    };

    /// <summary><c>--queue</c>: send after the account's pending transaction(s), so both are mined.</summary>
    public static Option<bool> Queue { get; } = new("--queue")
    {
        Description = "If a transaction of this account is still pending, send this one after it anyway (both are mined)",
    };

    /// <summary>Both options, in help order.</summary>
    public static IReadOnlyList<Option> All { get; } = [Replace, Queue];

    /// <summary>What to do about a pending transaction: refuse unless <c>--replace</c> or <c>--queue</c> says otherwise.</summary>
    /// <exception cref="CliException">Both were given (<see cref="ExitCode.Usage"/>).</exception>
    public static PendingTransactionPolicy Policy(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var replace = parse.GetResult(Replace) is { } r && r.GetValueOrDefault<bool>();
        var queue = parse.GetResult(Queue) is { } q && q.GetValueOrDefault<bool>();
        return (replace, queue) switch
        {
            (true, true) => throw CliException.Usage("replace-or-queue", "--replace and --queue exclude each other; give --replace to replace the pending transaction, or --queue to send after it."),
            (true, false) => PendingTransactionPolicy.Replace,
            (false, true) => PendingTransactionPolicy.Queue,
            _ => PendingTransactionPolicy.Refuse,
        };
    }
}
