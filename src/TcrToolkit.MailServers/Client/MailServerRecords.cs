using System.Net;
using TcrToolkit.Discovery;
using TcrToolkit.Libp2p;
using TcrToolkit.MailServers.Pool;

namespace TcrToolkit.MailServers.Client;

/// <summary>
/// Reads a mail server's Discovery v5 record (RFC 31/WAKU2-ENR): the <c>waku2</c> store bit marks a mail server (the
/// seed's "topic mailserver"); its libp2p addresses are the <c>ip</c>/<c>tcp</c> (and <c>ip6</c>/<c>tcp6</c>) fields and
/// the <c>multiaddrs</c> field, each completed with the peer id of the record's own key. That key is the registry
/// listing's key too, so dialling these addresses proves, in the Noise handshake, that the listed server answers.
/// </summary>
public static class MailServerRecords
{
    /// <summary>True when the record advertises the Waku store capability.</summary>
    public static bool IsMailServer(Enr record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Waku2 is { } caps && caps.HasFlag(Waku2Capabilities.Store);
    }

    /// <summary>The record as a pool candidate, or null when it is not a mail server or names no usable address.</summary>
    public static MailServerCandidate? ToCandidate(Enr record, CandidateSource source)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsMailServer(record))
        {
            return null;
        }

        var addresses = Addresses(record);
        return addresses.Count == 0 ? null : new MailServerCandidate(record.NodeId, addresses, record.Sequence, source, record.ToString());
    }

    /// <summary>The record's libp2p addresses, text form, each ending in <c>/p2p/</c> and the key's peer id.</summary>
    public static IReadOnlyList<string> Addresses(Enr record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var peer = PeerId.FromPublicKey(record.PublicKey);
        var addresses = new List<string>();
        if (record.Ip is { } ip && record.Tcp is { } tcp)
        {
            addresses.Add(Multiaddr.FromEndPoint(new IPEndPoint(ip, tcp)).WithPeerId(peer).ToString());
        }

        if (record.Ip6 is { } ip6 && record.Tcp6 is { } tcp6)
        {
            addresses.Add(Multiaddr.FromEndPoint(new IPEndPoint(ip6, tcp6)).WithPeerId(peer).ToString());
        }

        foreach (var raw in record.Multiaddrs)
        {
            Multiaddr address;
            try
            {
                address = Multiaddr.FromBytes(raw);
            }
            catch (FormatException)
            {
                continue; // One unreadable entry does not spoil the others.
            }

            // An entry naming another peer is not this server's address.
            if (address.PeerId is { } named && named != peer)
            {
                continue;
            }

            var text = address.WithoutPeerId().WithPeerId(peer).ToString();
            if (!addresses.Contains(text))
            {
                addresses.Add(text);
            }
        }

        return addresses;
    }
}
