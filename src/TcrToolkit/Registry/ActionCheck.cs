namespace TcrToolkit.Registry;

/// <summary>Why an action cannot be sent now, grouped by what the caller can do about it.</summary>
public enum Blocker
{
    /// <summary>Nothing: the action is possible.</summary>
    None = 0,

    /// <summary>Possible later, without doing anything else: wait until <see cref="ActionCheck.AvailableAt"/>.</summary>
    NotYet,

    /// <summary>Needs more tokens or a larger allowance first.</summary>
    Funds,

    /// <summary>The request itself is wrong (an amount, a deadline, a proof): change it.</summary>
    Request,

    /// <summary>Not possible in the entry's current state, or not by this account.</summary>
    State,
}

/// <summary>The verdict of a pre-flight check: allowed, or why not and what to do.</summary>
/// <param name="Blocker">What kind of obstacle there is, if any.</param>
/// <param name="Reason">One sentence saying what is wrong and what to do; null when allowed.</param>
/// <param name="AvailableAt">For <see cref="Blocker.NotYet"/>, when the action becomes possible.</param>
/// <param name="Note">For an allowed action, what it will do that the caller may not expect; otherwise null.</param>
public sealed record ActionCheck(Blocker Blocker, string? Reason, DateTimeOffset? AvailableAt = null, string? Note = null)
{
    /// <summary>The action is possible.</summary>
    public static ActionCheck Allowed { get; } = new(Blocker.None, null);

    /// <summary>Whether the action is possible now.</summary>
    public bool IsAllowed => Blocker == Blocker.None;

    internal static ActionCheck AllowedWith(string note) => new(Blocker.None, null, null, note);

    internal static ActionCheck NotYet(string reason, DateTimeOffset at) => new(Blocker.NotYet, reason, at);

    internal static ActionCheck NeedsFunds(string reason) => new(Blocker.Funds, reason);

    internal static ActionCheck BadRequest(string reason) => new(Blocker.Request, reason);

    internal static ActionCheck WrongState(string reason) => new(Blocker.State, reason);

    /// <summary>Throws the matching <see cref="PreflightException"/> unless the action is allowed.</summary>
    public void ThrowIfBlocked(string action)
    {
        switch (Blocker)
        {
            case Blocker.None:
                return;
            case Blocker.NotYet:
                throw new ActionNotYetPossibleException(action, Reason!, AvailableAt!.Value);
            case Blocker.Funds:
                throw new InsufficientFundsException(action, Reason!);
            case Blocker.Request:
                throw new InvalidRequestException(action, Reason!);
            default:
                throw new ActionNotAllowedException(action, Reason!);
        }
    }
}

/// <summary>A transaction was not sent because it would revert; the message says why and what to do.</summary>
public abstract class PreflightException : TcrToolkitException
{
    private protected PreflightException(string action, string reason)
        : base($"{action} was not sent: {reason}")
    {
        Action = action;
        Reason = reason;
    }

    /// <summary>The action that was refused, for example "apply".</summary>
    public string Action { get; }

    /// <summary>What is wrong and what to do.</summary>
    public string Reason { get; }
}

/// <summary>The action becomes possible at <see cref="AvailableAt"/>; retry then.</summary>
public sealed class ActionNotYetPossibleException(string action, string reason, DateTimeOffset availableAt)
    : PreflightException(action, reason)
{
    /// <summary>When the action becomes possible.</summary>
    public DateTimeOffset AvailableAt { get; } = availableAt;
}

/// <summary>The account lacks tokens or allowance; get tokens or approve, then retry.</summary>
public sealed class InsufficientFundsException(string action, string reason) : PreflightException(action, reason);

/// <summary>The request is wrong (amount, deadline, proof); change it.</summary>
public sealed class InvalidRequestException(string action, string reason) : PreflightException(action, reason);

/// <summary>The action is not possible in the entry's current state or for this account.</summary>
public sealed class ActionNotAllowedException(string action, string reason) : PreflightException(action, reason);
