namespace TcrToolkit.Cli.Commands.Vote;

/// <summary>The <c>--json</c> result of <c>tcr vote commit</c>.</summary>
/// <param name="PollId">The poll voted in.</param>
/// <param name="ProposalId">The parameter proposal whose challenge the poll decides, when given with <c>--proposal</c>; otherwise null.</param>
/// <param name="Voter">The voting account, EIP-55.</param>
/// <param name="Option">uphold or reject.</param>
/// <param name="Commitment">The commitment sent (0x and 64 hex digits).</param>
/// <param name="TransactionHash">The commit transaction.</param>
/// <param name="CommitEnd">When the reveal stage opens (Unix seconds).</param>
/// <param name="RevealEnd">When it closes (Unix seconds); an unrevealed vote does not count.</param>
/// <param name="SaltVault">The vault file holding the salt: the vote can be revealed only with it.</param>
internal sealed record VoteCommitResult(
    ulong PollId, ulong? ProposalId, string Voter, string Option, string Commitment, string TransactionHash, ulong CommitEnd, ulong RevealEnd, string SaltVault);

/// <summary>One vote <c>tcr vote reveal</c> revealed.</summary>
/// <param name="PollId">The poll.</param>
/// <param name="Option">uphold or reject.</param>
/// <param name="TransactionHash">The reveal transaction.</param>
internal sealed record RevealedVote(ulong PollId, string Option, string TransactionHash);

/// <summary>A pending vote <c>tcr vote reveal --all</c> left alone.</summary>
/// <param name="PollId">The poll.</param>
/// <param name="Reason">Why it cannot be revealed now.</param>
/// <param name="AvailableAt">When it can be (Unix seconds), if waiting is all it takes; otherwise null.</param>
internal sealed record SkippedReveal(ulong PollId, string Reason, ulong? AvailableAt);

/// <summary>The <c>--json</c> result of <c>tcr vote reveal</c>.</summary>
/// <param name="Voter">The voting account, EIP-55.</param>
/// <param name="Revealed">The votes revealed, in poll order.</param>
/// <param name="Skipped">With <c>--all</c>: pending votes not revealable now, with the reason; otherwise empty.</param>
internal sealed record VoteRevealResult(string Voter, IReadOnlyList<RevealedVote> Revealed, IReadOnlyList<SkippedReveal> Skipped);

/// <summary>A committed, unrevealed vote, as <c>tcr vote status</c> lists it.</summary>
/// <param name="PollId">The poll.</param>
/// <param name="Option">uphold or reject.</param>
/// <param name="Commitment">The commitment on chain.</param>
/// <param name="CommitEnd">When the reveal stage opens (Unix seconds).</param>
/// <param name="RevealEnd">When it closes (Unix seconds).</param>
/// <param name="RevealableNow">Whether <c>tcr vote reveal</c> would reveal it now.</param>
/// <param name="Reason">Why not, when not; otherwise null.</param>
/// <param name="AvailableAt">When it becomes revealable (Unix seconds), if waiting is all it takes; otherwise null.</param>
internal sealed record PendingRevealItem(
    ulong PollId, string Option, string Commitment, ulong CommitEnd, ulong RevealEnd, bool RevealableNow, string? Reason, ulong? AvailableAt);

/// <summary>The <c>--json</c> result of <c>tcr vote status</c>.</summary>
/// <param name="Voter">The account, EIP-55.</param>
/// <param name="Balance">Tokens held, base units.</param>
/// <param name="BalanceFormatted">Tokens held, whole tokens.</param>
/// <param name="Votes">Votes it can cast in polls that start now, base units.</param>
/// <param name="VotesFormatted">The same in whole tokens.</param>
/// <param name="Delegate">Whom its tokens' votes go to, EIP-55 (the zero address when to nobody).</param>
/// <param name="SelfDelegated">Whether they go to the account itself; when false, run <c>tcr vote setup</c>.</param>
/// <param name="SaltVault">The vault file the pending votes were read from.</param>
/// <param name="Pending">Committed votes to reveal, oldest first.</param>
internal sealed record VoteStatusResult(
    string Voter, string Balance, string BalanceFormatted, string Votes, string VotesFormatted, string Delegate, bool SelfDelegated, string SaltVault,
    IReadOnlyList<PendingRevealItem> Pending);

/// <summary>The <c>--json</c> result of <c>tcr vote setup</c>.</summary>
/// <param name="Voter">The account, EIP-55.</param>
/// <param name="Changed">Whether a delegation was sent (false: it was already set up).</param>
/// <param name="TransactionHash">The delegation transaction, or null.</param>
/// <param name="Votes">Votes the account holds now, base units.</param>
/// <param name="VotesFormatted">The same in whole tokens.</param>
internal sealed record VoteSetupResult(string Voter, bool Changed, string? TransactionHash, string Votes, string VotesFormatted);
