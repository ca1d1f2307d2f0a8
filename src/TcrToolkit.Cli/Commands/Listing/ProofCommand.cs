using System.CommandLine;
using System.Text.Json;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing proof</c>.</summary>
/// <param name="NodeId">The node id of the key that signed.</param>
/// <param name="Applicant">The account the proof lets apply, EIP-55.</param>
/// <param name="Registry">The registry the proof is for.</param>
/// <param name="ChainId">Its chain.</param>
/// <param name="Nonce">The entry's nonce the proof was signed for.</param>
/// <param name="Deadline">The last second at which the registry accepts it (Unix seconds).</param>
/// <param name="File">Where it was written, or null when printed.</param>
/// <param name="Proof">The proof itself, as <c>tcr listing apply --proof</c> reads it.</param>
internal sealed record ListingProofResult(string NodeId, string Applicant, string Registry, ulong ChainId, string Nonce, ulong Deadline, string? File, JsonElement Proof);

/// <summary><c>tcr listing proof</c>: on the mail server's machine, the node key signs its consent to be listed by an applicant.</summary>
internal sealed class ListingProofCommand : TcrCommand
{
    private readonly Option<string?> _nodeKey = NodeKeyFile.Option("The node key file: 64 hex digits (0x optional), like geth's nodekey");

    private readonly Option<Address?> _applicant = CliArgs.AddressOption("--applicant", "The account that will apply and own the listing");

    private readonly Option<TimeSpan?> _validFor = RegistryArgs.Duration("--valid-for", "How long the registry accepts the proof, from the chain's time [default: 1h]");

    private readonly Option<string?> _out = new("--out")
    {
        Description = "Write the proof to this file instead of stdout",
        HelpName = "file",
    };

    public override string Noun => "listing";

    public override string? Verb => "proof";

    public override string Description => "Sign a node proof with the node key, for an applicant to apply with";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing proof --node-key /var/lib/mail/nodekey --applicant 0x7099…79C8 --out proof.json", "Sign on the mail server's machine; carry proof.json to the applicant"),
        new("tcr listing proof --node-key ./nodekey --applicant 0x7099…79C8 --valid-for 30m > proof.json", "A proof accepted for 30 minutes, on stdout"),
    ];

    public override void Configure(Command command)
    {
        _nodeKey.Required = true;
        _applicant.Required = true;
        command.Options.Add(_nodeKey);
        command.Options.Add(_applicant);
        command.Options.Add(_validFor);
        command.Options.Add(_out);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var applicant = context.Parse.GetValue(_applicant)!.Value;
        if (applicant == Address.Zero)
        {
            throw CliException.Usage("applicant-zero", "--applicant is the zero address, which cannot apply; give the applicant's account address.");
        }

        using var nodeKey = NodeKeyFile.Read(context, context.Parse.GetValue(_nodeKey)!);
        var connection = await context.ConnectTcrAsync(cancellationToken).ConfigureAwait(false);
        var proof = await MailServerOperator.CreateNodeProofAsync(connection, nodeKey, applicant, context.Parse.GetValue(_validFor), cancellationToken).ConfigureAwait(false);
        var json = proof.ToJson();

        var file = context.Parse.GetValue(_out);
        string? written = null;
        if (file is not null)
        {
            written = Path.GetFullPath(file, context.Environment.CurrentDirectory);
            try
            {
                await File.WriteAllTextAsync(written, json + "\n", cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage("proof-out-unwritable", $"Cannot write the proof to {file} ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}); check the folder and its permissions.", e);
            }
        }

        using var parsed = JsonDocument.Parse(json);
        var result = new ListingProofResult(
            proof.NodeId.ToString(), proof.Applicant.ToString(), proof.Registry.ToString(), proof.ChainId, proof.Nonce.ToString(),
            RegistryDisplay.Unix(proof.Deadline), written, parsed.RootElement.Clone());
        context.Output.Result(result, CliJsonContext.Default.ListingProofResult, view =>
        {
            if (written is null)
            {
                // Stdout is the proof, unwrapped, so `> proof.json` works; the summary goes to stderr.
                view.Console.Profile.Out.Writer.WriteLine(json);
            }
            else
            {
                view.Line($"Wrote the node proof to {written}");
            }

            context.Output.Note($"Node {result.NodeId} lets {result.Applicant} apply until {RegistryDisplay.Time(proof.Deadline)}; apply with `tcr listing apply --proof FILE` from that account.");
        });
    }
}
