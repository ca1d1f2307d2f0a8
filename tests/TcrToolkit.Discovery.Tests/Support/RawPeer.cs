using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Tests.Support;

/// <summary>
/// A hand-driven discv5 peer at the packet level, like go-ethereum's v5test connection: one identity and one session
/// (keyed by the remote id only), several sockets on different loopback IPs, explicit control of every packet.
/// </summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Enr _remote;
    private readonly Aes _masking;
    private byte[]? _writeKey;
    private byte[]? _readKey;
    private ulong _nextId = 1;

    public RawPeer(Enr remote, params string[] ips)
    {
        _remote = remote;
        Key = PrivateKey.Generate();
        Id = Key.PublicKey.NodeId;
        _masking = V4Crypto.CreateAes(Id.AsSpan());
        foreach (var ip in ips)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(ip), 0));
            socket.ReceiveTimeout = 1000;
            Sockets.Add(socket);
        }

        var first = (IPEndPoint)Sockets[0].LocalEndPoint!;
        Record = new EnrBuilder().SetIp(first.Address).SetUdp(first.Port).Build(Key);
    }

    public PrivateKey Key { get; }

    public Bytes32 Id { get; }

    public Enr Record { get; set; }

    public List<Socket> Sockets { get; } = [];

    public byte[] NextRequestId() => BitConverter.GetBytes(_nextId++).Reverse().ToArray();

    /// <summary>Sends <paramref name="message"/>: as a handshake when <paramref name="challenge"/> is given, else over the session (or a random key).</summary>
    public void Write(int socket, DiscoveryMessage message, DecodedPacket? challenge = null, bool includeRecord = true)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var iv = RandomNumberGenerator.GetBytes(16);
        byte[] packet;
        if (challenge is not null)
        {
            using var ephemeral = PrivateKey.Generate();
            var ephemeralPublic = ephemeral.PublicKey.ToCompressedBytes();
            var keys = HandshakeCrypto.DeriveKeys(V4Crypto.Ecdh(_remote.PublicKey, ephemeral), challenge.AuthenticatedData, Id.AsSpan(), _remote.NodeId.AsSpan());
            var signature = HandshakeCrypto.SignIdProof(Key, challenge.AuthenticatedData, ephemeralPublic, _remote.NodeId.AsSpan());
            var record = includeRecord && challenge.EnrSeq < Record.Sequence ? Record.Encoded : [];
            _writeKey = keys.InitiatorKey;
            _readKey = keys.RecipientKey;
            packet = PacketCodec.Encode(PacketFlag.Handshake, _remote.NodeId.AsSpan(), iv, nonce,
                PacketCodec.HandshakeAuthData(Id.AsSpan(), signature, ephemeralPublic, record), _writeKey,
                MessageCodec.Encode(message), PacketCodec.DefaultProtocolId, out _);
        }
        else
        {
            packet = PacketCodec.Encode(PacketFlag.Message, _remote.NodeId.AsSpan(), iv, nonce, Id.AsSpan(),
                _writeKey ?? RandomNumberGenerator.GetBytes(16), MessageCodec.Encode(message), PacketCodec.DefaultProtocolId, out _);
        }

        LastWritten = packet;
        WriteRaw(socket, packet);
    }

    public void WriteRaw(int socket, byte[] packet) => Sockets[socket].SendTo(packet, _remote.UdpEndPoint!);

    /// <summary>Reads one packet: a WHOAREYOU (returned as the packet) or a message (decrypted); null on timeout.</summary>
    public object? Read(int socket, int timeoutMs = 3000) => ReadRaw(socket, timeoutMs) is { } datagram ? Decode(datagram) : null;

    /// <summary>Decodes a received datagram: a WHOAREYOU packet, a decrypted message, or the rejection reason.</summary>
    public object Decode(byte[] datagram)
    {
        if (!PacketCodec.TryDecode(datagram, _masking, PacketCodec.DefaultProtocolId, out var packet, out var reason))
        {
            return reason;
        }

        if (packet!.Flag == PacketFlag.WhoAreYou)
        {
            return packet;
        }

        if (_readKey is null || !PacketCodec.TryDecryptMessage(packet, _readKey, out var plaintext))
        {
            return "undecryptable";
        }

        return MessageCodec.TryDecode(plaintext, out var message, out reason) ? message! : reason;
    }

    /// <summary>Reads one datagram as received (no decoding); null on timeout.</summary>
    public byte[]? ReadRaw(int socket, int timeoutMs = 3000)
    {
        var buffer = new byte[1500];
        Sockets[socket].ReceiveTimeout = timeoutMs;
        try
        {
            var n = Sockets[socket].Receive(buffer);
            return buffer[..n];
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut || ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return null;
        }
    }

    /// <summary>The last packet <see cref="Write"/> sent, for replays.</summary>
    public byte[]? LastWritten { get; private set; }

    /// <summary>Request/response with the handshake done on demand, as v5test's reqresp.</summary>
    public object? RequestResponse(int socket, DiscoveryMessage message)
    {
        Write(socket, message);
        var answer = Read(socket);
        if (answer is DecodedPacket { Flag: PacketFlag.WhoAreYou } challenge)
        {
            Write(socket, message, challenge);
            answer = Read(socket);
        }

        return answer;
    }

    public void Dispose()
    {
        foreach (var s in Sockets)
        {
            s.Dispose();
        }

        _masking.Dispose();
        Key.Dispose();
    }
}
