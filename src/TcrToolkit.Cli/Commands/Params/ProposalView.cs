using System.Globalization;
using TcrToolkit.Cli.Infrastructure.Output;
using TcrToolkit.Ethereum;
using TcrToolkit.Governance;

namespace TcrToolkit.Cli.Commands.Params;

/// <summary>Turns a <see cref="ProposalState"/> into its <c>--json</c> row and its human rendering.</summary>
internal static class ProposalView
{
    public static ProposalRow Row(ProposalState proposal) => new(
        proposal.ProposalId,
        proposal.Parameter.Key,
        proposal.Value.ToString(),
        proposal.Parameter.Describe(proposal.Value),
        proposal.Status.ToString().ToLowerInvariant(),
        proposal.Proposer.ToString(),
        proposal.Deposit.ToString(),
        EthUnits.FormatEther(proposal.Deposit),
        HumanTime.Unix(proposal.ChallengeEnd),
        HumanTime.Unix(proposal.ProcessBy),
        proposal.PollId,
        proposal.Challenge is { } c ? HumanTime.Unix(c.CommitEnd) : null,
        proposal.Challenge is { } r ? HumanTime.Unix(r.RevealEnd) : null);

    /// <summary>Label and value pairs for <c>view.Properties</c>.</summary>
    public static IEnumerable<(string Label, string Value)> Properties(ProposalRow row)
    {
        yield return ("Proposal", row.ProposalId.ToString(CultureInfo.InvariantCulture));
        yield return ("Parameter", row.Key);
        yield return ("Value", row.Formatted);
        yield return ("Status", row.Status);
        yield return ("Proposer", row.Proposer);
        yield return ("Deposit", row.DepositFormatted + " tokens");
        yield return ("Challengeable until", HumanTime.Format(row.ChallengeEnd));
        yield return ("Process by", HumanTime.Format(row.ProcessBy));
        if (row.PollId != 0)
        {
            yield return ("Poll", row.PollId.ToString(CultureInfo.InvariantCulture));
            yield return ("Commit until", HumanTime.Format(row.CommitEnd!.Value));
            yield return ("Reveal until", HumanTime.Format(row.RevealEnd!.Value));
        }
    }

    /// <summary>The next deadline of a proposal, for the proposals table.</summary>
    public static string Deadline(ProposalRow row) => row.Status switch
    {
        "pending" => $"challengeable until {HumanTime.Format(row.ChallengeEnd)}, process by {HumanTime.Format(row.ProcessBy)}",
        "challenged" => $"poll {row.PollId}: commit until {HumanTime.Format(row.CommitEnd!.Value)}, reveal until {HumanTime.Format(row.RevealEnd!.Value)}",
        _ => "-",
    };
}
