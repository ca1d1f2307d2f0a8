using System.Net;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Hosting;

/// <summary>Settings of the hosted client pool (<c>AddTrustedMailServers</c>): discovery, the cache, the pool and the client.</summary>
public sealed class TrustedMailServersHostingOptions
{
    /// <summary>The client's node key (discovery and libp2p identity). Default: a fresh key per process (clients need no stable identity).</summary>
    public PrivateKey? NodeKey { get; set; }

    /// <summary>Discovery bootnodes, ENR text (<c>enr:…</c>). At least one is needed to find anything.</summary>
    public IList<string> Bootnodes { get; } = [];

    /// <summary>The UDP address discovery binds. Default 127.0.0.1.</summary>
    public string DiscoveryAddress { get; set; } = "127.0.0.1";

    /// <summary>The UDP port discovery binds; 0 for any free port. Default 0.</summary>
    public int DiscoveryPort { get; set; }

    /// <summary>The discv5 protocol id ("discv5"; Waku's separate DHT uses "d5waku").</summary>
    public string DiscoveryProtocolId { get; set; } = "discv5";

    /// <summary>
    /// How often every listed node id the pool lacks is resolved again by a targeted lookup (it is also resolved as soon
    /// as the registry mirror grants it trust). Default 30 seconds.
    /// </summary>
    public TimeSpan ResolveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether random walks run, offering every record with the store capability they meet. Default true.</summary>
    public bool RandomWalk { get; set; } = true;

    /// <summary>The pause between two random walks, and after a failed one. Default 10 seconds.</summary>
    public TimeSpan RandomWalkPause { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the records published with <c>Applied</c> events (their <c>data</c>, an ENR in text or RLP form) are read as
    /// hints: offered when the node id is trusted, and the newest sequence number wins over discovery's. Default true.
    /// </summary>
    public bool RegistryRecordHints { get; set; } = true;

    /// <summary>The block the <c>Applied</c> hints are read from (the registry's deployment block is enough). Default 0.</summary>
    public ulong RegistryRecordHintsFromBlock { get; set; }

    /// <summary>Most hint records kept (each from an <c>Applied</c> event or the cache), so memory stays bounded. Default 4,096.</summary>
    public int MaxHints { get; set; } = 4096;

    /// <summary>The SQLite file the pool is saved to and loaded from (re-verified on load); null keeps no cache.</summary>
    public string? CachePath { get; set; }

    /// <summary>How often the pool is saved to <see cref="CachePath"/> (and once more when the host stops). Default 1 minute.</summary>
    public TimeSpan CacheSaveInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The pool's settings.</summary>
    public TrustedMailServersOptions Pool { get; set; } = new();

    /// <summary>The client's settings.</summary>
    public MailServerClientOptions Client { get; set; } = new();

    /// <summary>The problems of these settings, each saying what to set; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var bootnode in Bootnodes)
        {
            try
            {
                Enr.Parse(bootnode);
            }
            catch (EnrFormatException e)
            {
                problems.Add($"Bootnodes: \"{Shorten(bootnode)}\" is not an ENR ({e.Message}); give records in text form (enr:…).");
            }
        }

        if (!IPAddress.TryParse(DiscoveryAddress, out _))
        {
            problems.Add($"DiscoveryAddress \"{DiscoveryAddress}\" is not an IP address; give the address discovery binds, for example 0.0.0.0.");
        }

        if (DiscoveryPort is < 0 or > 65535)
        {
            problems.Add($"DiscoveryPort must be between 0 and 65535, not {DiscoveryPort}.");
        }

        if (string.IsNullOrWhiteSpace(DiscoveryProtocolId))
        {
            problems.Add("Set DiscoveryProtocolId (\"discv5\", or \"d5waku\" for Waku's DHT).");
        }

        Positive(problems, ResolveInterval, nameof(ResolveInterval));
        Positive(problems, RandomWalkPause, nameof(RandomWalkPause));
        Positive(problems, CacheSaveInterval, nameof(CacheSaveInterval));
        if (MaxHints < 1)
        {
            problems.Add($"MaxHints must be at least 1, not {MaxHints}.");
        }

        Check(problems, () => (Pool ?? throw new ArgumentException("Pool must not be null.")).Validate());
        Check(problems, () => (Client ?? throw new ArgumentException("Client must not be null.")).Validate());
        return problems;
    }

    internal IPEndPoint DiscoveryEndPoint() => new(IPAddress.Parse(DiscoveryAddress), DiscoveryPort);

    private static void Positive(List<string> problems, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive, not {value}.");
        }
    }

    private static void Check(List<string> problems, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }
    }

    private static string Shorten(string text) => text.Length <= 24 ? text : text[..24] + "…";
}

/// <summary>Settings of the hosted mail server (<c>AddMailServerHost</c>): the server kit's options.</summary>
public sealed class MailServerHostingOptions
{
    /// <summary>The server kit's settings (its node key and store file are required).</summary>
    public Server.MailServerHostOptions Server { get; set; } = new();

    /// <summary>Bootnodes in ENR text form, added to <see cref="Server"/>'s (for configuration files).</summary>
    public IList<string> Bootnodes { get; } = [];

    /// <summary>How often the host logs its counters (stored messages, peers served, queries per second). Default 5 minutes.</summary>
    public TimeSpan StatusLogInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The problems of these settings, each saying what to set; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Server is null)
        {
            problems.Add("Server must not be null.");
            return problems;
        }

        try
        {
            Server.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }

        foreach (var bootnode in Bootnodes)
        {
            try
            {
                Enr.Parse(bootnode);
            }
            catch (EnrFormatException e)
            {
                problems.Add($"Bootnodes: a record is not an ENR ({e.Message}); give records in text form (enr:…).");
            }
        }

        if (StatusLogInterval <= TimeSpan.Zero)
        {
            problems.Add($"StatusLogInterval must be positive, not {StatusLogInterval}.");
        }

        return problems;
    }
}
