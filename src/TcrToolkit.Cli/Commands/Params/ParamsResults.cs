namespace TcrToolkit.Cli.Commands.Params;

/// <summary>One parameter in <c>tcr params show</c>.</summary>
/// <param name="Key">The key <c>tcr params propose</c> takes, for example minDeposit.</param>
/// <param name="Index">Its on-chain index.</param>
/// <param name="Scope">registry (the registry's rules) or governor (the rules of proposals and their challenges).</param>
/// <param name="Unit">tokens (base units, 18 decimals), seconds or percent.</param>
/// <param name="Value">The current value in the base unit, as a decimal string.</param>
/// <param name="Formatted">The value for people ("250 tokens", "600 s (00:10:00)", "50%").</param>
/// <param name="Min">The lowest value a proposal may set, base unit.</param>
/// <param name="Max">The highest value a proposal may set, base unit.</param>
/// <param name="MinFormatted">The lowest, for people.</param>
/// <param name="MaxFormatted">The highest, for people.</param>
internal sealed record ParameterRow(
    string Key, int Index, string Scope, string Unit, string Value, string Formatted, string Min, string Max, string MinFormatted, string MaxFormatted);

/// <summary>A parameter proposal, in <c>tcr params show --proposals</c> and the results of the proposal commands.</summary>
/// <param name="ProposalId">The proposal id.</param>
/// <param name="Key">The parameter it changes.</param>
/// <param name="Value">The proposed value in the base unit, as a decimal string.</param>
/// <param name="Formatted">The proposed value for people.</param>
/// <param name="Status">pending, challenged, applied, rejected or expired.</param>
/// <param name="Proposer">The proposer, EIP-55.</param>
/// <param name="Deposit">The proposer's deposit (also the stake to challenge it), base units.</param>
/// <param name="DepositFormatted">The deposit in whole tokens.</param>
/// <param name="ChallengeEnd">The end of its challenge stage (Unix seconds); process it after that.</param>
/// <param name="ProcessBy">Processing later than this (Unix seconds) lets it expire instead of taking effect.</param>
/// <param name="PollId">The poll of its challenge (vote with <c>tcr vote commit --proposal</c>); 0 when not challenged.</param>
/// <param name="CommitEnd">When the challenge's commit stage ends (Unix seconds); null when not challenged.</param>
/// <param name="RevealEnd">When its reveal stage ends (Unix seconds); null when not challenged.</param>
internal sealed record ProposalRow(
    ulong ProposalId, string Key, string Value, string Formatted, string Status, string Proposer, string Deposit, string DepositFormatted,
    ulong ChallengeEnd, ulong ProcessBy, ulong PollId, ulong? CommitEnd, ulong? RevealEnd);

/// <summary>The <c>--json</c> result of <c>tcr params show</c>.</summary>
/// <param name="Parameters">Every parameter, by index: the registry's, then the governor's own.</param>
/// <param name="Proposals">With <c>--proposals</c>, every proposal, oldest first; otherwise null.</param>
internal sealed record ParamsShowResult(IReadOnlyList<ParameterRow> Parameters, IReadOnlyList<ProposalRow>? Proposals);

/// <summary>The <c>--json</c> result of <c>tcr params propose</c>, <c>challenge</c> and <c>process</c>: the proposal afterwards.</summary>
/// <param name="Proposal">The proposal.</param>
/// <param name="TransactionHash">The command's own transaction: the proposal, challenge or process (not an approval sent before it).</param>
internal sealed record ParamsProposalResult(ProposalRow Proposal, string? TransactionHash);

/// <summary>The <c>--json</c> result of <c>tcr params claim</c>.</summary>
/// <param name="ProposalId">The proposal whose challenge paid.</param>
/// <param name="Voter">The claiming account, EIP-55.</param>
/// <param name="Amount">The reward paid, base units.</param>
/// <param name="Formatted">The reward in whole tokens.</param>
/// <param name="TransactionHash">The claim transaction.</param>
internal sealed record ParamsClaimResult(ulong ProposalId, string Voter, string Amount, string Formatted, string TransactionHash);
