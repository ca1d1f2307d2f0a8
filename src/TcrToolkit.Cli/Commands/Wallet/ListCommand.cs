using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Output;

namespace TcrToolkit.Cli.Commands.Wallet;

/// <summary>One keystore in <c>tcr wallet list --json</c>.</summary>
/// <param name="Name">Its name (for <c>--account</c>).</param>
/// <param name="Address">Its address field, EIP-55, or <c>null</c> when the file does not say.</param>
/// <param name="File">The file's full path.</param>
/// <param name="Problem">Why the address is unknown (a truncated or unreadable file), or <c>null</c>.</param>
internal sealed record WalletListEntry(string Name, string? Address, string File, string? Problem);

/// <summary>The <c>--json</c> result of <c>tcr wallet list</c>.</summary>
/// <param name="Directory">The keystore directory.</param>
/// <param name="Keystores">Its keystores, by name.</param>
internal sealed record WalletListResult(string Directory, IReadOnlyList<WalletListEntry> Keystores);

/// <summary><c>tcr wallet list</c>: the keystores in the keystore directory, without decrypting any.</summary>
internal sealed class ListCommand : TcrCommand
{
    public override string Noun => "wallet";

    public override string? Verb => "list";

    public override string Description => "List the keystores (name, address, file); no password needed";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr wallet list", "Show the keystores in ~/.tcr/keystore"),
        new("tcr wallet list --json | jq -r '.keystores[].address'", "Print every address, for scripts"),
    ];

    public override Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var keystores = context.Keystores;
        var entries = keystores.List().Select(e => new WalletListEntry(e.Name, e.Address?.ToString(), e.Path, e.Problem)).ToList();
        var result = new WalletListResult(keystores.Path, entries);
        context.Output.Result(result, CliJsonContext.Default.WalletListResult, view =>
        {
            if (entries.Count == 0)
            {
                view.Line($"No keystores in {keystores.Path}; create one with `tcr wallet new NAME` or `tcr wallet import NAME`.");
                return;
            }

            view.Table(["Name", "Address", "File"], entries.Select(e => (IReadOnlyList<string>)[e.Name, e.Address ?? $"(unknown: {e.Problem})", e.File]));
        });
        return Task.CompletedTask;
    }
}
