using System.Reflection;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Events;

/// <summary>
/// The <c>MailServerRegistry</c> ABI, embedded from the Hardhat artifact, and the pieces event streams need from it:
/// the events clients follow and the log filter that selects them.
/// </summary>
public static class RegistryAbi
{
    private const string ResourceName = "TcrToolkit.Events.MailServerRegistry.abi.json";

    private static readonly Lazy<ContractAbi> LazyAbi = new(() => ContractAbi.Parse(Json));

    private static readonly Lazy<string> LazyJson = new(() =>
    {
        using var stream = typeof(RegistryAbi).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(RegistryAbi).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The ABI JSON array as embedded.</summary>
    public static string Json => LazyJson.Value;

    /// <summary>The parsed ABI.</summary>
    public static ContractAbi Abi => LazyAbi.Value;

    /// <summary>The events of <see cref="RegistryEventKind"/>, in its order.</summary>
    public static IReadOnlyList<AbiEvent> FollowedEvents => LazyFollowed.Value;

    private static readonly Lazy<AbiEvent[]> LazyFollowed = new(() => [.. Enum.GetNames<RegistryEventKind>().Select(Abi.GetEvent)]);

    /// <summary>
    /// A log filter for the registry events clients follow (<see cref="RegistryEventKind"/>) at
    /// <paramref name="registry"/>; add a range for <c>eth_getLogs</c>.
    /// </summary>
    public static LogFilter CreateLogFilter(Address registry) => new()
    {
        Addresses = [registry],
        Topics = [FollowedEvents.Select(e => e.Topic).ToArray()],
    };

    internal static Assembly Assembly => typeof(RegistryAbi).Assembly;
}
