using System.CommandLine;
using System.Text;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Arguments;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Cli.Commands.Listing;

/// <summary>The <c>--json</c> result of <c>tcr listing apply</c>.</summary>
/// <param name="NodeId">The applied node id.</param>
/// <param name="Owner">The applicant, now the entry's owner.</param>
/// <param name="Deposit">The deposit taken, in base units.</param>
/// <param name="DepositFormatted">The deposit in whole tokens.</param>
/// <param name="ApplicationEnd">When the entry can be listed if nobody challenges it (Unix seconds).</param>
/// <param name="TransactionHash">The application's transaction.</param>
/// <param name="BlockNumber">Its block.</param>
internal sealed record ListingApplyResult(string NodeId, string Owner, string Deposit, string DepositFormatted, ulong ApplicationEnd, string TransactionHash, ulong BlockNumber);

/// <summary><c>tcr listing apply</c>: apply for a listing with the node key, or with a proof it signed elsewhere.</summary>
internal sealed class ListingApplyCommand : TcrCommand
{
    private readonly Option<string?> _nodeKey = NodeKeyFile.Option("Sign the node proof here with this node key file (64 hex digits, 0x optional)");

    private readonly Option<string?> _proof = new("--proof")
    {
        Description = "Apply with a proof the node key signed elsewhere (`tcr listing proof`)",
        HelpName = "file",
    };

    private readonly Option<UInt256?> _deposit = RegistryArgs.TokenAmountOption("--deposit", "The deposit in whole tokens [default: the minimum deposit]");

    private readonly Option<bool> _permit = new("--permit")
    {
        Description = "Let the registry take the deposit with a signed EIP-2612 permit (one transaction) instead of an approve",
    };

    private readonly Option<string?> _data = new("--data")
    {
        Description = "Text published with the application (for example the node's ENR); not stored",
        HelpName = "text",
    };

    public override string Noun => "listing";

    public override string? Verb => "apply";

    public override bool SendsTransactions => true;

    public override string Description => "Apply for a listing with a deposit; listed when the application stage ends unchallenged";

    public override IReadOnlyList<Example> Examples { get; } =
    [
        new("tcr listing apply --node-key ./nodekey --account alice", "Apply with the minimum deposit, signing the proof here"),
        new("tcr listing apply --proof proof.json --deposit 250 --permit --account alice", "Apply with a proof from the node's machine, 250 tokens, by permit"),
    ];

    public override void Configure(Command command)
    {
        command.Options.Add(_nodeKey);
        command.Options.Add(_proof);
        command.Options.Add(_deposit);
        command.Options.Add(_permit);
        command.Options.Add(_data);
    }

    public override async Task ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var keyFile = context.Parse.GetValue(_nodeKey);
        var proofFile = context.Parse.GetValue(_proof);
        if ((keyFile is null) == (proofFile is null))
        {
            throw CliException.Usage("apply-source", "Give exactly one of --node-key FILE (sign the proof here) or --proof FILE (a proof signed on the node's machine); run `tcr listing apply --help`.");
        }

        // Local files first: a bad file fails before any password or node is asked for.
        using var nodeKey = keyFile is null ? null : NodeKeyFile.Read(context, keyFile);
        var proof = proofFile is null ? null : NodeKeyFile.ReadProof(context, proofFile);
        var data = context.Parse.GetValue(_data) is { } text ? Encoding.UTF8.GetBytes(text) : null;
        var funding = context.Parse.GetValue(_permit) ? TokenFunding.Permit : TokenFunding.Approve;

        var account = await context.SigningAccountAsync(cancellationToken).ConfigureAwait(false);
        var deposit = context.Parse.GetValue(_deposit)
            ?? (await new RegistryReader(account.Connection).GetParametersAsync(cancellationToken).ConfigureAwait(false)).MinDeposit;
        var applicant = new MailServerOperator(account);
        var applied = nodeKey is not null
            ? await applicant.ApplyAsync(nodeKey, deposit, funding, data, cancellationToken).ConfigureAwait(false)
            : await applicant.ApplyAsync(proof!, deposit, funding, data, cancellationToken).ConfigureAwait(false);

        var result = new ListingApplyResult(
            applied.NodeId.ToString(),
            account.Address.ToString(),
            RegistryDisplay.Units(applied.Deposit),
            RegistryDisplay.Formatted(applied.Deposit),
            RegistryDisplay.Unix(applied.ApplicationEnd),
            applied.Receipt.TransactionHash.ToString(),
            applied.Receipt.BlockNumber);
        context.Output.Result(result, CliJsonContext.Default.ListingApplyResult, view => view.Properties(
            ("Node id", result.NodeId),
            ("Owner", result.Owner),
            ("Deposit", RegistryDisplay.Tokens(applied.Deposit)),
            ("Application end", $"{RegistryDisplay.Time(applied.ApplicationEnd)} (then `tcr challenge resolve {result.NodeId}` lists it)"),
            ("Transaction", result.TransactionHash)));
    }
}
