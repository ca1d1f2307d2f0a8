using TcrToolkit.Generated;

namespace TcrToolkit.Registry;

/// <summary>The one trust rule of the registry, on the generated <see cref="MailServerRegistry.Stage"/>.</summary>
public static class StageRules
{
    /// <summary>Whether clients trust an entry at <paramref name="stage"/>: listed, or exiting (still listed until it exits).</summary>
    public static bool IsTrusted(this MailServerRegistry.Stage stage) =>
        stage is MailServerRegistry.Stage.Listed or MailServerRegistry.Stage.Exiting;
}
