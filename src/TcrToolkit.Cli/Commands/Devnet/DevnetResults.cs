using System.CommandLine;
using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Cli.Infrastructure.Configuration;
using TcrToolkit.Devnet;

namespace TcrToolkit.Cli.Commands.Devnet;

/// <summary>One account of the devnet, from Hardhat's published mnemonic.</summary>
/// <param name="Index">Its index: <c>--account mnemonic:N</c> with <c>TCR_MNEMONIC</c> set to <see cref="DevnetUpReport.Mnemonic"/>.</param>
/// <param name="Address">EIP-55.</param>
/// <param name="Role"><c>deployer</c> (index 0) or <c>funded</c>.</param>
/// <param name="Tokens">Its registry-token balance in base units, as a decimal string.</param>
/// <param name="TokensFormatted">The same in whole tokens.</param>
/// <param name="Ether">Its ether balance in wei, as a decimal string.</param>
/// <param name="EtherFormatted">The same in ether.</param>
internal sealed record DevnetAccountReport(int Index, string Address, string Role, string Tokens, string TokensFormatted, string Ether, string EtherFormatted);

/// <summary>The devnet's contracts, EIP-55.</summary>
internal sealed record DevnetContractsReport(string? Token, string? Voting, string? Registry, string? Governor);

/// <summary>The <c>--json</c> result of <c>tcr devnet up</c>.</summary>
/// <param name="AlreadyRunning">Whether the devnet was running already (nothing was started or deployed).</param>
/// <param name="Directory">The <c>.devnet</c> folder holding the state file, manifest and node log.</param>
/// <param name="RpcUrl">The node's JSON-RPC URL.</param>
/// <param name="ChainId">The chain id (31337).</param>
/// <param name="ProcessId">The Hardhat node's process id.</param>
/// <param name="Manifest">The deployment manifest (read by the other commands).</param>
/// <param name="LogFile">The node's log.</param>
/// <param name="StartedAt">When the node was started, in Unix seconds.</param>
/// <param name="Contracts">The deployed contracts.</param>
/// <param name="Accounts">The deployer (index 0) and the funded, self-delegated accounts.</param>
/// <param name="Mnemonic">Hardhat's published development mnemonic (public, never use it for real funds).</param>
internal sealed record DevnetUpReport(
    bool AlreadyRunning,
    string Directory,
    string RpcUrl,
    ulong ChainId,
    int ProcessId,
    string Manifest,
    string LogFile,
    long StartedAt,
    DevnetContractsReport Contracts,
    IReadOnlyList<DevnetAccountReport> Accounts,
    string Mnemonic);

/// <summary>The <c>--json</c> result of <c>tcr devnet status</c>.</summary>
/// <param name="Running">Whether the node runs and answers.</param>
/// <param name="Directory">The <c>.devnet</c> folder looked at.</param>
/// <param name="RpcUrl">The node's URL, when a state file records one.</param>
/// <param name="ChainId">The node's chain id, when running.</param>
/// <param name="BlockNumber">The latest block, when running.</param>
/// <param name="Registry">The registry's address, when deployed.</param>
/// <param name="ListingCount">How many servers are listed, as a decimal string, when deployed.</param>
/// <param name="ProcessId">The node's process id, when a state file records one.</param>
/// <param name="Message">One sentence for people.</param>
internal sealed record DevnetStatusReport(
    bool Running, string Directory, string? RpcUrl, ulong? ChainId, ulong? BlockNumber, string? Registry, string? ListingCount, int? ProcessId, string Message);

/// <summary>The <c>--json</c> result of <c>tcr devnet down</c>.</summary>
/// <param name="Stopped">Whether a running node was stopped (<c>false</c>: none was running; a stale state file was removed if any).</param>
/// <param name="Directory">The <c>.devnet</c> folder.</param>
/// <param name="Message">One sentence for people.</param>
internal sealed record DevnetDownReport(bool Stopped, string Directory, string Message);

/// <summary>The <c>--dir</c> option the devnet commands share, and where it leads.</summary>
internal static class DevnetDirectory
{
    public static Option<string?> CreateOption(string description) => new("--dir")
    {
        Description = description,
        HelpName = "dir",
    };

    /// <summary>
    /// The project directory: <c>--dir</c>; else, when <paramref name="searchParents"/>, the nearest directory upwards
    /// with a <c>.devnet/</c> folder (where the other commands find the devnet); else the working directory.
    /// </summary>
    public static string Resolve(CommandContext context, Option<string?> option, bool searchParents)
    {
        var current = context.Environment.CurrentDirectory;
        return context.Parse.GetValue(option) is { } given ? Path.GetFullPath(given, current)
            : searchParents && DotDevnetLocator.FindProjectDirectory(current) is { } found ? found
            : current;
    }

    /// <summary>A host for the devnet of <paramref name="projectDirectory"/>.</summary>
    public static DevnetHost Host(string projectDirectory, int? port = null) =>
        new(new DevnetOptions { StateDirectory = DotDevnetLocator.StateDirectoryOf(projectDirectory), Port = port });
}
