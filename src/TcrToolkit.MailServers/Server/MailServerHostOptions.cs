using System.Net;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;
using TcrToolkit.Waku;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.MailServers.Server;

/// <summary>Options of <see cref="MailServerHost"/>.</summary>
public sealed class MailServerHostOptions
{
    /// <summary>The node key: the server's discv5 identity, its libp2p peer id and its registry listing. Required.</summary>
    public PrivateKey? NodeKey { get; set; }

    /// <summary>The UDP endpoint discovery binds. Default 127.0.0.1, any free port.</summary>
    public IPEndPoint DiscoveryEndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>The address the record advertises for discovery, when the bound one is not reachable as is.</summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>libp2p listen addresses (TCP, and <c>/ws</c> for browsers and js-waku). Default one TCP and one WebSocket on loopback.</summary>
    public IList<string> ListenAddresses { get; } = ["/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0/ws"];

    /// <summary>Discovery bootnodes.</summary>
    public IList<Enr> Bootnodes { get; } = [];

    /// <summary>The discv5 protocol id ("discv5"; Waku's separate DHT uses "d5waku").</summary>
    public string DiscoveryProtocolId { get; set; } = "discv5";

    /// <summary>The message store file (SQLite). Required.</summary>
    public string StorePath { get; set; } = "";

    /// <summary>What the store keeps. Default: 30 days, at most 10 million messages.</summary>
    public MessageRetention Retention { get; set; } = new() { MaxAge = TimeSpan.FromDays(30), MaxCount = 10_000_000 };

    /// <summary>How often retention runs. Default 1 minute.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Limits of the Waku services.</summary>
    public WakuServiceOptions Waku { get; set; } = new();

    /// <summary>Throws when the options cannot work, naming the option and what to set.</summary>
    public void Validate()
    {
        if (NodeKey is null)
        {
            throw new ArgumentException("MailServerHostOptions.NodeKey is required: the server's node key (its discovery, transport and registry identity).");
        }

        if (string.IsNullOrWhiteSpace(StorePath))
        {
            throw new ArgumentException("MailServerHostOptions.StorePath is required: the SQLite file the server stores messages in.");
        }

        if (ListenAddresses.Count == 0)
        {
            throw new ArgumentException("MailServerHostOptions.ListenAddresses is empty: give at least one libp2p address to serve on.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetentionInterval, TimeSpan.Zero, nameof(RetentionInterval));
        ArgumentNullException.ThrowIfNull(Waku);
        Waku.Validate();
    }
}
