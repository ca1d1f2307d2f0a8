namespace TcrToolkit.Libp2p.Protocols;

/// <summary>identify (<c>/ipfs/id/1.0.0</c>): the responder sends one length-prefixed Identify protobuf and closes.</summary>
internal static class Identify
{
    public const string ProtocolId = "/ipfs/id/1.0.0";
    public const int MaxMessageSize = 64 * 1024;

    /// <summary>Encodes the Identify message: publicKey 1, listenAddrs 2, protocols 3, observedAddr 4, protocolVersion 5, agentVersion 6.</summary>
    public static byte[] Encode(IdentityKey key, IEnumerable<Multiaddr> listenAddresses, IEnumerable<string> protocols, Multiaddr? observed, string protocolVersion, string agentVersion)
    {
        var writer = new ProtoWriter();
        writer.WriteStringField(5, protocolVersion);
        writer.WriteStringField(6, agentVersion);
        writer.WriteBytesField(1, key.Marshal());
        foreach (var address in listenAddresses)
        {
            writer.WriteBytesField(2, address.ToBytes());
        }

        if (observed is not null)
        {
            writer.WriteBytesField(4, observed.ToBytes());
        }

        foreach (var protocol in protocols)
        {
            writer.WriteStringField(3, protocol);
        }

        return writer.ToArray();
    }

    /// <summary>Decodes an Identify message; addresses that do not parse are skipped, the rest must be well formed.</summary>
    /// <exception cref="Libp2pProtocolException">Malformed protobuf or public key.</exception>
    public static IdentifyInfo Decode(ReadOnlySpan<byte> message)
    {
        var protocols = new List<string>();
        var listen = new List<Multiaddr>();
        Multiaddr? observed = null;
        string? protocolVersion = null, agentVersion = null;
        PeerId? keyPeer = null;
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    keyPeer = PeerId.FromIdentityKey(IdentityKey.Unmarshal(reader.ReadBytes()));
                    break;
                case 2:
                    if (TryAddress(reader.ReadBytes()) is { } address && listen.Count < 128)
                    {
                        listen.Add(address);
                    }

                    break;
                case 3:
                    if (protocols.Count < 1024)
                    {
                        protocols.Add(reader.ReadString());
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case 4:
                    observed = TryAddress(reader.ReadBytes());
                    break;
                case 5:
                    protocolVersion = reader.ReadString();
                    break;
                case 6:
                    agentVersion = reader.ReadString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new IdentifyInfo
        {
            ProtocolVersion = protocolVersion,
            AgentVersion = agentVersion,
            Protocols = protocols,
            ListenAddresses = listen,
            ObservedAddress = observed,
            PublicKeyPeerId = keyPeer,
        };
    }

    private static Multiaddr? TryAddress(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Multiaddr.FromBytes(bytes);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>ping (<c>/ipfs/ping/1.0.0</c>): 32 random bytes echoed back, repeated until the stream closes.</summary>
internal static class Ping
{
    public const string ProtocolId = "/ipfs/ping/1.0.0";
    public const int PayloadSize = 32;

    public static async Task ServeAsync(IncomingStream incoming, CancellationToken cancellationToken)
    {
        var buffer = new byte[PayloadSize];
        while (true)
        {
            var read = await incoming.Stream.ReadAtLeastAsync(buffer, PayloadSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < PayloadSize)
            {
                return;
            }

            await incoming.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }
}
