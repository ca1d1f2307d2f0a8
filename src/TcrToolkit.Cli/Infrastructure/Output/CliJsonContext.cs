using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using TcrToolkit.Cli.Commands.Challenge;
using TcrToolkit.Cli.Commands.Deploy;
using TcrToolkit.Cli.Commands.Devnet;
using TcrToolkit.Cli.Commands.Listing;
using TcrToolkit.Cli.Commands.Token;
using TcrToolkit.Cli.Commands.Wallet;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>
/// The <c>--json</c> schemas: one result type per command, serialised by source generation (no reflection at run time,
/// nothing loaded unless <c>--json</c> is given). Property names are camelCase; addresses and hashes are 0x strings;
/// token amounts are decimal strings of base units (exact beyond 2^53) with a formatted companion. Add a command's
/// result type here; change a schema only by adding properties.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WalletResult))]
[JsonSerializable(typeof(WalletListResult))]
[JsonSerializable(typeof(WalletAddressResult))]
[JsonSerializable(typeof(TokenBalanceResult))]
[JsonSerializable(typeof(ListingShowResult))]
[JsonSerializable(typeof(DevnetAdvanceResult))]
[JsonSerializable(typeof(DevnetFundReport))]
[JsonSerializable(typeof(Commands.Vote.VoteCommitResult))]
[JsonSerializable(typeof(Commands.Vote.VoteRevealResult))]
[JsonSerializable(typeof(Commands.Vote.VoteStatusResult))]
[JsonSerializable(typeof(Commands.Vote.VoteSetupResult))]
[JsonSerializable(typeof(Commands.Params.ParamsShowResult))]
[JsonSerializable(typeof(Commands.Params.ParamsProposalResult))]
[JsonSerializable(typeof(Commands.Params.ParamsClaimResult))]
[JsonSerializable(typeof(Commands.Watch.WatchEventLine))]
[JsonSerializable(typeof(ListingProofResult))]
[JsonSerializable(typeof(ListingApplyResult))]
[JsonSerializable(typeof(ListingFundsResult))]
[JsonSerializable(typeof(ListingExitResult))]
[JsonSerializable(typeof(ListingListResult))]
[JsonSerializable(typeof(ListingStatusEntry[]))]
[JsonSerializable(typeof(ChallengeOpenResult))]
[JsonSerializable(typeof(ChallengeResolveResult))]
[JsonSerializable(typeof(ChallengeClaimResult))]
[JsonSerializable(typeof(ChallengeShowResult))]
[JsonSerializable(typeof(TokenMoveResult))]
[JsonSerializable(typeof(TokenDelegateResult))]
[JsonSerializable(typeof(DevnetUpReport))]
[JsonSerializable(typeof(DevnetStatusReport))]
[JsonSerializable(typeof(DevnetDownReport))]
[JsonSerializable(typeof(DeployPlanReport))]
[JsonSerializable(typeof(DeployReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>The context with the options above and a relaxed encoder: JSON for terminals and scripts, not HTML.</summary>
    public static CliJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
