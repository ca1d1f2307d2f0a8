using TcrToolkit.Ethereum;

using static TcrToolkit.Registry.Formatting;
using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>
/// The registry's rules, checked before a transaction is sent: each method mirrors the guards of one contract function
/// (<c>MailServerRegistry.sol</c>) in the same order, and says in one sentence what is wrong and what to do. An
/// allowed verdict is not a promise — the state may change before the transaction is mined — but a blocked one saves
/// a reverted transaction.
/// </summary>
/// <remarks>Times are compared with <c>now</c>, the latest block's timestamp; token amounts are shown with 18 decimals.</remarks>
public static class RegistryRules
{
    /// <summary>Deposits are stored in 96 bits.</summary>
    public static readonly UInt256 MaxDeposit = new(0, 0, 0xFFFFFFFFUL, ulong.MaxValue);

    /// <summary><c>applyListing</c> with <paramref name="amount"/> and a proof valid until <paramref name="proofDeadline"/>, by an account with <paramref name="funds"/>.</summary>
    public static ActionCheck CanApply(
        ListingState listing, RegistryParameters parameters, UInt256 amount, DateTimeOffset proofDeadline, Funds funds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(parameters);
        if (listing.Stage != MailServerRegistry.Stage.Absent)
        {
            return ActionCheck.WrongState($"node {Short(listing.NodeId)} is already {Describe(listing.Stage)} (owner {listing.Owner}); a node can be in the registry only once.");
        }

        if (amount < parameters.MinDeposit)
        {
            return ActionCheck.BadRequest($"the deposit {Tokens(amount)} is below the minimum deposit {Tokens(parameters.MinDeposit)}; deposit at least that.");
        }

        if (amount > MaxDeposit)
        {
            return ActionCheck.BadRequest($"the deposit {Tokens(amount)} exceeds what the registry can hold per entry ({Tokens(MaxDeposit)}); deposit less.");
        }

        if (now > proofDeadline)
        {
            return ActionCheck.BadRequest($"the node-key proof expired at {Time(proofDeadline)}; have the node key sign a new proof with a later deadline.");
        }

        return CheckFunds(amount, funds, "the deposit");
    }

    /// <summary><c>deposit</c> of <paramref name="amount"/> by <paramref name="account"/>.</summary>
    public static ActionCheck CanDeposit(ListingState listing, Address account, UInt256 amount, Funds funds)
    {
        var owner = CheckOwner(listing, account);
        if (!owner.IsAllowed)
        {
            return owner;
        }

        // amount is compared first: MaxDeposit - amount would underflow for an amount above it.
        if (amount.IsZero || amount > MaxDeposit || listing.Deposit > MaxDeposit - amount)
        {
            return ActionCheck.BadRequest(amount.IsZero
                ? "the amount is zero; deposit a positive amount."
                : $"the deposit would exceed what the registry can hold per entry ({Tokens(MaxDeposit)}); deposit less.");
        }

        return CheckFunds(amount, funds, "the deposit");
    }

    /// <summary><c>withdraw</c> of <paramref name="amount"/> by <paramref name="account"/>; <paramref name="openChallenge"/> is the entry's open challenge, if any.</summary>
    public static ActionCheck CanWithdraw(
        ListingState listing, ChallengeState? openChallenge, RegistryParameters parameters, Address account, UInt256 amount)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var owner = CheckOwner(listing, account);
        if (!owner.IsAllowed)
        {
            return owner;
        }

        if (amount.IsZero)
        {
            return ActionCheck.BadRequest("the amount is zero; withdraw a positive amount.");
        }

        var available = Withdrawable(listing, openChallenge, parameters);
        if (amount > available)
        {
            return ActionCheck.BadRequest(
                $"only {Tokens(available)} can be withdrawn: the deposit {Tokens(listing.Deposit)} must keep the minimum deposit {Tokens(parameters.MinDeposit)}" +
                (listing.ChallengeId != 0 ? " and the stake of the open challenge" : "") + "; withdraw at most that.");
        }

        return ActionCheck.Allowed;
    }

    /// <summary>What the owner can withdraw now: the deposit less the larger of the minimum deposit and any open stake.</summary>
    public static UInt256 Withdrawable(ListingState listing, ChallengeState? openChallenge, RegistryParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(parameters);
        var floor = parameters.MinDeposit;
        if (listing.ChallengeId != 0 && openChallenge is { Status: MailServerRegistry.ChallengeStatus.Open } c && c.Amount > floor)
        {
            floor = c.Amount;
        }

        return listing.Deposit > floor ? listing.Deposit - floor : default;
    }

    /// <summary><c>challenge</c> by an account with <paramref name="funds"/>.</summary>
    public static ActionCheck CanChallenge(ListingState listing, RegistryParameters parameters, Funds funds)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(parameters);
        if (listing.Stage == MailServerRegistry.Stage.Absent)
        {
            return ActionCheck.WrongState($"node {Short(listing.NodeId)} is not in the registry; there is nothing to challenge.");
        }

        if (listing.ChallengeId != 0)
        {
            return ActionCheck.WrongState($"node {Short(listing.NodeId)} is already challenged (challenge {listing.ChallengeId}); vote in that challenge instead.");
        }

        if (listing.Deposit < parameters.MinDeposit)
        {
            return ActionCheck.AllowedWith(
                $"the entry's deposit {Tokens(listing.Deposit)} is below the minimum deposit {Tokens(parameters.MinDeposit)}, so the challenge removes it at once (touch-and-remove) and takes no stake; nothing else is needed.");
        }

        return CheckFunds(parameters.MinDeposit, funds, "the challenge stake");
    }

    /// <summary><c>updateStatus</c>: list an application whose stage ended, or resolve an ended vote.</summary>
    public static ActionCheck CanUpdateStatus(ListingState listing, ChallengeState? openChallenge, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (listing.ChallengeId != 0)
        {
            if (openChallenge is null)
            {
                throw new ArgumentException($"Listing {listing.NodeId} has challenge {listing.ChallengeId} open: pass its state.", nameof(openChallenge));
            }

            return now >= openChallenge.RevealEnd
                ? ActionCheck.Allowed
                : ActionCheck.NotYet($"the vote on challenge {listing.ChallengeId} ends at {Time(openChallenge.RevealEnd)}; resolve it after that.", openChallenge.RevealEnd);
        }

        if (listing.Stage == MailServerRegistry.Stage.Applied)
        {
            return now >= listing.ApplicationEnd
                ? ActionCheck.Allowed
                : ActionCheck.NotYet($"the application stage ends at {Time(listing.ApplicationEnd)}; it can be listed after that.", listing.ApplicationEnd);
        }

        return ActionCheck.WrongState($"node {Short(listing.NodeId)} is {Describe(listing.Stage)} with no open challenge; there is nothing to update.");
    }

    /// <summary><c>initExit</c> by <paramref name="account"/>.</summary>
    public static ActionCheck CanInitExit(ListingState listing, Address account, DateTimeOffset now)
    {
        var owner = CheckOwner(listing, account);
        if (!owner.IsAllowed)
        {
            return owner;
        }

        var restartable = listing.Stage == MailServerRegistry.Stage.Exiting && now > listing.ExitEnd;
        if (listing.Stage != MailServerRegistry.Stage.Listed && !restartable)
        {
            return listing.Stage == MailServerRegistry.Stage.Exiting
                ? ActionCheck.WrongState($"an exit is already under way; finalize it between {Time(listing.ExitStart)} and {Time(listing.ExitEnd)}.")
                : ActionCheck.WrongState($"node {Short(listing.NodeId)} is {Describe(listing.Stage)}; only a listed entry can exit (an application can withdraw down to nothing once removed).");
        }

        return listing.ChallengeId != 0
            ? ActionCheck.WrongState($"challenge {listing.ChallengeId} is open; start the exit after it is resolved.")
            : ActionCheck.Allowed;
    }

    /// <summary><c>finalizeExit</c> by <paramref name="account"/>.</summary>
    public static ActionCheck CanFinalizeExit(ListingState listing, Address account, DateTimeOffset now)
    {
        var owner = CheckOwner(listing, account);
        if (!owner.IsAllowed)
        {
            return owner;
        }

        if (listing.Stage != MailServerRegistry.Stage.Exiting)
        {
            return ActionCheck.WrongState($"node {Short(listing.NodeId)} is {Describe(listing.Stage)}, not exiting; start with initExit.");
        }

        if (listing.ChallengeId != 0)
        {
            return ActionCheck.WrongState($"challenge {listing.ChallengeId} is open; the exit can be finalized once it is resolved and the entry survives.");
        }

        if (now < listing.ExitStart)
        {
            return ActionCheck.NotYet($"the exit window opens at {Time(listing.ExitStart)}; finalize the exit after that (and before {Time(listing.ExitEnd)}).", listing.ExitStart);
        }

        return now > listing.ExitEnd
            ? ActionCheck.WrongState($"the exit window closed at {Time(listing.ExitEnd)}; start a new exit with initExit.")
            : ActionCheck.Allowed;
    }

    private static ActionCheck CheckOwner(ListingState listing, Address account)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (listing.Stage == MailServerRegistry.Stage.Absent)
        {
            return ActionCheck.WrongState($"node {Short(listing.NodeId)} is not in the registry; check the node id (`tcr listing list` shows the entries).");
        }

        return listing.Owner != account
            ? ActionCheck.WrongState($"node {Short(listing.NodeId)} belongs to {listing.Owner}, not {account}; use the owner's account.")
            : ActionCheck.Allowed;
    }

    private static ActionCheck CheckFunds(UInt256 amount, Funds funds, string what)
    {
        if (funds.Balance < amount)
        {
            return ActionCheck.NeedsFunds($"{what} is {Tokens(amount)} but the account holds {Tokens(funds.Balance)}; get {Tokens(amount - funds.Balance)} more.");
        }

        return funds.Allowance < amount
            ? ActionCheck.NeedsFunds($"{what} is {Tokens(amount)} but the registry may take only {Tokens(funds.Allowance)}; approve at least {Tokens(amount)} (or use a permit).")
            : ActionCheck.Allowed;
    }

    private static string Describe(MailServerRegistry.Stage stage) => stage switch
    {
        MailServerRegistry.Stage.Applied => "an application",
        MailServerRegistry.Stage.Listed => "listed",
        MailServerRegistry.Stage.Exiting => "exiting",
        _ => "absent",
    };
}
